import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';

export interface ReadRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
}

export function testKafka(brokers: string[]): Kafka {
  return new Kafka({ clientId: 'popp-bridge-test', brokers, logLevel: logLevel.NOTHING, retry: { retries: 3 } });
}

/** A prefix of our own per test file, so files running in parallel never share topics. */
export function uniquePrefix(name: string): string {
  return `t.${name}.${randomUUID().slice(0, 8)}.`;
}

/**
 * Reads `topics` from the beginning in a fresh consumer group until `count`
 * records arrived (then waits `settleMs` more to catch extras), or throws
 * after `timeoutMs` with what it had.
 */
export async function readRecords(
  brokers: string[],
  topics: string[],
  count: number,
  options: { groupId?: string; timeoutMs?: number; settleMs?: number } = {},
): Promise<ReadRecord[]> {
  const consumer = testKafka(brokers).consumer({ groupId: options.groupId ?? `test-${randomUUID()}`, maxWaitTimeInMs: 100 });
  const records: ReadRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    let reached: () => void = () => {};
    const enough = new Promise<void>((resolve) => {
      reached = resolve;
    });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
        records.push({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString('utf8') ?? null,
          value: message.value ?? Buffer.alloc(0),
          headers,
        });
        if (records.length >= count) reached();
      },
    });
    const timeoutMs = options.timeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([enough, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') throw new Error(`read ${records.length} of ${count} records from ${topics.join(',')} in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, options.settleMs ?? 500));
    return records;
  } finally {
    await consumer.disconnect();
  }
}

/** Sum of the high watermarks: how many records the topics hold (topics that do not exist count 0). */
export async function recordCount(brokers: string[], topics: string[]): Promise<number> {
  const admin = testKafka(brokers).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    let total = 0;
    for (const topic of topics.filter((t) => existing.has(t))) {
      for (const partition of await admin.fetchTopicOffsets(topic)) total += Number(partition.high);
    }
    return total;
  } finally {
    await admin.disconnect();
  }
}
