import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureApicurio } from '../../src/devstack/apicurio.js';
import { isPortOpen } from '../../src/devstack/probe.js';
import { createLocalRegistry } from '../../src/devstack/registry.js';
import { devstackHome } from '../../src/paths.js';

// Its own instance, apart from the registry on 8081 that the other files share; the application is shared.
const PORT = 18081;
const log = (line: string) => console.log(`[registry devstack test] ${line}`);
const registry = createLocalRegistry({ home: devstackHome, port: PORT, log });

describe('the local development schema registry (Apicurio)', () => {
  beforeAll(async () => {
    await ensureApicurio({ home: devstackHome, log });
    await registry.stop(); // a leftover from an interrupted run would make the first start a reuse
  }, 600_000);
  afterAll(() => registry.stop(), 60_000);

  it('starts a registry that serves the Confluent-compatible API, reuses it, and stops it', async () => {
    expect(await registry.start()).toEqual({ url: `http://127.0.0.1:${PORT}/apis/ccompat/v7`, reused: false });
    const subjects = await fetch(`${registry.url}/subjects`);
    expect(subjects.status).toBe(200);
    expect(await subjects.json()).toEqual([]);

    expect((await registry.start()).reused).toBe(true);
    const status = await registry.status();
    expect(status).toMatchObject({ running: true, url: registry.url });
    expect(status.logFile).toMatch(/registry-18081[/\\]registry\.log$/);

    await registry.stop();
    expect((await registry.status()).running).toBe(false);
    expect(await isPortOpen('127.0.0.1', PORT)).toBe(false);
  }, 180_000);
});
