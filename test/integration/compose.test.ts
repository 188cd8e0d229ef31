import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildImages } from '../../src/images/build.js';
import { createDockerCli } from '../../src/images/docker.js';
import { LOCAL_IMAGES } from '../../src/images/names.js';
import { devstackHome, projectRoot } from '../../src/paths.js';
import { CONTAINER_PORTS, freePort, IMAGE_BUILD_MS } from '../support/containers.js';
import { documentUploaded, signed } from '../support/events.js';
import { readBack } from '../support/readback.js';

const run = promisify(execFile);
const engine = inject('dockerEngine');
const compose = engine.ok
  ? await run('docker', ['compose', 'version']).then(
      () => undefined,
      (error: Error) => error.message.split('\n')[0],
    )
  : 'no Docker engine';
const skipped = engine.ok ? compose : engine.reason;
if (skipped) console.log(`[containers] compose test skipped: ${skipped}`);

/**
 * The project's docker-compose.yml, run as a user runs it, with the images
 * built here. The schema registry's image is the one thing not built here:
 * an override file leaves it out, and the bridge writes plain values.
 */
const WITHOUT_REGISTRY = `services:
  bridge:
    depends_on: !override
      kafka:
        condition: service_healthy
    environment:
      SCHEMA_REGISTRY_URL: ""
`;

describe.skipIf(skipped !== undefined)('docker compose up --wait with the images built here', () => {
  const project = `popp-bridge-test-${process.pid}`;
  const secret = 'compose-test-secret';
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const composeRun = (args: string[]) =>
    run('docker', ['compose', '-p', project, '-f', join(projectRoot, 'docker-compose.yml'), '-f', join(dir, 'override.yml'), ...args], {
      env,
      maxBuffer: 16 * 1024 * 1024,
    });

  beforeAll(async () => {
    const log = (line: string) => console.log(`[images] ${line}`);
    await buildImages({ docker: createDockerCli(), root: projectRoot, home: devstackHome, log, only: ['bridge', 'kafka'] });
    dir = await mkdtemp(join(tmpdir(), 'popp-compose-'));
    await writeFile(join(dir, 'override.yml'), WITHOUT_REGISTRY);
    env = {
      ...process.env,
      KAFKA_IMAGE: LOCAL_IMAGES.kafka,
      BRIDGE_IMAGE: LOCAL_IMAGES.bridge,
      KAFKA_HOST_PORT: String(await freePort(CONTAINER_PORTS.compose)),
      BRIDGE_PORT: String(await freePort({ from: CONTAINER_PORTS.compose.from + 5, to: CONTAINER_PORTS.compose.to })),
      POPP_WEBHOOK_SECRET: secret,
    };
  }, IMAGE_BUILD_MS);
  afterAll(async () => {
    if (dir) {
      await composeRun(['down', '-v', '--timeout', '40']).catch((error: Error) => console.log(`[compose] down failed: ${error.message}`));
      await rm(dir, { recursive: true, force: true });
    }
  });

  // Compose waits for health checks that run every 10 s, Kafka's first after its 30 s start period.
  it('starts Kafka and the bridge healthy, publishes a signed event to Kafka, and comes down with its volumes', {
    timeout: 300_000,
  }, async () => {
    await composeRun(['up', '--wait', '--no-build', 'kafka', 'bridge']);
    const { stdout } = await composeRun(['ps', '--format', '{{.Service}} {{.Image}} {{.Health}}']);
    expect(stdout).toContain(`kafka ${LOCAL_IMAGES.kafka} healthy`);
    expect(stdout).toContain(`bridge ${LOCAL_IMAGES.bridge} healthy`);

    const event = documentUploaded();
    const { headers, payload } = signed(event, secret);
    const response = await fetch(`http://127.0.0.1:${env.BRIDGE_PORT}/webhooks/popp`, { method: 'POST', headers, body: payload });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'published', eventId: event.eventId });

    const back = await readBack([`127.0.0.1:${env.KAFKA_HOST_PORT}`], 'popp.events', [event.eventId], { timeoutMs: 30_000 });
    expect(back.missing).toEqual([]);

    await composeRun(['down', '-v', '--timeout', '40']);
    const volumes = await run('docker', ['volume', 'ls', '--quiet', '--filter', `label=com.docker.compose.project=${project}`]);
    expect(volumes.stdout.trim()).toBe('');
  });
});
