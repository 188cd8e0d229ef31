import { DEAD_LETTER_HEADER, HEADER } from '../contract/headers.js';
import type { StoredRecord } from '../contract/record.js';
import { javaPartition } from '../kafka/murmur2.js';
import { type LogSource, readWindow, type WindowPage } from './log-window.js';

export interface DeadLetterFilters {
  reason?: string | undefined;
  /** The detail exactly, as a group links to it. */
  detail?: string | undefined;
  recordId?: string | undefined;
  /** Any case, a prefix: an id copied in part still finds its delivery. */
  eventId?: string | undefined;
  type?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  before?: ReadonlyMap<number, number> | undefined;
}

export interface DeadLetterGroup {
  reason: string;
  detail: string;
  count: number;
  /** Record timestamps, ms since the epoch. */
  firstSeen: number;
  lastSeen: number;
  eventTypes: string[];
}

export interface GroupScan {
  groups: DeadLetterGroup[];
  scanned: number;
  total: number;
  budgetSpent: boolean;
  elapsedMs: number;
}

/** Whether an eventId header starts with what was typed, in any case. */
export function eventIdStarts(record: StoredRecord, prefix: string): boolean {
  return (record.headers[HEADER.eventId] ?? '').toLowerCase().startsWith(prefix.toLowerCase());
}

export function deadLetterMatch(filters: DeadLetterFilters): (record: StoredRecord) => boolean {
  return (record) => {
    const h = record.headers;
    if (filters.reason && h[DEAD_LETTER_HEADER.reason] !== filters.reason) return false;
    if (filters.detail && h[DEAD_LETTER_HEADER.detail] !== filters.detail) return false;
    if (filters.recordId && h[HEADER.recordId] !== filters.recordId) return false;
    if (filters.type && h[HEADER.eventType] !== filters.type) return false;
    if (filters.eventId && !eventIdStarts(record, filters.eventId)) return false;
    return true;
  };
}

/** Newest dead letters that pass the filters; a recordId reads its one partition (dead letters are keyed by it too). */
export function readDeadLetters(
  source: LogSource,
  topic: string,
  filters: DeadLetterFilters,
  limit: number,
  scanBudget: number,
): Promise<WindowPage> {
  const { recordId } = filters;
  return readWindow(source, {
    topic,
    match: deadLetterMatch(filters),
    limit,
    partitions: recordId ? (count) => [javaPartition(recordId, count)] : undefined,
    before: filters.before,
    fromTimestamp: filters.from,
    toTimestamp: filters.to,
    scanBudget,
  });
}

/**
 * Dead letters grouped by reason and detail, newest first, over at most
 * `scanBudget` of them: 150 identical failures are one line with a count and
 * when the first and the last arrived.
 */
export async function groupDeadLetters(
  source: LogSource,
  topic: string,
  filters: DeadLetterFilters,
  scanBudget: number,
): Promise<GroupScan> {
  const started = performance.now();
  const groups = new Map<string, DeadLetterGroup & { types: Set<string> }>();
  const matches = deadLetterMatch(filters);
  const page = await readWindow(source, {
    topic,
    // Counted here and never kept: the window then reads on until its budget or the topic's start.
    match: (record) => {
      if (!matches(record)) return false;
      const reason = record.headers[DEAD_LETTER_HEADER.reason] ?? '(none)';
      const detail = record.headers[DEAD_LETTER_HEADER.detail] ?? '';
      const key = `${reason}\n${detail}`;
      let group = groups.get(key);
      if (!group) {
        group = { reason, detail, count: 0, firstSeen: record.timestamp, lastSeen: record.timestamp, eventTypes: [], types: new Set() };
        groups.set(key, group);
      }
      group.count++;
      group.firstSeen = Math.min(group.firstSeen, record.timestamp);
      group.lastSeen = Math.max(group.lastSeen, record.timestamp);
      const type = record.headers[HEADER.eventType];
      if (type && group.types.size < 20) group.types.add(type);
      return false;
    },
    limit: 1,
    partitions: filters.recordId ? (count) => [javaPartition(filters.recordId as string, count)] : undefined,
    fromTimestamp: filters.from,
    toTimestamp: filters.to,
    scanBudget,
  });
  const list = [...groups.values()]
    .map(({ types, ...group }) => ({ ...group, eventTypes: [...types].sort() }))
    .sort((a, b) => b.count - a.count || b.lastSeen - a.lastSeen);
  return {
    groups: list,
    scanned: page.scanned,
    total: page.total,
    budgetSpent: page.budgetSpent,
    elapsedMs: Math.round(performance.now() - started),
  };
}
