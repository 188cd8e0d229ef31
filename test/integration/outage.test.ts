import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalBroker } from '../../src/devstack/broker.js';
import { devstackHome } from '../../src/paths.js';
import { startTestBridge, type TestBridge } from '../support/bridge.js';
import { conversation } from '../support/events.js';
import { readRecords, uniquePrefix } from '../support/kafka.js';

/**
 * A broker of its own (the shared one serves the other files meanwhile),
 * frozen with SIGSTOP: a silent endpoint, the worst kind of outage.
 */
const broker = createLocalBroker({ home: devstackHome, port: 29092, controllerPort: 29093 });
// Long enough that, on a loaded machine, the requests below reach the publisher's queue before the
// first one times out: the test is about the bound refusing at once, not about how fast requests arrive.
const TIMEOUT_MS = 5_000;

/** Posts like Popp retries: every 500 ms, for at most 30 s; the last status. */
async function retryUntilAccepted(bridge: TestBridge, event: unknown): Promise<number> {
  let status = 0;
  for (let attempt = 0; attempt < 60 && status !== 200; attempt++) {
    status = (await bridge.post(event)).status;
    if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return status;
}

describe('a broker that stops answering', () => {
  let bridge: TestBridge;
  let pid: number;
  let brokers: string[];

  beforeAll(async () => {
    brokers = (await broker.start()).brokers;
    pid = (await broker.status()).pid as number;
    bridge = await startTestBridge(brokers, uniquePrefix('outage'), { PUBLISH_TIMEOUT_MS: String(TIMEOUT_MS) }, { maxQueuedRecords: 4 });
  });
  afterAll(async () => {
    if (pid) process.kill(pid, 'SIGCONT');
    await bridge?.close();
    await broker.stop();
  });

  it('answers 503 with Retry-After within PUBLISH_TIMEOUT_MS, refuses overload, and recovers without a restart', async () => {
    expect((await bridge.post(conversation('CONVERSATION_STARTED', 'conv_before'))).status).toBe(200);

    process.kill(pid, 'SIGSTOP');
    try {
      const stuck = conversation('CONVERSATION_STARTED', 'conv_stuck');
      const started = Date.now();
      const first = bridge.post(stuck);
      // While that batch hangs, two more events of the same record wait behind it (per-key order) and
      // fill the queue bound (4 records); the next is refused at once.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const queued = [
        bridge.post(conversation('CONVERSATION_COMPLETED', 'conv_stuck')),
        bridge.post(conversation('CONVERSATION_COMPLETED', 'conv_stuck')),
      ];
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const overloaded = await bridge.post(conversation('CONVERSATION_STARTED', 'conv_over'));
      expect(overloaded.status).toBe(503);
      expect(await overloaded.json()).toMatchObject({ error: 'overloaded' });
      expect(overloaded.headers.get('retry-after')).toBe('5');

      const answer = await first;
      const elapsed = Date.now() - started;
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toBe('5');
      expect(await answer.json()).toMatchObject({ error: 'publish_timeout' });
      expect(elapsed).toBeLessThan(TIMEOUT_MS + 1_000);
      for (const response of await Promise.all(queued)) expect(response.status).toBe(503);
      const ready = await fetch(`${bridge.bridge.url}/readyz`);
      expect(ready.status).toBe(503);
    } finally {
      process.kill(pid, 'SIGCONT');
    }

    // Popp retries; once the broker answers again, the same bridge publishes.
    const retried = conversation('CONVERSATION_STARTED', 'conv_after');
    expect(await retryUntilAccepted(bridge, retried)).toBe(200);
    const records = await readRecords(brokers, [`${bridge.prefix}conversation.started`], 2, { settleMs: 1_000 });
    expect(records.map((r) => r.headers['event-id'])).toContain(retried.eventId);
    expect((await fetch(`${bridge.bridge.url}/readyz`)).status).toBe(200);
  });

  it('answers 503 while the broker is down (connection refused), and publishes again once it is back', async () => {
    await broker.stop();
    const down = await bridge.post(conversation('CONVERSATION_STARTED', 'conv_down'));
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    expect(['kafka_unavailable', 'publish_timeout']).toContain(((await down.json()) as { error: string }).error);

    await broker.start();
    pid = (await broker.status()).pid as number;
    const event = conversation('CONVERSATION_STARTED', 'conv_back');
    expect(await retryUntilAccepted(bridge, event)).toBe(200);
  });
});
