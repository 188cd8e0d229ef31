import { afterAll, describe, expect, inject, it } from 'vitest';
import { type BridgeProcess, killBridge, spawnBridge } from '../support/bridge-process.js';
import { eventually } from '../support/consumer.js';
import { documentUploaded, SECRET } from '../support/events.js';
import { uniquePrefix } from '../support/kafka.js';
import { acknowledgedMore, startLoad } from '../support/load.js';
import { readBack } from '../support/readback.js';
import { slowPost } from '../support/slow-post.js';

const DRAIN_MS = 1_500;
const BOUND_MS = 15_000;

describe('SIGTERM under load', () => {
  let bridge: BridgeProcess | undefined;
  afterAll(() => killBridge(bridge));

  it('turns readiness 503 first, answers every request in flight, loses nothing acknowledged and exits 0 within its bound', async () => {
    const brokers = inject('kafkaBrokers');
    const prefix = uniquePrefix('sigterm');
    bridge = await spawnBridge({
      KAFKA_BROKERS: brokers.join(','),
      TOPIC_PREFIX: prefix,
      SHUTDOWN_DRAIN_MS: String(DRAIN_MS),
      SHUTDOWN_TIMEOUT_MS: String(BOUND_MS),
    });
    const { url } = bridge;
    const unanswered: { status: string; startedAt: number }[] = [];
    const load = startLoad({
      target: () => url,
      workers: 6,
      backoffMs: 50,
      onAnswer: (status, _id, startedAt) => {
        if (typeof status === 'string') unanswered.push({ status, startedAt });
      },
    });
    await acknowledgedMore(load, 100, 30_000);

    const signalled = Date.now();
    bridge.child.kill('SIGTERM');
    await eventually(() => bridge?.lines.some((line) => line.includes('shutting down')) ?? false, 5_000);
    const readiness = await fetch(`${url}/readyz`);
    // Still draining: the load balancer is told to go elsewhere while we keep serving.
    expect(readiness.status).toBe(503);
    // Requests whose bodies are still arriving when the server begins to close: in flight across the close.
    await new Promise((resolve) => setTimeout(resolve, DRAIN_MS - 500));
    const inFlight = [1, 2, 3].map(() => documentUploaded());
    const slow = inFlight.map((event) => slowPost(url, event, 1_000));

    const exit = await bridge.exited;
    const report = await load.stop();
    expect(exit.code).toBe(0);
    expect(exit.at - signalled).toBeLessThan(BOUND_MS);
    expect(await Promise.all(slow)).toEqual([200, 200, 200]);

    // No request was left without an answer while the bridge was accepting (until the drain ended).
    const whileAccepting = unanswered.filter((entry) => entry.startedAt < signalled + DRAIN_MS - 300);
    expect(whileAccepting).toEqual([]);
    const statuses = Object.keys(report.statuses).filter((status) => !status.startsWith('error:'));
    expect(statuses.every((status) => status === '200' || status === '503')).toBe(true);

    const acknowledged = [...report.acknowledged, ...inFlight.map((event) => event.eventId)];
    const back = await readBack(brokers, `${prefix}events`, acknowledged, { timeoutMs: 30_000 });
    expect(back.missing).toEqual([]);
    expect(back.duplicates).toBe(0);
    // Its logs, start to exit, never carry the secret.
    expect(bridge.lines.join('\n')).not.toContain(SECRET);
  });
});
