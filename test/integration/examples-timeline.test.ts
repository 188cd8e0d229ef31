import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openTimelineDb } from '../../examples/conversation-timeline/db.js';
import { rebuildTimeline, startTimeline, type TimelineSettings } from '../../examples/conversation-timeline/service.js';
import { startTestBridge, type TestBridge } from '../support/bridge.js';
import { produce, uniqueGroup } from '../support/consumer.js';
import { conversation } from '../support/events.js';
import { eventOf, minute, upload } from '../support/examples.js';
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
    settings = {
      kafka: { brokers },
      topics: { prefix: bridge.prefix },
      dbPath: join(dir, 'timeline.sqlite'),
      baseGroup: uniqueGroup('timeline'),
      signals: [],
    };
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

describe('examples/conversation-timeline, the whole lifecycle', () => {
  let bridge: TestBridge;
  let dir: string;

  beforeAll(async () => {
    bridge = await startTestBridge(brokers, uniquePrefix('lifecycle'));
    dir = mkdtempSync(join(tmpdir(), 'popp-lifecycle-'));
  });
  afterAll(async () => {
    await bridge?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('folds queued, started, needs review, max nudges, opted out, failed starts, completions with their screening, and documents', async () => {
    const started = {
      conversationStatus: 'ONGOING',
      candidateId: 'cand_abc123',
      externalId: 'candidate-123',
      externalCampaignId: 'campaign-456',
    };
    const events = [
      eventOf('CONVERSATION_QUEUED', 'conv_passed', 1),
      eventOf('CONVERSATION_STARTED', 'conv_passed', 2, { ...started, participantFirstName: 'John', participantLastName: 'Doe' }),
      { ...upload('conv_passed', 'att_licence', { classifiedDocumentType: 'driving_licence' }), eventTimestamp: minute(3) },
      eventOf('CONVERSATION_COMPLETED', 'conv_passed', 9, {
        conversationStatus: 'COMPLETED_SCREENING_PASSED',
        scorecardTotalValue: 82,
        externalId: 'candidate-123',
        participantFirsName: 'John',
        screeningQuestionsOutcome: [
          { questionOutcome: 'PASSED', screeningQuestion: 'Do you hold a valid driving licence?', responseSummary: 'Yes, since 2015.' },
          { questionOutcome: 'PASSED', screeningQuestion: 'Can you work weekends?', responseSummary: 'Every other weekend.' },
        ],
      }),
      eventOf('CONVERSATION_STARTED', 'conv_failed', 2),
      eventOf('CONVERSATION_NEEDS_REVIEW', 'conv_failed', 5),
      eventOf('CONVERSATION_COMPLETED', 'conv_failed', 8, {
        conversationStatus: 'COMPLETED_SCREENING_FAILED',
        scorecardTotalValue: null,
        externalId: null,
        // A questionOutcome Popp does not document yet still passes, and is kept as sent.
        screeningQuestionsOutcome: [{ questionOutcome: 'FAILED', screeningQuestion: 'Right to work?' }, { questionOutcome: 'SKIPPED' }],
      }),
      // Popp's documents guide completes with COMPLETED, a status its status list lacks: no screening outcome.
      eventOf('CONVERSATION_STARTED', 'conv_bare', 2),
      eventOf('CONVERSATION_COMPLETED', 'conv_bare', 7, { externalId: 'candidate-789', conversationStatus: 'COMPLETED' }),
      eventOf('CONVERSATION_QUEUED', 'conv_optout', 1),
      eventOf('CONVERSATION_STARTED', 'conv_optout', 2),
      eventOf('CONVERSATION_OPTED_OUT', 'conv_optout', 3),
      eventOf('CONVERSATION_QUEUED', 'conv_nostart', 1),
      eventOf('START_CONVERSATION_FAILED', 'conv_nostart', 2),
      eventOf('START_CONVERSATION_FAILED', 'conv_retried', 2),
      eventOf('CONVERSATION_STARTED', 'conv_retried', 4),
      eventOf('CONVERSATION_STARTED', 'conv_silent', 2),
      eventOf('CONVERSATION_MAX_NUDGES_REACHED', 'conv_silent', 30),
      // A QUEUED that Popp delivers after the start records its time without moving the status back.
      eventOf('CONVERSATION_STARTED', 'conv_late', 2),
      eventOf('CONVERSATION_QUEUED', 'conv_late', 1),
    ];
    for (const event of events) expect((await bridge.post(event)).status).toBe(200);

    const settings: TimelineSettings = {
      kafka: { brokers },
      topics: { prefix: bridge.prefix },
      dbPath: join(dir, 'timeline.sqlite'),
      baseGroup: uniqueGroup('lifecycle'),
      signals: [],
    };
    const { consumer, db } = await startTimeline(settings);
    let state: ReturnType<typeof db.all>;
    try {
      await consumer.caughtUp();
      expect(consumer.stats()).toMatchObject({ handled: events.length, duplicates: 0, skipped: 0, deadLettered: 0 });
      state = db.all();
    } finally {
      await consumer.stop();
      db.close();
    }

    const byId = new Map(state.map((t) => [t.recordId, t]));
    expect(state.map((t) => [t.recordId, t.status, t.conversationStatus, t.events])).toEqual([
      ['conv_bare', 'completed', 'COMPLETED', 2],
      ['conv_failed', 'completed', 'COMPLETED_SCREENING_FAILED', 3],
      ['conv_late', 'started', null, 2],
      ['conv_nostart', 'failed-to-start', null, 2],
      ['conv_optout', 'opted-out', null, 3],
      ['conv_passed', 'completed', 'COMPLETED_SCREENING_PASSED', 4],
      ['conv_retried', 'started', null, 2],
      ['conv_silent', 'max-nudges-reached', null, 2],
    ]);
    expect(byId.get('conv_passed')).toMatchObject({
      candidateId: 'cand_abc123',
      externalId: 'candidate-123',
      externalCampaignId: 'campaign-456',
      queuedAt: minute(1),
      startedAt: minute(2),
      completedAt: minute(9),
      lastEventAt: minute(9),
      screening: {
        outcome: 'passed',
        scorecardTotalValue: 82,
        answers: [
          { question: 'Do you hold a valid driving licence?', outcome: 'PASSED', summary: 'Yes, since 2015.' },
          { question: 'Can you work weekends?', outcome: 'PASSED', summary: 'Every other weekend.' },
        ],
      },
    });
    expect(byId.get('conv_passed')?.documents.map((d) => [d.attachmentId, d.documentType])).toEqual([['att_licence', 'driving_licence']]);
    expect(byId.get('conv_failed')).toMatchObject({
      needsReviewAt: minute(5),
      externalId: null,
      screening: {
        outcome: 'failed',
        scorecardTotalValue: null,
        answers: [
          { question: 'Right to work?', outcome: 'FAILED', summary: null },
          { question: null, outcome: 'SKIPPED', summary: null },
        ],
      },
    });
    expect(byId.get('conv_bare')).toMatchObject({ externalId: 'candidate-789', screening: null, completedAt: minute(7) });
    expect(byId.get('conv_optout')).toMatchObject({ queuedAt: minute(1), startedAt: minute(2), optedOutAt: minute(3) });
    expect(byId.get('conv_nostart')).toMatchObject({ startedAt: null, failedToStartAt: minute(2) });
    expect(byId.get('conv_retried')).toMatchObject({ failedToStartAt: minute(2), startedAt: minute(4) });
    expect(byId.get('conv_silent')).toMatchObject({ maxNudgesReachedAt: minute(30) });
    expect(byId.get('conv_late')).toMatchObject({ queuedAt: minute(1), startedAt: minute(2), lastEventAt: minute(2) });

    const rebuilt = await rebuildTimeline(settings);
    expect(rebuilt.stats).toMatchObject({ handled: events.length, duplicates: 0 });
    const afterRebuild = openTimelineDb(settings.dbPath);
    expect(afterRebuild.all()).toEqual(state);
    afterRebuild.close();
  });
});
