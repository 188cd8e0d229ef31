import { Network, type StartedNetwork } from 'testcontainers';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildImages } from '../../src/images/build.js';
import { createDockerCli } from '../../src/images/docker.js';
import { devstackHome, projectRoot } from '../../src/paths.js';
import { type StartedKafka, startKafkaContainer } from '../../src/testing/kafka-container.js';
import { type BridgeContainer, dockerCommand, runBridgeContainer } from '../support/bridge-container.js';
import { CONTAINER_PORTS, freePort, IMAGE_BUILD_MS } from '../support/containers.js';
import { documentUploaded, SECRET } from '../support/events.js';
import { uniquePrefix } from '../support/kafka.js';
import { readBack } from '../support/readback.js';

const engine = inject('dockerEngine');
if (!engine.ok) console.log(`[containers] bridge-container tests skipped: ${engine.reason}`);

/**
 * The image built from the project's Dockerfile, run as users run it, against
 * Kafka in a container on a network of their own.
 */
describe.skipIf(!engine.ok)('the bridge image, run with docker against a Kafka container', () => {
  let network: StartedNetwork;
  let kafka: StartedKafka;
  const containers: BridgeContainer[] = [];
  const volume = `popp-bridge-test-spool-${process.pid}`;

  const bridgeEnv = (prefix: string, extra: Record<string, string> = {}) => ({
    KAFKA_BROKERS: kafka.internalBrokers.join(','),
    POPP_WEBHOOK_SECRET: SECRET,
    TOPIC_PREFIX: prefix,
    TOPIC_PARTITIONS: '2',
    SHUTDOWN_DRAIN_MS: '500',
    ...extra,
  });
  const start = async (env: Record<string, string>, withVolume = false) => {
    const container = await runBridgeContainer({
      network: network.getName(),
      hostPort: await freePort(CONTAINER_PORTS.bridge),
      env,
      ...(withVolume && { volume }),
    });
    containers.push(container);
    return container;
  };

  beforeAll(async () => {
    const log = (line: string) => console.log(`[images] ${line}`);
    await buildImages({ docker: createDockerCli(), root: projectRoot, home: devstackHome, log, only: ['bridge', 'kafka'] });
    network = await new Network().start();
    kafka = await startKafkaContainer({ hostPort: await freePort(CONTAINER_PORTS.bridgeKafka), network });
    console.log(`[containers] Testcontainers started ${kafka.container.getName().replace(/^\//, '')} for the bridge image`);
  }, IMAGE_BUILD_MS);
  afterAll(async () => {
    for (const container of containers) await container.remove();
    await dockerCommand(['volume', 'rm', '-f', volume]).catch(() => '');
    await kafka?.stop();
    await network?.stop();
  });

  it('runs as a non-root user on a read-only root file system, publishes signed events, and drains on SIGTERM with exit 0', async () => {
    const prefix = uniquePrefix('container');
    const bridge = await start(bridgeEnv(prefix));
    const state = await bridge.state();
    expect(state.user).toBe('node');
    expect(state.readOnly).toBe(true);
    expect((await dockerCommand(['exec', bridge.id, 'id', '-u'])).trim()).not.toBe('0');

    const events = [1, 2, 3, 4, 5].map(() => documentUploaded());
    const answers = await Promise.all(events.map((event) => bridge.post(event, SECRET)));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.map((answer) => answer.body.status)).toEqual(Array(5).fill('published'));
    expect((await bridge.post(documentUploaded(), 'not-the-secret')).status).toBe(401);

    const back = await readBack(
      kafka.brokers,
      `${prefix}events`,
      events.map((event) => event.eventId),
      { timeoutMs: 30_000 },
    );
    expect(back.missing).toEqual([]);
    expect(back.duplicates).toBe(0);

    await bridge.stop();
    const stopped = await bridge.state();
    // 0: the bridge finished its own shutdown; docker's kill after the stop timeout would make it 137.
    expect(stopped.exitCode).toBe(0);
    const logs = await bridge.logs();
    expect(logs).toContain('shutting down: readiness 503');
    expect(logs).toContain('shut down cleanly');
    expect(logs).not.toContain(SECRET);
  });

  it('loses nothing it acknowledged when killed while spooling and started again on the same spool volume', async () => {
    const prefix = uniquePrefix('container-spool');
    const env = bridgeEnv(prefix, { OUTAGE_POLICY: 'spool', PUBLISH_TIMEOUT_MS: '3000' });
    const first = await start(env, true);
    const before = [1, 2, 3].map(() => documentUploaded());
    // Acknowledged either way: published, or spooled when a first publish on a busy machine is slower than the timeout.
    for (const event of before) expect(['published', 'spooled']).toContain((await first.post(event, SECRET)).body.status);

    // A broker that takes connections and never answers: publishes time out into the spool.
    await dockerCommand(['pause', kafka.container.getId()]);
    const during = [1, 2, 3, 4].map(() => documentUploaded());
    let answers: { status: number; body: { status?: string } }[];
    try {
      answers = await Promise.all(during.map((event) => first.post(event, SECRET)));
      await first.kill();
    } finally {
      await dockerCommand(['unpause', kafka.container.getId()]);
    }
    expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202, 202]);
    expect(answers.map((answer) => answer.body.status)).toEqual(Array(4).fill('spooled'));
    expect((await first.state()).exitCode).toBe(137);

    await start(env, true);
    const acknowledged = [...before, ...during].map((event) => event.eventId);
    const back = await readBack(kafka.brokers, `${prefix}events`, acknowledged, { timeoutMs: 60_000 });
    expect(back.missing).toEqual([]);
  });
});
