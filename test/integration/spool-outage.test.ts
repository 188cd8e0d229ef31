import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalBroker } from '../../src/devstack/broker.js';
import { devstackHome } from '../../src/paths.js';
import { startTestBridge, type TestBridge } from '../support/bridge.js';
import { type BridgeProcess, killBridge, spawnBridge } from '../support/bridge-process.js';
import { conversation } from '../support/events.js';
import { type ReadRecord, readRecords, uniquePrefix } from '../support/kafka.js';
import { acknowledgedMore, startLoad } from '../support/load.js';
import { readBack } from '../support/readback.js';

/**
 * A broker of our own on 59092 (the shared one serves the other files
 * meanwhile), frozen with SIGSTOP — a broker that accepts connections and
 * never answers — while bridges with OUTAGE_POLICY=spool take load.
 */
const broker = createLocalBroker({ home: devstackHome, port: 59092, controllerPort: 59093 });
const TIMEOUT_MS = '2000';

const spoolDir = () => mkdtemp(join(tmpdir(), 'popp-spool-outage-'));

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function readyz(url: string): Promise<{ status: number; body: { status: string; detail?: string } }> {
  const response = await fetch(`${url}/readyz`);
  return { status: response.status, body: (await response.json()) as { status: string; detail?: string } };
}

