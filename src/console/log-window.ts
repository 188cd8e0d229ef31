import type { StoredRecord } from '../contract/record.js';
import type { OffsetRange } from '../kafka/partition-fetch.js';

/** What the window reads through: offsets by partition and time, and offset ranges. */
export interface LogSource {
  /** Every partition with its first and one-past-last offset. */
  partitions(topic: string): Promise<{ partition: number; low: number; high: number }[]>;
  /** Per partition, the first offset whose timestamp is at or after `timestamp` (the end when none is). */
  offsetsAt(topic: string, timestamp: number): Promise<Map<number, number>>;
  read(topic: string, ranges: readonly OffsetRange[]): Promise<Map<number, StoredRecord[]>>;
}

export interface WindowQuery {
  topic: string;
  match(record: StoredRecord): boolean;
  limit: number;
  /** Only these partitions, given the topic's partition count (a recordId lives in one). */
  partitions?: (count: number) => readonly number[];
  /** A page's cursor: per partition, read only below this offset. */
  before?: ReadonlyMap<number, number>;
  fromTimestamp?: number;
  toTimestamp?: number;
  /** Records examined at most; past it the page ends early with a cursor to go on. */
  scanBudget: number;
}

export interface WindowPage {
  /** Newest first (merged across partitions by timestamp, each partition newest offset first). */
  records: StoredRecord[];
  /** Where the next (older) page starts; undefined when nothing older is left. */
  next: Map<number, number> | undefined;
  scanned: number;
  /** The scan budget ran out before the page was full. */
  budgetSpent: boolean;
  /** Records in the partitions read, between the bounds asked for. */
  total: number;
}

const FIRST_CHUNK_MIN = 20;
const CHUNK_MAX = 4_096;

/**
 * The newest records of a topic that match, read back from the end of each
 * partition in growing chunks (never the whole topic): a k-way merge by
 * timestamp over the partitions' tails. A chunk is fetched only for a
 * partition whose read part is used up, so a page of 50 unfiltered events
 * costs one fetch of about 50 records per partition whatever the topic's size.
 */
export async function readWindow(source: LogSource, query: WindowQuery): Promise<WindowPage> {
  const every = await source.partitions(query.topic);
  const only = query.partitions ? new Set(query.partitions(every.length)) : undefined;
  const all = every.filter((p) => !only || only.has(p.partition));
  const upper = query.toTimestamp === undefined ? undefined : await source.offsetsAt(query.topic, query.toTimestamp);
  const lower = query.fromTimestamp === undefined ? undefined : await source.offsetsAt(query.topic, query.fromTimestamp);

  const state = all.map(({ partition, low, high }) => {
    const hi = Math.min(high, query.before?.get(partition) ?? high, upper?.get(partition) ?? high);
    const lo = Math.max(low, lower?.get(partition) ?? low);
    return { partition, lo, hi, readDown: hi, cursor: hi, chunk: Math.max(FIRST_CHUNK_MIN, query.limit), buffer: [] as StoredRecord[] };
  });
  const total = state.reduce((sum, p) => sum + Math.max(0, p.hi - p.lo), 0);
  const records: StoredRecord[] = [];
  let scanned = 0;
  let budgetSpent = false;

  for (;;) {
    const empty = state.filter((p) => p.buffer.length === 0 && p.readDown > p.lo);
    if (empty.length > 0) {
      const ranges = empty.map((p) => ({ partition: p.partition, from: Math.max(p.lo, p.readDown - p.chunk), to: p.readDown }));
      const read = await source.read(query.topic, ranges);
      for (const [index, p] of empty.entries()) {
        const range = ranges[index] as OffsetRange;
        p.buffer = read.get(p.partition) ?? [];
        // A gap (compaction, a transaction marker) is skipped, not asked for again.
        p.readDown = range.from;
        p.chunk = Math.min(CHUNK_MAX, p.chunk * 2);
      }
      continue;
    }
    let newest: (typeof state)[number] | undefined;
    for (const p of state) {
      const head = p.buffer.at(-1);
      if (head && (!newest || head.timestamp > (newest.buffer.at(-1) as StoredRecord).timestamp)) newest = p;
    }
    if (!newest) break;
    const record = newest.buffer.pop() as StoredRecord;
    newest.cursor = Number(record.offset);
    scanned++;
    if (query.match(record)) records.push(record);
    if (records.length >= query.limit) break;
    if (scanned >= query.scanBudget) {
      budgetSpent = true;
      break;
    }
  }
  const more = state.filter((p) => p.cursor > p.lo);
  return {
    records,
    next: more.length > 0 ? new Map(state.map((p) => [p.partition, p.cursor])) : undefined,
    scanned,
    budgetSpent,
    total,
  };
}

/** `0:120,1:98`: a page cursor in a URL (offsets only, never data). */
export function formatCursor(cursor: ReadonlyMap<number, number>): string {
  return [...cursor].map(([partition, offset]) => `${partition}:${offset}`).join(',');
}

export function parseCursor(text: string | undefined): Map<number, number> | undefined {
  if (!text) return undefined;
  const cursor = new Map<number, number>();
  for (const part of text.split(',')) {
    const match = /^(\d{1,6}):(\d{1,19})$/.exec(part);
    if (!match) return undefined;
    cursor.set(Number(match[1]), Number(match[2]));
  }
  return cursor;
}
