import { describe, expect, it } from 'vitest';
import type { OutgoingRecord } from '../../../src/contract/record.js';
import { KafkaRefusedError } from '../../../src/errors.js';
import { createDrainer } from '../../../src/spool/drainer.js';
import type { Window } from '../../../src/spool/journal.js';

const record = (id: string): OutgoingRecord => ({ topic: 't', key: 'k', value: Buffer.from(id), headers: {} });

/** The journal's read/acknowledge/whenAppended in memory: a list of entries and a cursor. */
function memoryJournal(ids: string[]) {
  const entries = ids.map((id) => ({ spooledAt: 0, records: [record(id)] }));
  let cursor = 0;
  const waiters: (() => void)[] = [];
  return {
    acknowledged: () => entries.slice(0, cursor).map((e) => e.records[0]?.value.toString()),
    append(id: string) {
      entries.push({ spooledAt: 0, records: [record(id)] });
      for (const wake of waiters.splice(0)) wake();
    },
    journal: {
      async read(limits: { maxEntries: number }): Promise<Window | undefined> {
        const window = entries.slice(cursor, cursor + limits.maxEntries);
        if (window.length === 0) return undefined;
        return { segment: 1, start: cursor, end: cursor + window.length, entries: window, records: window.length };
      },
      acknowledge(window: Window) {
        if (window.start === cursor) cursor = window.end;
      },
      whenAppended: () => new Promise<void>((resolve) => waiters.push(resolve)),
    },
  };
}

const until = async (condition: () => boolean) => {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
  expect(condition()).toBe(true);
};

describe('the spool drainer', () => {
  it('sends spooled entries in journal order, window by window, and acknowledges each only after it was sent', async () => {
    const memory = memoryJournal(['1', '2', '3', '4', '5']);
    const sent: string[][] = [];
    const drainer = createDrainer({
      journal: memory.journal,
      publish: async (records) => {
        expect(memory.acknowledged()).toHaveLength(sent.flat().length);
        sent.push(records.map((r) => r.value.toString()));
      },
      reachable: async () => true,
      maxEntries: 2,
    });
    drainer.start();
    await until(() => memory.acknowledged().length === 5);
    expect(sent).toEqual([['1', '2'], ['3', '4'], ['5']]);

    memory.append('6');
    await until(() => memory.acknowledged().length === 6);
    await drainer.stop();
  });

  it('sends a failed window again whole once Kafka answers, before anything after it', async () => {
    const memory = memoryJournal(['1', '2', '3']);
    const sent: string[][] = [];
    let failures = 2;
    let asked = 0;
    const drainer = createDrainer({
      journal: memory.journal,
      publish: async (records) => {
        sent.push(records.map((r) => r.value.toString()));
        if (failures-- > 0) throw new Error('Kafka did not answer');
      },
      reachable: async () => ++asked > 1,
      maxEntries: 2,
      retryInitialMs: 1,
      retryMaxMs: 2,
    });
    drainer.start();
    await until(() => memory.acknowledged().length === 3);
    await drainer.stop();
    expect(sent).toEqual([['1', '2'], ['1', '2'], ['1', '2'], ['3']]);
    expect(asked).toBeGreaterThanOrEqual(2);
  });

  it('stops while Kafka is away, leaving the window unacknowledged for the next start', async () => {
    const memory = memoryJournal(['1']);
    const drainer = createDrainer({
      journal: memory.journal,
      publish: async () => {
        throw new Error('down');
      },
      reachable: async () => false,
      retryInitialMs: 1,
    });
    drainer.start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await drainer.stop();
    expect(memory.acknowledged()).toEqual([]);
  });

  it('replaces an entry Kafka refuses for good by its dead letter and goes on, in order, instead of retrying it for ever', async () => {
    const memory = memoryJournal(['1', 'poison', '3']);
    const sent: string[] = [];
    const drainer = createDrainer({
      journal: memory.journal,
      publish: async (records) => {
        if (records.some((r) => r.value.toString() === 'poison')) throw new KafkaRefusedError('MESSAGE_TOO_LARGE');
        sent.push(...records.map((r) => `${r.topic}:${r.value.toString()}`));
      },
      reachable: async () => true,
      deadLetter: (records) => records.map((r) => ({ ...r, topic: 'dlq', value: Buffer.from('small') })),
    });
    drainer.start();
    await until(() => memory.acknowledged().length === 3);
    await drainer.stop();
    expect(sent).toEqual(['t:1', 'dlq:small', 't:3']);
  });
});
