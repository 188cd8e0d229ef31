import { afterAll, describe, expect, inject, it } from 'vitest';
import { type BridgeProcess, killBridge, spawnBridge } from '../support/bridge-process.js';
import { uniquePrefix } from '../support/kafka.js';
import { acknowledgedMore, startLoad } from '../support/load.js';
import { readBack } from '../support/readback.js';

describe('the bridge killed with SIGKILL under load and restarted', () => {
  const spawned: BridgeProcess[] = [];
  afterAll(async () => {
    await Promise.all(spawned.map((bridge) => killBridge(bridge)));
  });

  it('loses no event it acknowledged before the kill or after the restart', async () => {
    const brokers = inject('kafkaBrokers');
    const env = { KAFKA_BROKERS: brokers.join(','), TOPIC_PREFIX: uniquePrefix('bridge-kill') };
    let current = await spawnBridge(env);
    spawned.push(current);
    const load = startLoad({ target: () => current.url, workers: 6, backoffMs: 100 });
    await acknowledgedMore(load, 150, 30_000);

    current.child.kill('SIGKILL');
    expect((await current.exited).signal).toBe('SIGKILL');
    current = await spawnBridge(env);
    spawned.push(current);
    await acknowledgedMore(load, 100, 30_000);
    const report = await load.stop();

    // Requests cut off by the kill got no answer (Popp retries those); none was acknowledged and lost.
    expect(report.statuses['200']).toBeGreaterThanOrEqual(250);
    const back = await readBack(brokers, `${env.TOPIC_PREFIX}events`, report.acknowledged, { timeoutMs: 30_000 });
    expect(back.missing).toEqual([]);
  });
});
