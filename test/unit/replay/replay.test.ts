import { describe, expect, it } from 'vitest';
import type { EventCatalogue } from '../../../src/contract/catalogue.js';
import type { OutgoingRecord, StoredRecord } from '../../../src/contract/record.js';
import { plainCodec } from '../../../src/registry/codec.js';
import { inArrivalOrder, type ReplayDeps, replayDeadLetters } from '../../../src/replay/replay.js';

const catalogue: Pick<EventCatalogue, 'check' | 'topicFor'> = {
  check: (value) =>
    (value as { event?: string }).event === 'KNOWN' ? { ok: true } : { ok: false, reason: 'unknown-event-type', detail: '' },
  topicFor: (type) => `t.${type.toLowerCase()}`,
};

function deadLetter(partition: number, offset: number, timestamp: number, event: string, eventId: string): StoredRecord {
  const body = { event, eventId, eventTimestamp: '2024-01-01T00:00:00Z', data: { recordId: `r${partition}`, organizationId: 'o' } };
  return {
    topic: 'dl',
    partition,
    offset: String(offset),
    timestamp,
    key: `r${partition}`,
    value: Buffer.from(JSON.stringify(body)),
    headers: { 'received-at': 'then' },
  };
}

function deps(deadLetters: StoredRecord[], published: string[], sent: OutgoingRecord[][]): ReplayDeps {
  return {
    readDeadLetters: async () => deadLetters,
    readPublished: async () => new Set(published),
    ensureTopics: async () => {},
    publish: async (records) => {
      sent.push(records);
    },
    catalogue,
    logTopic: 't.log',
    codec: plainCodec,
    lookbackMs: 0,
    progress: () => {},
  };
}

describe('replaying dead letters', () => {
  it('merges partitions by time while keeping each partition in offset order', () => {
    const records = [
      deadLetter(1, 0, 30, 'KNOWN', 'c'),
      deadLetter(0, 1, 5, 'KNOWN', 'b'),
      deadLetter(0, 0, 10, 'KNOWN', 'a'),
      deadLetter(1, 1, 40, 'KNOWN', 'd'),
    ];
    expect(inArrivalOrder(records).map((r) => `${r.partition}/${r.offset}`)).toEqual(['0/0', '0/1', '1/0', '1/1']);
  });

  it('writes only to the topics that lack the event, so a run cut short between two topics completes without duplicates', async () => {
    const sent: OutgoingRecord[][] = [];
    const summary = await replayDeadLetters(
      deps([deadLetter(0, 0, 1, 'KNOWN', 'e1'), deadLetter(0, 1, 2, 'KNOWN', 'e2')], ['t.known\ne1', 't.log\ne2', 't.known\ne2'], sent),
    );
    expect(sent.map((records) => records.map((r) => `${r.topic} ${r.headers['event-id']}`))).toEqual([['t.log e1']]);
    expect(summary).toMatchObject({ published: 1, alreadyPublished: 1 });
  });

  it('publishes nothing in a dry run, but says what it would publish', async () => {
    const sent: OutgoingRecord[][] = [];
    const summary = await replayDeadLetters({
      ...deps([deadLetter(0, 0, 1, 'KNOWN', 'e1'), deadLetter(0, 1, 2, 'OTHER', 'e2')], [], sent),
      dryRun: true,
    });
    expect(sent).toEqual([]);
    expect(summary).toEqual({
      deadLetters: 2,
      published: 1,
      alreadyPublished: 0,
      repeated: 0,
      pastWindow: 0,
      stillFailing: { 'unknown-event-type': 1 },
    });
  });

  it('publishes a stale-event letter on purpose and says it is past the replay window', async () => {
    const sent: OutgoingRecord[][] = [];
    const lines: string[] = [];
    const stale = { ...deadLetter(0, 0, 1, 'KNOWN', 'old'), headers: { 'received-at': 'then', 'dead-letter-reason': 'stale-event' } };
    const summary = await replayDeadLetters({ ...deps([stale], [], sent), progress: (line) => lines.push(line) });
    expect(sent.map((records) => records.map((r) => `${r.topic} ${r.headers['event-id']}`))).toEqual([['t.known old', 't.log old']]);
    expect(summary).toMatchObject({ published: 1, pastWindow: 1 });
    expect(lines).toContainEqual(expect.stringMatching(/1 of them stale-event: .* published on purpose/));
  });

  it("looks for an earlier copy of a stale letter from the window before its eventTimestamp, not only before the letter's arrival", async () => {
    const arrived = Date.parse('2026-06-01T00:00:00Z');
    const stamped = '2025-01-01T00:00:00.000Z';
    const letter = deadLetter(0, 0, arrived, 'KNOWN', 'captured');
    const stale = { ...letter, value: Buffer.from(JSON.stringify({ ...JSON.parse(letter.value.toString()), eventTimestamp: stamped })) };
    let from = -1;
    const summary = await replayDeadLetters({
      ...deps([stale], [], []),
      lookbackMs: 1_000,
      readPublished: async (_topics, fromTimestamp) => {
        from = fromTimestamp;
        return new Set(['t.known\ncaptured', 't.log\ncaptured']);
      },
    });
    expect(from).toBe(Date.parse(stamped) - 1_000);
    expect(summary).toMatchObject({ published: 0, alreadyPublished: 1 });
  });
});
