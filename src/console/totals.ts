import { DEAD_LETTER_HEADER } from '../contract/headers.js';
import type { LogSource } from './log-window.js';
import { readWindow } from './log-window.js';

export interface TopicTotals {
  /** When the offsets were read, ms since the epoch. */
  asOf: number;
  /** Records in the log topic (undefined when it is off). */
  events: number | undefined;
  deadLetters: number;
  deadLettersLastHour: number;
  /** Newest first over at most the scan budget: how many of each reason. */
  byReason: { reason: string; count: number }[];
  reasonsScanned: number;
}

const HOUR = 3_600_000;

/**
 * Counts that survive a restart: read from the topics (end minus start
 * offsets; the last hour through the timestamp index), not from this process's
 * memory. Offsets count records, so a transaction marker or a compacted gap
 * would count too; the bridge writes neither.
 */
export async function topicTotals(
  source: LogSource,
  topics: { log: string; deadLetter: string },
  options: { now: number; reasonBudget: number },
): Promise<TopicTotals> {
  const size = async (topic: string) => (await source.partitions(topic)).reduce((sum, p) => sum + (p.high - p.low), 0);
  const [events, deadPartitions, hourAgo] = await Promise.all([
    topics.log ? size(topics.log) : Promise.resolve(undefined),
    source.partitions(topics.deadLetter),
    source.offsetsAt(topics.deadLetter, options.now - HOUR),
  ]);
  const deadLetters = deadPartitions.reduce((sum, p) => sum + (p.high - p.low), 0);
  const deadLettersLastHour = deadPartitions.reduce(
    (sum, p) => sum + Math.max(0, p.high - Math.max(p.low, hourAgo.get(p.partition) ?? p.high)),
    0,
  );
  const counts = new Map<string, number>();
  const scan = await readWindow(source, {
    topic: topics.deadLetter,
    match: (record) => {
      const reason = record.headers[DEAD_LETTER_HEADER.reason] ?? '(none)';
      counts.set(reason, (counts.get(reason) ?? 0) + 1);
      return false;
    },
    limit: 1,
    scanBudget: options.reasonBudget,
  });
  const byReason = [...counts].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count);
  return { asOf: options.now, events, deadLetters, deadLettersLastHour, byReason, reasonsScanned: scan.scanned };
}
