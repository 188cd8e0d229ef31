import { describe, expect, it } from 'vitest';
import type { LogSource } from '../../../src/console/log-window.js';
import { createConsoleLog } from '../../../src/console/queries.js';
import type { StoredRecord } from '../../../src/contract/record.js';
import { javaPartition } from '../../../src/kafka/murmur2.js';

const PARTITIONS = 3;
const HOUR = 3_600_000;
const NOW = Date.parse('2026-01-10T12:00:00Z');

/** Topics in memory, keyed like the bridge's (recordId, Java's partitioner); offsets from 0. */
function memoryTopics() {
  const topics = new Map<string, StoredRecord[][]>();
  const partitionsOf = (topic: string) => {
    let list = topics.get(topic);
    if (!list) {
      list = Array.from({ length: PARTITIONS }, () => []);
      topics.set(topic, list);
    }
    return list;
  };
  const source: LogSource = {
    async partitions(topic) {
      return partitionsOf(topic).map((records, partition) => ({ partition, low: 0, high: records.length }));
    },
    async offsetsAt(topic, timestamp) {
      return new Map(
        partitionsOf(topic).map((records, partition) => {
          const index = records.findIndex((r) => r.timestamp >= timestamp);
          return [partition, index < 0 ? records.length : index];
        }),
      );
    },
    async read(topic, ranges) {
      return new Map(ranges.map(({ partition, from, to }) => [partition, (partitionsOf(topic)[partition] ?? []).slice(from, to)]));
    },
  };
  const write = (topic: string, timestamp: number, headers: Record<string, string>, value = '{}') => {
    const recordId = headers['record-id'];
    const partition = recordId ? javaPartition(recordId, PARTITIONS) : 0;
    const list = partitionsOf(topic)[partition] as StoredRecord[];
    list.push({ topic, partition, offset: String(list.length), timestamp, key: recordId ?? null, value: Buffer.from(value), headers });
  };
  return { source, write };
}

function scene() {
  const { source, write } = memoryTopics();
  let clock = NOW - 3 * HOUR;
  const tick = () => (clock += 1_000);
  for (let n = 0; n < 150; n++) {
    write('log', tick(), { 'event-type': 'A', 'event-id': `evt-${n}`, 'record-id': `conv_${n % 20}` }, `{"fileName":"file-${n}.pdf"}`);
    write('dead', tick(), {
      'event-type': 'A',
      'event-id': `dl-${n}`,
      'record-id': `conv_${n % 20}`,
      'dead-letter-reason': 'schema-violation',
      'dead-letter-detail': '/data must be object',
    });
  }
  clock = NOW - HOUR / 2;
  write('dead', tick(), {
    'event-id': 'Late-ABC',
    'record-id': 'conv_late',
    'dead-letter-reason': 'unknown-event-type',
    'dead-letter-detail': 'no schema for B',
  });
  write(
    'dead',
    tick(),
    { 'dead-letter-reason': 'invalid-json', 'dead-letter-detail': 'SyntaxError' },
    '{"fileName":"Lebenslauf.pdf", broken',
  );
  const log = createConsoleLog({ source, logTopic: 'log', deadLetterTopic: 'dead', categoryOf: () => undefined, searchBudget: 100 });
  return log;
}

describe("the console's reads over the log and the dead letters", () => {
  it('groups identical failures into one line with its count and first and last seen', async () => {
    const scan = await scene().deadLetterGroups({});
    expect(scan.groups.map((g) => [g.reason, g.detail, g.count])).toEqual([
      ['schema-violation', '/data must be object', 150],
      // Equal counts: the last seen first.
      ['invalid-json', 'SyntaxError', 1],
      ['unknown-event-type', 'no schema for B', 1],
    ]);
    const first = scan.groups[0];
    expect(first?.lastSeen).toBeGreaterThan(first?.firstSeen ?? Number.POSITIVE_INFINITY);
  });

  it('finds by eventId in another case and by its start, by payload text, and marks each outcome', async () => {
    const log = scene();
    expect((await log.search({ q: 'late-a' })).rows.map((r) => [r.eventId, r.outcome, r.reason])).toEqual([
      ['Late-ABC', 'dead-lettered', 'unknown-event-type'],
    ]);
    expect((await log.search({ q: 'Lebenslauf' })).rows.map((r) => r.reason)).toEqual(['invalid-json']);
    expect((await log.search({ q: 'file-149.pdf' })).rows.map((r) => [r.eventId, r.outcome])).toEqual([['evt-149', 'published']]);
  });

  it('says when its bound left older records unsearched, and a time range reaches them', async () => {
    const log = scene();
    const bounded = await log.search({ q: 'file-3.pdf' });
    expect(bounded.rows).toEqual([]);
    expect(bounded.budgetSpent).toBe(true);
    expect(bounded.scanned).toBe(200);
    const early = await log.search({ q: 'file-3.pdf', from: NOW - 3 * HOUR, to: NOW - 3 * HOUR + 60_000 });
    expect(early.rows.map((r) => r.eventId)).toEqual(['evt-3']);
  });

  it("tells a record's story: its events and its dead letters in time order", async () => {
    const story = await scene().story('conv_7');
    expect(story.rows.map((r) => r.eventId)).toEqual([7, 27, 47, 67, 87, 107, 127, 147].flatMap((n) => [`evt-${n}`, `dl-${n}`]));
    expect(story.deadLetters).toBe(8);
  });

  it('counts from the topics, the last hour through the timestamp index', async () => {
    const totals = await scene().totals(NOW);
    expect(totals).toMatchObject({ events: 150, deadLetters: 152, deadLettersLastHour: 2 });
    expect(totals.byReason).toEqual([
      { reason: 'schema-violation', count: 150 },
      { reason: 'invalid-json', count: 1 },
      { reason: 'unknown-event-type', count: 1 },
    ]);
  });

  it('narrows the dead letters by record, eventId prefix, reason and detail', async () => {
    const log = scene();
    expect((await log.deadLetters({ recordId: 'conv_3' })).rows).toHaveLength(8);
    expect((await log.deadLetters({ eventId: 'DL-14' })).rows.map((r) => r.eventId)).toEqual([
      'dl-149',
      'dl-148',
      'dl-147',
      'dl-146',
      'dl-145',
      'dl-144',
      'dl-143',
      'dl-142',
      'dl-141',
      'dl-140',
      'dl-14',
    ]);
    expect((await log.deadLetters({ reason: 'invalid-json', detail: 'SyntaxError' })).rows).toHaveLength(1);
  });
});
