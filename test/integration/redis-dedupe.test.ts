import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLocalRedis } from '../../src/devstack/redis.js';
import { devstackHome } from '../../src/paths.js';
import { startTestBridge, type TestBridge } from '../support/bridge.js';
import { type BridgeProcess, killBridge, spawnBridge } from '../support/bridge-process.js';
import { documentUploaded, signed } from '../support/events.js';
import { uniquePrefix } from '../support/kafka.js';
import { acknowledgedMore, startLoad } from '../support/load.js';
import { readBack } from '../support/readback.js';

const brokers = inject('kafkaBrokers');

/** In-process bridges on the same Redis, each with its log lines kept in `logs[i]`. */
function startBridges(count: number, prefix: string, redisUrl: string, logs: string[][]): Promise<TestBridge[]> {
  const env = { DEDUPE_STORE: 'redis', REDIS_URL: redisUrl, PUBLISH_TIMEOUT_MS: '3000' };
  return Promise.all(
    Array.from({ length: count }, (_, i) => {
      const lines: string[] = [];
      logs[i] = lines;
      const sink = new Writable({
        write(chunk, _encoding, callback) {
          lines.push(String(chunk));
          callback();
        },
      });
      return startTestBridge(brokers, prefix, env, { logger: pino({ level: 'info' }, sink) });
    }),
  );
}

describe('three bridge processes sharing the Redis dedupe', () => {
  let processes: BridgeProcess[] = [];
  afterAll(async () => {
    await Promise.all(processes.map((bridge) => killBridge(bridge)));
  });

  it('publishes an event sent to three bridges at the same moment once, and answers the others duplicate', async () => {
    const prefix = uniquePrefix('redis3');
    const env = {
      KAFKA_BROKERS: brokers.join(','),
      TOPIC_PREFIX: prefix,
      DEDUPE_STORE: 'redis',
      REDIS_URL: inject('redisUrl'),
      LOG_LEVEL: 'warn',
    };
    processes = await Promise.all([1, 2, 3].map(() => spawnBridge(env)));
    expect(new Set(processes.map((bridge) => bridge.url)).size).toBe(3);
    const events = Array.from({ length: 20 }, () => documentUploaded());
    for (const event of events) {
      const { headers, payload } = signed(event);
      const answers = await Promise.all(
        processes.map(async (bridge) => {
          const response = await fetch(`${bridge.url}/webhooks/popp`, { method: 'POST', headers, body: payload });
          return ((await response.json()) as { status: string }).status;
        }),
      );
      expect(answers.sort()).toEqual(['duplicate', 'duplicate', 'published']);
    }
    const back = await readBack(
      brokers,
      `${prefix}events`,
      events.map((event) => event.eventId),
      { settleMs: 1_500 },
    );
    expect(back.missing).toEqual([]);
    expect(back.duplicates).toBe(0);
    expect(back.records).toBe(events.length);
  });
});

describe('Redis killed and restarted under load', () => {
  // A Redis of its own, so the shared one stays up for the other files.
  const redis = createLocalRedis({ home: devstackHome, port: 36379 });
  let bridges: TestBridge[] = [];
  beforeAll(async () => {
    await redis.start();
  });
  afterAll(async () => {
    await Promise.all(bridges.map((bridge) => bridge.close()));
    await redis.stop();
  });

  it('keeps answering 200 on both bridges and loses no acknowledged event', async () => {
    const prefix = uniquePrefix('redis-kill');
    const logs: string[][] = [];
    bridges = await startBridges(2, prefix, redis.url, logs);
    let turn = 0;
    const load = startLoad({ target: () => (bridges[turn++ % 2] as TestBridge).bridge.url, workers: 4 });
    await acknowledgedMore(load, 50, 20_000);

    const { pid } = await redis.status();
    process.kill(pid as number, 'SIGKILL');
    await acknowledgedMore(load, 100, 20_000);
    await redis.start();
    await acknowledgedMore(load, 100, 20_000);
    const report = await load.stop();

    // Redis is not on the path that decides whether an event is accepted: every request got its 200.
    expect(report.statuses).toEqual({ 200: report.requests });
    const unavailable = await Promise.all(bridges.map(async (bridge) => metric(bridge, 'popp_bridge_dedupe_unavailable_total')));
    expect(unavailable.reduce((sum, n) => sum + n, 0)).toBeGreaterThan(0);
    // Said once per bridge and outage, not once per webhook.
    const said = logs.map((lines) => lines.filter((line) => line.includes('Redis dedupe unavailable')).length);
    expect(said.every((n) => n <= 1)).toBe(true);
    expect(said.reduce((sum, n) => sum + n, 0)).toBeGreaterThan(0);
    const back = await readBack(brokers, `${prefix}events`, report.acknowledged, { timeoutMs: 30_000 });
    expect(back.missing).toEqual([]);
  });
});

async function metric(bridge: TestBridge, name: string): Promise<number> {
  const text = await (await fetch(`${bridge.bridge.adminUrl}/metrics`)).text();
  const line = text.split('\n').find((entry) => entry.startsWith(`${name} `));
  return Number(line?.split(' ')[1] ?? 0);
}
