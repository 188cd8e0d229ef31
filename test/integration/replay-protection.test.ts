import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { replayDeadLettersCommand } from '../../src/commands/replay-dead-letters.js';
import { loadConfig } from '../../src/config.js';
import { logPath } from '../../src/dedupe/seen-files.js';
import { startTestBridge } from '../support/bridge.js';
import { type BridgeProcess, killBridge, spawnBridge } from '../support/bridge-process.js';
import { documentUploaded, SECRET, signed } from '../support/events.js';
import { readRecords, recordCount, uniquePrefix } from '../support/kafka.js';

const brokers = inject('kafkaBrokers');
const DAY_MS = 86_400_000;

async function post(url: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const request = signed(body);
  const response = await fetch(`${url}/webhooks/popp`, { method: 'POST', headers: request.headers, body: request.payload });
  return { status: response.status, json: await response.json() };
}

describe('a bridge restarted with the default (memory) dedupe store', () => {
  const spawned: BridgeProcess[] = [];
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(spawned.map((bridge) => killBridge(bridge)));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  async function restartCase(signal: 'SIGTERM' | 'SIGKILL', port: number): Promise<void> {
    const prefix = uniquePrefix(`restart-${signal.toLowerCase()}`);
    const dedupeDir = mkdtempSync(join(tmpdir(), 'popp-restart-dedupe-'));
    dirs.push(dedupeDir);
    const env = {
      KAFKA_BROKERS: brokers.join(','),
      TOPIC_PREFIX: prefix,
      DEDUPE_DIR: dedupeDir,
      PORT: String(port),
      ADMIN_PORT: String(port + 1),
      SHUTDOWN_DRAIN_MS: '0',
    };
    const topics = [`${prefix}document.uploaded`, `${prefix}events`, `${prefix}dead-letter`];
    const event = documentUploaded();

    let bridge = await spawnBridge(env);
    spawned.push(bridge);
    const committed = statSync(logPath(dedupeDir)).size;
    expect(await post(bridge.url, event)).toEqual({ status: 200, json: { status: 'published', eventId: event.eventId } });
    const written = await recordCount(brokers, topics);
    expect(written).toBe(2);
    if (signal === 'SIGKILL') {
      // Past one group commit: the id is in the log on disk (what a SIGKILL keeps).
      while (statSync(logPath(dedupeDir)).size <= committed) await sleep(10);
    }
    bridge.child.kill(signal);
    expect(await bridge.exited).toMatchObject(signal === 'SIGTERM' ? { code: 0 } : { signal: 'SIGKILL' });

    bridge = await spawnBridge(env);
    spawned.push(bridge);
    expect(await post(bridge.url, event)).toEqual({ status: 200, json: { status: 'duplicate', eventId: event.eventId } });
    expect(await recordCount(brokers, topics)).toBe(written);
    // A new event is still published: the window came back, not a wall.
    expect((await post(bridge.url, documentUploaded())).json).toMatchObject({ status: 'published' });
    bridge.child.kill('SIGTERM');
    await bridge.exited;
  }

  it('answers a redelivery after SIGTERM as a duplicate and writes nothing new to Kafka', async () => {
    await restartCase('SIGTERM', 43_010);
  });

  it('answers a redelivery after SIGKILL (once a group commit has passed) as a duplicate and writes nothing new to Kafka', async () => {
    await restartCase('SIGKILL', 43_020);
  });
});

describe('a signed delivery stamped outside the replay window', () => {
  const prefix = uniquePrefix('stale');
  const env = { PORT: '43030', ADMIN_PORT: '43031' };
  const old = { ...documentUploaded(), eventTimestamp: new Date(Date.now() - 4 * DAY_MS).toISOString() };
  const ahead = { ...documentUploaded(), eventTimestamp: new Date(Date.now() + DAY_MS).toISOString() };
  const typeTopic = `${prefix}document.uploaded`;

  it('is dead-lettered stale-event with 202, never published, and replayed on purpose past the window', async () => {
    const bridge = await startTestBridge(brokers, prefix, env);
    try {
      for (const event of [old, ahead]) {
        const response = await bridge.post(event);
        expect(response.status).toBe(202);
        expect(await response.json()).toEqual({ status: 'dead-lettered', reason: 'stale-event' });
      }
      const deadLetters = await readRecords(brokers, [bridge.topics.deadLetter], 2);
      expect(deadLetters.map((record) => [record.headers['event-id'], record.headers['dead-letter-reason']]).sort()).toEqual(
        [
          [old.eventId, 'stale-event'],
          [ahead.eventId, 'stale-event'],
        ].sort(),
      );
      expect(await recordCount(brokers, [typeTopic, bridge.topics.log])).toBe(0);
      // A redelivery of a stale copy is dead-lettered again, not published.
      expect(await (await bridge.post(old)).json()).toEqual({ status: 'dead-lettered', reason: 'stale-event' });
      expect(await recordCount(brokers, [typeTopic, bridge.topics.log])).toBe(0);
    } finally {
      await bridge.close();
    }

    const lines: string[] = [];
    const config = loadConfig({ TOPIC_PREFIX: prefix, POPP_WEBHOOK_SECRET: SECRET, LOG_LEVEL: 'silent' });
    const summary = await replayDeadLettersCommand({ config, brokers, print: (line) => lines.push(line) });
    expect(summary).toMatchObject({ deadLetters: 3, published: 2, pastWindow: 2, repeated: 1 });
    expect(lines.join('\n')).toMatch(/2 of them stale-event: stamped outside the replay window, are published on purpose/);
    const replayed = await readRecords(brokers, [typeTopic], 2);
    expect(replayed.map((record) => record.headers['event-id']).sort()).toEqual([old.eventId, ahead.eventId].sort());
    expect(replayed.every((record) => record.headers['replayed-from']?.startsWith(`${prefix}dead-letter/`))).toBe(true);

    // Run again, it finds them published and writes nothing.
    const again = await replayDeadLettersCommand({ config, brokers, print: () => {} });
    expect(again).toMatchObject({ published: 0, alreadyPublished: 2, pastWindow: 0 });
  });
});
