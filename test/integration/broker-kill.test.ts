import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalBroker } from '../../src/devstack/broker.js';
import { devstackHome } from '../../src/paths.js';
import { startTestBridge, type TestBridge } from '../support/bridge.js';
import { eventually } from '../support/consumer.js';
import { uniquePrefix } from '../support/kafka.js';
import { acknowledgedMore, startLoad } from '../support/load.js';
import { readBack } from '../support/readback.js';

/** A broker of its own (39092/39093; outage.test.ts has 29092): killing the shared one would break every other file. */
const broker = createLocalBroker({ home: devstackHome, port: 39092, controllerPort: 39093 });

describe('the broker killed with SIGKILL under steady load', () => {
  let bridge: TestBridge | undefined;
  let brokers: string[];
  beforeAll(async () => {
    brokers = (await broker.start()).brokers;
  });
  afterAll(async () => {
    await bridge?.close();
    await broker.stop();
  });

  it('answers 503 during the outage, recovers without a restart, and loses no acknowledged event', async () => {
    const prefix = uniquePrefix('broker-kill');
    bridge = await startTestBridge(brokers, prefix, { PUBLISH_TIMEOUT_MS: '2000' });
    const url = bridge.bridge.url;
    const load = startLoad({ target: () => url, workers: 4, backoffMs: 200 });
    await acknowledgedMore(load, 50, 20_000);

    process.kill((await broker.status()).pid as number, 'SIGKILL');
    await eventually(
      () => (load.report.statuses['503'] ?? 0) >= 4,
      20_000,
      () => JSON.stringify(load.report.statuses),
    );
    await broker.start();
    // A broker killed mid-write recovers its logs first: on a busy machine that takes a while.
    await acknowledgedMore(load, 50, 90_000);
    const report = await load.stop();

    // Every request got an answer, and only the two the contract allows.
    expect(Object.keys(report.statuses).sort()).toEqual(['200', '503']);
    const back = await readBack(brokers, `${prefix}events`, report.acknowledged, { timeoutMs: 30_000 });
    expect(back.missing).toEqual([]);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  }, 180_000);
});
