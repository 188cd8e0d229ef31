import { DEAD_LETTER_HEADER, HEADER } from '../contract/headers.js';
import type { StoredRecord } from '../contract/record.js';
import { javaPartition } from '../kafka/murmur2.js';
import { type DeadLetterFilters, eventIdStarts, type GroupScan, groupDeadLetters, readDeadLetters } from './dead-letter-reads.js';
import { type LogSource, readWindow, type WindowPage } from './log-window.js';
import { type SearchQuery, searchTopics } from './search.js';
import { type TopicTotals, topicTotals } from './totals.js';

/** One record as the lists show it: ids and metadata from its headers, never its payload. */
export interface RecordRow {
  time: string;
  /** Published (the log topic) or dead-lettered (the dead-letter topic). */
  outcome: 'published' | 'dead-lettered';
  eventType: string | undefined;
  category: string | undefined;
  recordId: string | undefined;
  organizationId: string | undefined;
  eventId: string | undefined;
  topic: string;
  partition: number;
  offset: string;
  /** Dead letters only. */
  reason?: string | undefined;
  detail?: string | undefined;
  receivedAt?: string | undefined;
  /** Set on events published by a replay: the dead letter they came from. */
  replayedFrom?: string | undefined;
}

export interface EventFilters {
  type?: string | undefined;
  category?: string | undefined;
  organizationId?: string | undefined;
  recordId?: string | undefined;
  /** Any case, a prefix. */
  eventId?: string | undefined;
  /** ms since the epoch, inclusive. */
  from?: number | undefined;
  /** ms since the epoch, exclusive. */
  to?: number | undefined;
  before?: ReadonlyMap<number, number> | undefined;
}

export interface RowPage {
  rows: RecordRow[];
  next: Map<number, number> | undefined;
  scanned: number;
  budgetSpent: boolean;
  total: number;
  elapsedMs: number;
}

export type { DeadLetterFilters, GroupScan, SearchQuery, TopicTotals };

export interface ConsoleLog {
  events(filters: EventFilters, limit?: number): Promise<RowPage>;
  /** One recordId's events in log order (oldest first), the newest `limit` of them before the cursor. */
  history(recordId: string, before?: ReadonlyMap<number, number>): Promise<RowPage>;
  /** A record's whole story: its published events and its dead letters, interleaved in time (oldest first). */
  story(recordId: string, before?: ReadonlyMap<number, number>): Promise<RowPage & { deadLetters: number }>;
  deadLetters(filters: DeadLetterFilters, limit?: number): Promise<RowPage>;
  deadLetterGroups(filters: DeadLetterFilters): Promise<GroupScan>;
  /** The log and the dead letters at once, newest first. */
  search(query: SearchQuery): Promise<RowPage>;
  totals(now: number): Promise<TopicTotals>;
  /** The record at one offset, or undefined. */
  one(topic: string, partition: number, offset: number): Promise<StoredRecord | undefined>;
}

export interface ConsoleLogOptions {
  source: LogSource;
  logTopic: string;
  deadLetterTopic: string;
  categoryOf(eventType: string): string | undefined;
  /** Records examined at most per page (events, dead letters) and per history. */
  pageBudget?: number;
  historyBudget?: number;
  /** Records examined at most per topic by a search. */
  searchBudget?: number;
}

const PAGE_SIZE = 50;
const HISTORY_SIZE = 500;
const SEARCH_SIZE = 100;
const EMPTY: RowPage = { rows: [], next: undefined, scanned: 0, budgetSpent: false, total: 0, elapsedMs: 0 };

