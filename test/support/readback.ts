import { randomUUID } from 'node:crypto';
import { testKafka } from './kafka.js';

export interface Readback {
  /** eventIds Popp was told we have that no record carries. */
  missing: string[];
  /** How many eventIds occur more than once, and how often in all. */
  duplicates: number;
  records: number;
  /** Every eventId read (the `event-id` header). */
  seen: Set<string>;
}

/**
 * Reads `topic` from the beginning until every id in `expected` showed up
 * (then `settleMs` more, to count late duplicates) or `timeoutMs` passed:
 * the check that nothing acknowledged was lost.
 */
export async function readBack(
  brokers: string[],
  topic: string,
  expected: Iterable<string>,
  options: { timeoutMs?: number; settleMs?: number } = {},
): Promise<Readback> {
  const wanted = new Set(expected);
  const counts = new Map<string, number>();
  let records = 0;
  const consumer = testKafka(brokers).consumer({ groupId: `readback-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let found = 0;
    let done: () => void = () => {};
    const all = new Promise<void>((resolve) => {
      done = resolve;
    });
    if (wanted.size === 0) done();
    await consumer.run({
      eachMessage: async ({ message }) => {
        records++;
        const id = message.headers?.['event-id']?.toString();
        if (id === undefined) return;
        const seen = (counts.get(id) ?? 0) + 1;
        counts.set(id, seen);
        if (seen === 1 && wanted.has(id) && ++found === wanted.size) done();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise<void>((resolve) => (timer = setTimeout(resolve, options.timeoutMs ?? 60_000)))]);
    clearTimeout(timer);
    await new Promise((resolve) => setTimeout(resolve, options.settleMs ?? 1_000));
  } finally {
    await consumer.disconnect();
  }
  const twice = [...counts.values()].filter((n) => n > 1);
  return {
    missing: [...wanted].filter((id) => !counts.has(id)),
    duplicates: twice.length,
    records,
    seen: new Set(counts.keys()),
  };
}
