import { describe, expect, it } from 'vitest';
import { formatCursor, type LogSource, parseCursor, readWindow } from '../../../src/console/log-window.js';
import type { StoredRecord } from '../../../src/contract/record.js';

/** A topic in memory: `partitions` lists of records, offsets from `low`; counts every record handed out. */
function memoryTopic(partitions: StoredRecord[][], low = 0) {
  let served = 0;
  const source: LogSource = {
    async partitions() {
      return partitions.map((records, partition) => ({ partition, low, high: low + records.length }));
    },
    async offsetsAt(_topic, timestamp) {
      return new Map(
        partitions.map((records, partition) => {
          const index = records.findIndex((r) => r.timestamp >= timestamp);
          return [partition, index < 0 ? low + records.length : low + index];
        }),
      );
    },
    async read(_topic, ranges) {
      const out = new Map<number, StoredRecord[]>();
      for (const { partition, from, to } of ranges) {
        const slice = (partitions[partition] ?? []).slice(from - low, to - low);
        served += slice.length;
        out.set(partition, slice);
      }
      return out;
    },
  };
  return { source, served: () => served };
}

function record(partition: number, offset: number, timestamp: number, type = 'A'): StoredRecord {
  return { topic: 't', partition, offset: String(offset), timestamp, key: null, value: Buffer.alloc(0), headers: { 'event-type': type } };
}

/** Three partitions of interleaved times; record i of partition p at time 3i + p. */
function interleaved(perPartition: number, low = 0) {
  return [0, 1, 2].map((p) => Array.from({ length: perPartition }, (_, i) => record(p, low + i, 3 * i + p, i % 5 === 0 ? 'B' : 'A')));
}

const all = () => true;

describe('reading a window back from the end of a topic', () => {
  it('gives the newest records first, merged across partitions by time', async () => {
    const { source } = memoryTopic(interleaved(100));
    const page = await readWindow(source, { topic: 't', match: all, limit: 5, scanBudget: 1_000 });
    expect(page.records.map((r) => r.timestamp)).toEqual([299, 298, 297, 296, 295]);
    expect(page.total).toBe(300);
  });

  it('reads about a page per partition for a page, whatever the size of the topic', async () => {
    const { source, served } = memoryTopic(interleaved(100_000));
    await readWindow(source, { topic: 't', match: all, limit: 50, scanBudget: 20_000 });
    expect(served()).toBeLessThanOrEqual(3 * 50);
  });

  it('pages through everything exactly once, in order, by following the cursor', async () => {
    const { source } = memoryTopic(interleaved(40, 7), 7);
    const seen: number[] = [];
    let before: Map<number, number> | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const page = await readWindow(source, { topic: 't', match: all, limit: 7, before, scanBudget: 1_000 });
      seen.push(...page.records.map((r) => r.timestamp));
      if (!page.next) break;
      before = parseCursor(formatCursor(page.next));
    }
    expect(seen).toEqual(Array.from({ length: 120 }, (_, i) => 119 - i));
  });

  it('filters while it reads, and stops at its scan budget with a cursor to go on', async () => {
    const { source } = memoryTopic(interleaved(1_000));
    const page = await readWindow(source, { topic: 't', match: (r) => r.headers['event-type'] === 'B', limit: 10, scanBudget: 5_000 });
    expect(page.records).toHaveLength(10);
    expect(page.records.every((r) => r.headers['event-type'] === 'B')).toBe(true);
    const sparse = await readWindow(source, { topic: 't', match: (r) => r.timestamp === 3, limit: 10, scanBudget: 100 });
    expect(sparse).toMatchObject({ records: [], budgetSpent: true, scanned: 100 });
    expect(sparse.next).toBeDefined();
  });

  it('keeps to a time range through the offsets of its timestamps, and to the partitions asked for', async () => {
    const { source } = memoryTopic(interleaved(100));
    const page = await readWindow(source, { topic: 't', match: all, limit: 100, fromTimestamp: 30, toTimestamp: 45, scanBudget: 1_000 });
    expect(page.records.map((r) => r.timestamp)).toEqual(Array.from({ length: 15 }, (_, i) => 44 - i));
    const one = await readWindow(source, { topic: 't', match: all, limit: 3, partitions: () => [1], scanBudget: 1_000 });
    expect(one.records.map((r) => [r.partition, r.offset])).toEqual([
      [1, '99'],
      [1, '98'],
      [1, '97'],
    ]);
  });

  it('refuses a cursor that is not one', () => {
    expect(parseCursor('0:12,3:4')).toEqual(
      new Map([
        [0, 12],
        [3, 4],
      ]),
    );
    expect(parseCursor('0:12;drop')).toBeUndefined();
  });
});
