import { randomUUID } from 'node:crypto';
import type { Admin } from 'kafkajs';
import { type StoredRecord, storedRecord } from '../contract/record.js';
import type { KafkaParts } from './client.js';

export interface ReadOptions {
  topics: readonly string[];
  /** Start at the first record at or after this time; default the beginning. */
  fromTimestamp?: number;
  onRecord: (record: StoredRecord) => void;
  /** Told how far the read is: records seen and records to read in all. */
  onProgress?: (read: number, total: number) => void;
  /** Fails when no record arrives for this long while some are still due. */
  idleTimeoutMs?: number;
}

type Range = { topic: string; partition: number; start: number; end: number };

/**
 * Reads a snapshot of `topics`: every record from the start (or a time) up
 * to the end offsets seen when called, then stops, ignoring what arrives
 * meanwhile. kafkajs reads only through consumer groups, so a temporary
 * group is used and deleted afterwards; nothing is committed. Records come
 * in offset order within each partition.
 */
export async function readSnapshot(kafka: Pick<KafkaParts, 'consumer'>, admin: Admin, options: ReadOptions): Promise<void> {
  const ranges = new Map<string, Range>();
  for (const topic of options.topics) {
    const ends = await admin.fetchTopicOffsets(topic);
    const starts =
      options.fromTimestamp === undefined
        ? ends.map((p) => ({ ...p, offset: p.low }))
        : await admin.fetchTopicOffsetsByTimestamp(topic, options.fromTimestamp);
    for (const { partition, high, low } of ends) {
      const from = Number(starts.find((p) => p.partition === partition)?.offset ?? low);
      const start = Math.max(from, Number(low));
      if (Number(high) > start) ranges.set(`${topic}:${partition}`, { topic, partition, start, end: Number(high) });
    }
  }
  const total = [...ranges.values()].reduce((sum, range) => sum + range.end - range.start, 0);
  if (total === 0) return;

  const groupId = `popp-bridge-read-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  let read = 0;
  let remaining = ranges.size;
  let finished: () => void = () => {};
  let failed: (error: Error) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    finished = resolve;
    failed = reject;
  });
  const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  const idle = () => {
    clearTimeout(timer);
    timer = setTimeout(() => failed(new Error(`no records for ${idleTimeoutMs / 1000} s after ${read} of ${total}`)), idleTimeoutMs);
  };
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...options.topics], fromBeginning: true });
    idle();
    void consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        const range = ranges.get(`${topic}:${partition}`);
        const offset = Number(message.offset);
        // Before the start (a seek not applied yet) or after the snapshot: not ours.
        if (!range || offset < range.start || offset >= range.end) return;
        idle();
        options.onRecord(storedRecord(topic, partition, message));
        options.onProgress?.(++read, total);
        if (offset === range.end - 1 && --remaining === 0) finished();
      },
    });
    // Applied when the partitions are assigned; records before the start are skipped above anyway.
    for (const { topic, partition, start } of ranges.values()) consumer.seek({ topic, partition, offset: String(start) });
    await done;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => {});
  }
}
