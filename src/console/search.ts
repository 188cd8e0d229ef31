import { HEADER } from '../contract/headers.js';
import type { StoredRecord } from '../contract/record.js';
import { eventIdStarts } from './dead-letter-reads.js';
import { type LogSource, readWindow } from './log-window.js';

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
 * attachmentId). The newest `budget` records of each topic (within the time
 * range, if any) are examined, in one pass each.
 */
export async function searchTopics(
  source: LogSource,
  topics: string[],
  query: SearchQuery,
  options: { limit: number; budget: number },
): Promise<SearchScan> {
  const bytes = Buffer.from(query.q, 'utf8');
  const anyMatch = (record: StoredRecord) =>
    record.headers[HEADER.recordId] === query.q || eventIdStarts(record, query.q) || record.value.includes(bytes);
  // A recordId's older events are its story page's to read (its one partition): the search stays one bounded pass.
  const scans = topics.filter(Boolean).map((topic) =>
    readWindow(source, {
      topic,
      limit: options.limit,
      fromTimestamp: query.from,
      toTimestamp: query.to,
      match: anyMatch,
      scanBudget: options.budget,
    }),
  );
  const pages = await Promise.all(scans);
  const records = pages.flatMap((page) => page.records);
  records.sort((a, b) => b.timestamp - a.timestamp);
  return {
    records: records.slice(0, options.limit),
    scanned: pages.reduce((sum, page) => sum + page.scanned, 0),
    total: pages.reduce((sum, page) => sum + page.total, 0),
    budgetSpent: pages.some((page) => page.budgetSpent),
  };
}
