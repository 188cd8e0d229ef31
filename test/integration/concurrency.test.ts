import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestBridge, type TestBridge } from '../support/bridge.js';
import { conversation, documentUploaded } from '../support/events.js';
import { readRecords, recordCount, uniquePrefix } from '../support/kafka.js';

const brokers = inject('kafkaBrokers');

describe('concurrent deliveries', () => {
  let bridge: TestBridge;
  beforeAll(async () => {
    bridge = await startTestBridge(brokers, uniquePrefix('concurrency'));
  });
  afterAll(() => bridge?.close());

  it('publishes 100 concurrent distinct events each exactly once', async () => {
    const events = Array.from({ length: 100 }, (_, i) => documentUploaded({ recordId: `conv_many_${i % 17}` }));
    const responses = await Promise.all(events.map((event) => bridge.post(event)));
    expect(responses.map((r) => r.status)).toEqual(events.map(() => 200));
    const records = await readRecords(brokers, [`${bridge.prefix}document.uploaded`], 100, { settleMs: 1_500 });
    const ids = records.map((r) => r.headers['event-id']);
    expect(ids).toHaveLength(100);
    expect(new Set(ids)).toEqual(new Set(events.map((e) => e.eventId)));
  });

  it('publishes 10 concurrent copies of one eventId once: one published, nine duplicates', async () => {
    const topic = `${bridge.prefix}conversation.started`;
    const before = await recordCount(brokers, [topic]);
    const event = conversation('CONVERSATION_STARTED', 'conv_copies');
    const responses = await Promise.all(Array.from({ length: 10 }, () => bridge.post(event)));
    const statuses = await Promise.all(responses.map(async (r) => ((await r.json()) as { status: string }).status));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(statuses.filter((s) => s === 'published')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'duplicate')).toHaveLength(9);
    expect(await recordCount(brokers, [topic])).toBe(before + 1);
  });

  it('lets two consumer groups each receive every event', async () => {
    const topic = `${bridge.prefix}conversation.completed`;
    const events = Array.from({ length: 12 }, (_, i) => conversation('CONVERSATION_COMPLETED', `conv_groups_${i}`));
    for (const event of events) expect((await bridge.post(event)).status).toBe(200);
    const [first, second] = await Promise.all([
      readRecords(brokers, [topic], 12, { groupId: `${bridge.prefix}group-a` }),
      readRecords(brokers, [topic], 12, { groupId: `${bridge.prefix}group-b` }),
    ]);
    const expected = new Set(events.map((e) => e.eventId));
    expect(new Set(first?.map((r) => r.headers['event-id']))).toEqual(expected);
    expect(new Set(second?.map((r) => r.headers['event-id']))).toEqual(expected);
  });
});
