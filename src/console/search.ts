import { HEADER } from '../contract/headers.js';
import type { StoredRecord } from '../contract/record.js';
import { javaPartition } from '../kafka/murmur2.js';
import { eventIdStarts } from './dead-letter-reads.js';
import { type LogSource, readWindow, type WindowPage } from './log-window.js';

export interface SearchQuery {
  q: string;
  from?: number | undefined;
  to?: number | undefined;
}

export interface SearchScan {
  /** Newest first, from both topics; each record's topic says its outcome. */
  records: StoredRecord[];
  scanned: number;
  total: number;
  /** Some topic's budget ran out before its start: older records were not searched. */
  budgetSpent: boolean;
}

/**
 * One search over the log and the dead letters: an eventId in any case or its
 * prefix, a recordId, or text inside the payload bytes (a file name, an
 * attachmentId). The newest `budget` records of each topic are examined; a
 * recordId is also looked for through its one partition, deeper (`recordBudget`).
 */
export async function searchTopics(
  source: LogSource,
  topics: string[],
  query: SearchQuery,
  options: { limit: number; budget: number; recordBudget: number },
): Promise<SearchScan> {
  const bytes = Buffer.from(query.q, 'utf8');
  const anyMatch = (record: StoredRecord) =>
    record.headers[HEADER.recordId] === query.q || eventIdStarts(record, query.q) || record.value.includes(bytes);
  const scans: Promise<WindowPage>[] = [];
  for (const topic of topics.filter(Boolean)) {
    const bounds = { topic, limit: options.limit, fromTimestamp: query.from, toTimestamp: query.to };
    scans.push(readWindow(source, { ...bounds, match: anyMatch, scanBudget: options.budget }));
    scans.push(
      readWindow(source, {
        ...bounds,
        match: (record) => record.headers[HEADER.recordId] === query.q,
        // Both topics are keyed by recordId with Java's partitioner.
        partitions: (count) => [javaPartition(query.q, count)],
        scanBudget: options.recordBudget,
      }),
    );
  }
  const pages = await Promise.all(scans);
  const seen = new Set<string>();
  const records: StoredRecord[] = [];
  for (const page of pages) {
    for (const record of page.records) {
      const key = `${record.topic}/${record.partition}/${record.offset}`;
      if (seen.has(key)) continue;
      seen.add(key);
      records.push(record);
    }
  }
  records.sort((a, b) => b.timestamp - a.timestamp);
  // The wide scans (every other page) say how much was searched; the partition ones only add depth.
  const wide = pages.filter((_, index) => index % 2 === 0);
  return {
    records: records.slice(0, options.limit),
    scanned: wide.reduce((sum, page) => sum + page.scanned, 0),
    total: wide.reduce((sum, page) => sum + page.total, 0),
    budgetSpent: wide.some((page) => page.budgetSpent),
  };
}
