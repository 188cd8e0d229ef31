import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openTimelineDb } from '../../examples/conversation-timeline/db.js';
import { rebuildTimeline, startTimeline, type TimelineSettings } from '../../examples/conversation-timeline/service.js';
import { loadConfig } from '../../src/config.js';
import { startTestBridge, type TestBridge } from '../support/bridge.js';
import { produce, uniqueGroup } from '../support/consumer.js';
import { conversation } from '../support/events.js';
import { upload } from '../support/examples.js';
import { testKafka, uniquePrefix } from '../support/kafka.js';

const brokers = inject('kafkaBrokers');

describe('examples/conversation-timeline', () => {
  let bridge: TestBridge;
  let dir: string;
  let settings: TimelineSettings;
  const post = async (events: unknown[]) => {
    for (const event of events) expect((await bridge.post(event)).status).toBe(200);
  };
  const live = async () => {
    const { consumer, db } = await startTimeline(settings);
    try {
      await consumer.caughtUp();
      return { groupId: consumer.groupId, stats: consumer.stats(), state: db.all() };
    } finally {
      await consumer.stop();
      db.close();
    }
  };

  const committedOffsets = async (groupId: string) => {
    const admin = testKafka(brokers).admin();
    await admin.connect();
    try {
      const [log] = await admin.fetchOffsets({ groupId, topics: [bridge.topics.log] });
      return (log?.partitions ?? []).filter((p) => p.offset !== '-1');
    } finally {
      await admin.disconnect();
    }
  };

  beforeAll(async () => {
    // Unknown types reach the log too: the projection must pass over them.
    bridge = await startTestBridge(brokers, uniquePrefix('timeline'), { UNKNOWN_EVENT_POLICY: 'publish' });
    dir = mkdtempSync(join(tmpdir(), 'popp-timeline-'));
    const config = loadConfig({ TOPIC_PREFIX: bridge.prefix });
    settings = { config, brokers, dbPath: join(dir, 'timeline.sqlite'), baseGroup: uniqueGroup('timeline'), signals: [] };
  });
  afterAll(async () => {
    await bridge?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('folds each recordId into its state, and a rebuild replays the log under a fresh group into exactly that state', async () => {
    const early = upload('conv_t1', 'att_early');
    await post([
      early, // a document before the conversation's start
      conversation('CONVERSATION_STARTED', 'conv_t1'),
      upload('conv_t1', 'att_cv', { classifiedDocumentType: 'resume' }),
      conversation('CONVERSATION_COMPLETED', 'conv_t1'),
      conversation('CONVERSATION_STARTED', 'conv_t2'),
      { ...conversation('CONVERSATION_STARTED', 'conv_t2'), event: 'INTERVIEW_SCHEDULED' },
      upload('conv_t3', 'att_only'),
    ]);
    // A second copy of one event in the log, as after a 503 whose write landed late and Popp's retry.
    await produce(brokers, bridge.topics.log, [{ key: 'conv_t1', value: Buffer.from(JSON.stringify(early)) }]);

    const first = await live();
    expect(first.state.map((t) => [t.recordId, t.status, t.documents.map((d) => d.attachmentId), t.events])).toEqual([
      ['conv_t1', 'completed', ['att_early', 'att_cv'], 4],
      ['conv_t2', 'started', [], 1],
      ['conv_t3', 'open', ['att_only'], 1],
    ]);
    // `skipped` counts deliveries of other types: at-least-once delivery (a redelivery after a failed first commit) may repeat one.
    expect(first.stats).toMatchObject({ handled: 6, duplicates: 1, deadLettered: 0 });
    expect(first.stats.skipped).toBeGreaterThanOrEqual(1);

    // The read model goes wrong (a bug, a bad migration): the rebuild must not depend on what is there.
    const db = new Database(settings.dbPath);
    db.exec("UPDATE timelines SET status = 'open', events = 99; DELETE FROM timelines WHERE record_id = 'conv_t3'");
    db.close();

    const rebuilt = await rebuildTimeline(settings);
    expect(rebuilt.previousGroupId).toBe(first.groupId);
    expect(rebuilt.groupId).not.toBe(first.groupId);
    expect(rebuilt.stats).toMatchObject({ handled: 6, duplicates: 1 });
    expect(rebuilt.stats.skipped).toBeGreaterThanOrEqual(1);
    const afterRebuild = openTimelineDb(settings.dbPath);
    expect(afterRebuild.all()).toEqual(first.state);
    afterRebuild.close();

    // The old group is gone; the live projection continues in the new one, applying only what is new.
    expect(await committedOffsets(first.groupId)).toEqual([]);
    await post([conversation('CONVERSATION_COMPLETED', 'conv_t2')]);
    const next = await live();
    expect(next.groupId).toBe(rebuilt.groupId);
    expect(next.stats).toMatchObject({ handled: 1, duplicates: 0 });
    expect(next.state.find((t) => t.recordId === 'conv_t2')).toMatchObject({ status: 'completed', events: 2 });
  });

  it('refuses to rebuild while the live projection runs in its group', async () => {
    const { consumer, db } = await startTimeline(settings);
    try {
      await expect(rebuildTimeline(settings)).rejects.toThrow(`the projection is running in group ${consumer.groupId}: stop it`);
      expect(db.groupId()).toBe(consumer.groupId);
    } finally {
      await consumer.stop();
      db.close();
    }
  });
});