export function createConsoleLog(options: ConsoleLogOptions): ConsoleLog {
  const { source, categoryOf, logTopic, deadLetterTopic } = options;
  const pageBudget = options.pageBudget ?? 20_000;
  const historyBudget = options.historyBudget ?? 200_000;
  const searchBudget = options.searchBudget ?? 100_000;
  const rowOf = (record: StoredRecord) => toRow(record, categoryOf);
  const elapsed = (started: number) => Math.round((performance.now() - started) * 10) / 10;

  async function page(run: () => Promise<WindowPage>, topic: string): Promise<RowPage> {
    const started = performance.now();
    // EVENT_LOG_TOPIC= (off): nothing to list.
    if (!topic) return EMPTY;
    const window = await run();
    return { ...window, rows: window.records.map(rowOf), elapsedMs: elapsed(started) };
  }

  const log: ConsoleLog = {
    events(filters, limit = PAGE_SIZE) {
      const { recordId, type, category, organizationId, eventId } = filters;
      const match = (record: StoredRecord) => {
        const h = record.headers;
        if (type && h[HEADER.eventType] !== type) return false;
        if (category && categoryOf(h[HEADER.eventType] ?? '') !== category) return false;
        if (organizationId && h[HEADER.organizationId] !== organizationId) return false;
        if (recordId && h[HEADER.recordId] !== recordId) return false;
        if (eventId && !eventIdStarts(record, eventId)) return false;
        return true;
      };
      return page(
        () =>
          readWindow(source, {
            topic: logTopic,
            match,
            limit,
            // The log topic is keyed by recordId with Java's partitioner: one partition holds all of a record's events.
            partitions: recordId ? (count) => [javaPartition(recordId, count)] : undefined,
            before: filters.before,
            fromTimestamp: filters.from,
            toTimestamp: filters.to,
            scanBudget: pageBudget,
          }),
        logTopic,
      );
    },
    async history(recordId, before) {
      const result = await page(
        () =>
          readWindow(source, {
            topic: logTopic,
            match: (record) => record.headers[HEADER.recordId] === recordId,
            limit: HISTORY_SIZE,
            partitions: (count) => [javaPartition(recordId, count)],
            before,
            scanBudget: historyBudget,
          }),
        logTopic,
      );
      // One partition, so newest-first is descending offsets: reversed, it is log order.
      return { ...result, rows: result.rows.reverse() };
    },
    async story(recordId, before) {
      const started = performance.now();
      const [events, letters] = await Promise.all([
        log.history(recordId, before),
        page(() => readDeadLetters(source, deadLetterTopic, { recordId }, HISTORY_SIZE, historyBudget), deadLetterTopic),
      ]);
      // Older pages are the log's: the dead letters of the record are all shown on its first page.
      const shown = before ? [] : letters.rows;
      const rows = [...events.rows, ...shown].sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
      return {
        ...events,
        rows,
        deadLetters: shown.length,
        scanned: events.scanned + letters.scanned,
        total: events.total + letters.total,
        budgetSpent: events.budgetSpent || letters.budgetSpent,
        elapsedMs: elapsed(started),
      };
    },
    deadLetters(filters, limit = PAGE_SIZE) {
      return page(() => readDeadLetters(source, deadLetterTopic, filters, limit, pageBudget), deadLetterTopic);
    },
    deadLetterGroups: (filters) => groupDeadLetters(source, deadLetterTopic, filters, historyBudget),
    async search(query) {
      const started = performance.now();
      const scan = await searchTopics(source, [logTopic, deadLetterTopic], query, {
        limit: SEARCH_SIZE,
        budget: searchBudget,
      });
      return { ...scan, rows: scan.records.map(rowOf), next: undefined, elapsedMs: elapsed(started) };
    },
    totals: (now) => topicTotals(source, { log: logTopic, deadLetter: deadLetterTopic }, { now, reasonBudget: pageBudget }),
    async one(topic, partition, offset) {
      const read = await source.read(topic, [{ partition, from: offset, to: offset + 1 }]);
      return read.get(partition)?.[0];
    },
  };
  return log;
}

function toRow(record: StoredRecord, categoryOf: (eventType: string) => string | undefined): RecordRow {
  const h = record.headers;
  const eventType = h[HEADER.eventType];
  const reason = h[DEAD_LETTER_HEADER.reason];
  const row: RecordRow = {
    time: new Date(record.timestamp).toISOString(),
    outcome: reason === undefined ? 'published' : 'dead-lettered',
    eventType,
    category: eventType ? categoryOf(eventType) : undefined,
    recordId: h[HEADER.recordId],
    organizationId: h[HEADER.organizationId],
    eventId: h[HEADER.eventId],
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
  };
  if (reason !== undefined) {
    row.reason = reason;
    row.detail = h[DEAD_LETTER_HEADER.detail];
    row.receivedAt = h[HEADER.receivedAt];
  }
  if (h[HEADER.replayedFrom] !== undefined) row.replayedFrom = h[HEADER.replayedFrom];
  return row;
}