describe('OUTAGE_POLICY=spool while the broker is frozen', () => {
  let brokers: string[];
  let pid: number;
  const bridges: TestBridge[] = [];
  const processes: BridgeProcess[] = [];
  const freeze = () => process.kill(pid, 'SIGSTOP');
  const thaw = () => process.kill(pid, 'SIGCONT');

  beforeAll(async () => {
    brokers = (await broker.start()).brokers;
    pid = (await broker.status()).pid as number;
  });
  afterAll(async () => {
    if (pid) thaw();
    await Promise.all(bridges.map((bridge) => bridge.close()));
    await Promise.all(processes.map((bridge) => killBridge(bridge)));
    await broker.stop();
  });

  it('answers every webhook 2xx through a 60 s freeze, then delivers every acknowledged event exactly as sent, in order per key', async () => {
    const bridge = await startTestBridge(brokers, uniquePrefix('spool-freeze'), {
      OUTAGE_POLICY: 'spool',
      SPOOL_DIR: await spoolDir(),
      PUBLISH_TIMEOUT_MS: TIMEOUT_MS,
    });
    bridges.push(bridge);
    const load = startLoad({ target: () => bridge.bridge.url, workers: 8, paceMs: 40, keepBodies: true });
    await acknowledgedMore(load, 200);

    freeze();
    const frozenAt = Date.now();
    try {
      await waitFor('spooled answers', () => (load.report.statuses['202'] ?? 0) >= 200);
      const ready = await readyz(bridge.bridge.url);
      expect(ready.status).toBe(200);
      expect(ready.body.detail).toMatch(/^spooling: /);
      const metrics = await (await fetch(`${bridge.bridge.adminUrl}/metrics`)).text();
      expect(Number(/^popp_bridge_spool_events (\d+)/m.exec(metrics)?.[1])).toBeGreaterThan(0);
      await sleep(Math.max(0, 60_000 - (Date.now() - frozenAt)));
    } finally {
      thaw();
    }

    // Drained: the bridge publishes directly again (200) and says plain "ok".
    await waitFor('the spool to drain', async () => (await readyz(bridge.bridge.url)).body.detail === 'ok', 90_000);
    const before = load.report.statuses['200'] ?? 0;
    await waitFor('direct publishing again', () => (load.report.statuses['200'] ?? 0) >= before + 100);
    const report = await load.stop();

    expect(Object.keys(report.statuses).sort()).toEqual(['200', '202']);
    expect(report.statuses['202']).toBeGreaterThan(500);

    const logTopic = bridge.topics.log;
    const records = await readRecords(brokers, [logTopic], report.acknowledged.size, { timeoutMs: 60_000, settleMs: 2_000 });
    const firstById = new Map<string, ReadRecord>();
    const keyOrder = new Map<string, string[]>();
    for (const record of records) {
      const id = record.headers['event-id'] ?? '';
      if (firstById.has(id) || !report.acknowledged.has(id)) continue;
      firstById.set(id, record);
      keyOrder.set(record.key ?? '', [...(keyOrder.get(record.key ?? '') ?? []), id]);
    }
    const sentOrder = new Map<string, string[]>();
    for (const sent of report.bodies) {
      const record = firstById.get(sent.eventId);
      expect(record, `acknowledged ${sent.eventId} not in Kafka`).toBeDefined();
      expect(record?.value.equals(sent.payload), `value of ${sent.eventId}`).toBe(true);
      expect(record?.key).toBe(sent.recordId);
      sentOrder.set(sent.recordId, [...(sentOrder.get(sent.recordId) ?? []), sent.eventId]);
    }
    expect(keyOrder).toEqual(sentOrder);
  }, 240_000);

  it('answers 503 spool_full once SPOOL_MAX_BYTES is reached, and takes events again once the spool drained', async () => {
    const bridge = await startTestBridge(brokers, uniquePrefix('spool-full'), {
      OUTAGE_POLICY: 'spool',
      SPOOL_DIR: await spoolDir(),
      SPOOL_MAX_BYTES: '65536',
      PUBLISH_TIMEOUT_MS: TIMEOUT_MS,
    });
    bridges.push(bridge);
    const accepted: string[] = [];
    freeze();
    let refused: Awaited<ReturnType<TestBridge['post']>> | undefined;
    try {
      for (let n = 0; n < 1_000 && !refused; n++) {
        const event = conversation('CONVERSATION_STARTED', `conv_full_${n % 5}`);
        const answer = await bridge.post(event);
        if (answer.status === 202) accepted.push(event.eventId);
        else refused = answer;
      }
      expect(refused?.status).toBe(503);
      expect(refused?.headers.get('retry-after')).toBe('5');
      expect(await refused?.json()).toMatchObject({ error: 'spool_full' });
      expect(accepted.length).toBeGreaterThan(10);
      expect((await readyz(bridge.bridge.url)).status).toBe(503);
    } finally {
      thaw();
    }
    await waitFor('the spool to drain', async () => (await readyz(bridge.bridge.url)).body.detail === 'ok', 60_000);
    expect((await bridge.post(conversation('CONVERSATION_STARTED', 'conv_full_after'))).status).toBe(200);
    const back = await readBack(brokers, bridge.topics.log, accepted, { timeoutMs: 30_000 });
    expect(back.missing).toEqual([]);
  }, 120_000);

  it('delivers everything it acknowledged after being SIGKILLed while spooling and restarted on the same spool', async () => {
    const env = {
      KAFKA_BROKERS: brokers.join(','),
      TOPIC_PREFIX: uniquePrefix('spool-kill'),
      OUTAGE_POLICY: 'spool',
      SPOOL_DIR: await spoolDir(),
      PUBLISH_TIMEOUT_MS: TIMEOUT_MS,
      LOG_LEVEL: 'warn',
    };
    let current = await spawnBridge(env);
    processes.push(current);
    const load = startLoad({ target: () => current.url, workers: 6, paceMs: 50, backoffMs: 100 });
    await acknowledgedMore(load, 100);

    freeze();
    try {
      await waitFor('spooled answers', () => (load.report.statuses['202'] ?? 0) >= 150);
      current.child.kill('SIGKILL');
      expect((await current.exited).signal).toBe('SIGKILL');
      // Kafka is still frozen: the restarted bridge reads its journal back and serves without it.
      current = await spawnBridge(env);
      processes.push(current);
      const spooled = load.report.statuses['202'] ?? 0;
      await waitFor('spooled answers after the restart', () => (load.report.statuses['202'] ?? 0) >= spooled + 100);
      expect((await readyz(current.url)).body.detail).toMatch(/^spooling: /);
    } finally {
      thaw();
    }
    await waitFor('the spool to drain', async () => (await readyz(current.url)).body.detail === 'ok', 90_000).catch(async (error) => {
      console.log((await readyz(current.url)).body, current.lines.slice(-60).join('\n'));
      throw error;
    });
    const report = await load.stop();

    // Requests cut off by the kill got no answer (a sender retries those); nothing acknowledged is lost.
    const back = await readBack(brokers, `${env.TOPIC_PREFIX}events`, report.acknowledged, { timeoutMs: 60_000 });
    expect(back.missing).toEqual([]);
    expect(report.acknowledged.size).toBeGreaterThan(350);
  }, 240_000);
});
