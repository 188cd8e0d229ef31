import { DEAD_LETTER_HEADER, HEADER } from '../contract/headers.js';
import type { StoredRecord } from '../contract/record.js';
import { javaPartition } from '../kafka/murmur2.js';
import { type LogSource, readWindow, type WindowPage } from './log-window.js';

/** One record as the lists show it: ids and metadata from its headers, never its payload. */
export interface RecordRow {
  time: string;
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

export interface ConsoleLog {
  events(filters: EventFilters, limit?: number): Promise<RowPage>;
  /** One recordId's events in log order (oldest first), the newest `limit` of them before the cursor. */
  history(recordId: string, before?: ReadonlyMap<number, number>): Promise<RowPage>;
  deadLetters(filters: { reason?: string | undefined; before?: ReadonlyMap<number, number> | undefined }, limit?: number): Promise<RowPage>;
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
}

const PAGE_SIZE = 50;
const HISTORY_SIZE = 500;

export function createConsoleLog(options: ConsoleLogOptions): ConsoleLog {
  const { source, categoryOf } = options;
  const pageBudget = options.pageBudget ?? 20_000;
  const historyBudget = options.historyBudget ?? 200_000;
  const rowOf = (record: StoredRecord) => toRow(record, categoryOf);

  async function page(run: () => Promise<WindowPage>, topic: string): Promise<RowPage> {
    const started = performance.now();
    // EVENT_LOG_TOPIC= (off): nothing to list.
    if (!topic) return { rows: [], next: undefined, scanned: 0, budgetSpent: false, total: 0, elapsedMs: 0 };
    const window = await run();
    return { ...window, rows: window.records.map(rowOf), elapsedMs: Math.round((performance.now() - started) * 10) / 10 };
  }

  return {
    events(filters, limit = PAGE_SIZE) {
      const { recordId, type, category, organizationId, eventId } = filters;
      const match = (record: StoredRecord) => {
        const h = record.headers;
        if (type && h[HEADER.eventType] !== type) return false;
        if (category && categoryOf(h[HEADER.eventType] ?? '') !== category) return false;
        if (organizationId && h[HEADER.organizationId] !== organizationId) return false;
        if (recordId && h[HEADER.recordId] !== recordId) return false;
        if (eventId && h[HEADER.eventId] !== eventId) return false;
        return true;
      };
      return page(
        () =>
          readWindow(source, {
            topic: options.logTopic,
            match,
            limit,
            // The log topic is keyed by recordId with Java's partitioner: one partition holds all of a record's events.
            partitions: recordId ? (count) => [javaPartition(recordId, count)] : undefined,
            before: filters.before,
            fromTimestamp: filters.from,
            toTimestamp: filters.to,
            scanBudget: pageBudget,
          }),
        options.logTopic,
      );
    },
    async history(recordId, before) {
      const result = await page(
        () =>
          readWindow(source, {
            topic: options.logTopic,
            match: (record) => record.headers[HEADER.recordId] === recordId,
            limit: HISTORY_SIZE,
            partitions: (count) => [javaPartition(recordId, count)],
            before,
            scanBudget: historyBudget,
          }),
        options.logTopic,
      );
      // One partition, so newest-first is descending offsets: reversed, it is log order.
      return { ...result, rows: result.rows.reverse() };
    },
    deadLetters(filters, limit = PAGE_SIZE) {
      return page(
        () =>
          readWindow(source, {
            topic: options.deadLetterTopic,
            match: (record) => !filters.reason || record.headers[DEAD_LETTER_HEADER.reason] === filters.reason,
            limit,
            before: filters.before,
            scanBudget: pageBudget,
          }),
        options.deadLetterTopic,
      );
    },
    async one(topic, partition, offset) {
      const read = await source.read(topic, [{ partition, from: offset, to: offset + 1 }]);
      return read.get(partition)?.[0];
    },
  };
}

function toRow(record: StoredRecord, categoryOf: (eventType: string) => string | undefined): RecordRow {
  const h = record.headers;
  const eventType = h[HEADER.eventType];
  const row: RecordRow = {
    time: new Date(record.timestamp).toISOString(),
    eventType,
    category: eventType ? categoryOf(eventType) : undefined,
    recordId: h[HEADER.recordId],
    organizationId: h[HEADER.organizationId],
    eventId: h[HEADER.eventId],
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
  };
  if (h[DEAD_LETTER_HEADER.reason] !== undefined) {
    row.reason = h[DEAD_LETTER_HEADER.reason];
    row.detail = h[DEAD_LETTER_HEADER.detail];
    row.receivedAt = h[HEADER.receivedAt];
  }
  if (h[HEADER.replayedFrom] !== undefined) row.replayedFrom = h[HEADER.replayedFrom];
  return row;
}
