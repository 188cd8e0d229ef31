import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../src/paths.js';
import { bridgeOnly, modulesLoadedBy } from '../../support/module-probe.js';

describe('what importing the SDK loads', () => {
  it('loads kafkajs, ajv and the contract, and nothing of the server, console, spool or devstack', () => {
    const entry = pathToFileURL(`${projectRoot}/src/consumer/index.ts`).href;
    const loaded = modulesLoadedBy(entry, { cwd: projectRoot, nodeArgs: ['--import', 'tsx'] });
    // What it needs is there: the probe sees both the ESM and the CommonJS sides.
    expect(loaded.some((m) => m.includes('/src/consumer/consumer.ts'))).toBe(true);
    expect(loaded.some((m) => m.includes('/node_modules/kafkajs/'))).toBe(true);
    expect(loaded.some((m) => m.includes('/node_modules/ajv/'))).toBe(true);
    expect(bridgeOnly(loaded, projectRoot)).toEqual([]);
  });

  it('would notice the server: importing the bridge’s app loads fastify and the webhook route', () => {
    const app = pathToFileURL(`${projectRoot}/src/app.ts`).href;
    const flagged = bridgeOnly(modulesLoadedBy(app, { cwd: projectRoot, nodeArgs: ['--import', 'tsx'] }), projectRoot);
    expect(flagged.some((m) => m.includes('/node_modules/fastify/'))).toBe(true);
    expect(flagged.some((m) => m.endsWith('/src/webhook/route.ts'))).toBe(true);
  });

  it('keeps the testing helpers as lean: the signer and samples load nothing of the bridge that runs', () => {
    const testing = pathToFileURL(`${projectRoot}/src/testing/index.ts`).href;
    expect(bridgeOnly(modulesLoadedBy(testing, { cwd: projectRoot, nodeArgs: ['--import', 'tsx'] }), projectRoot)).toEqual([]);
  });
});
