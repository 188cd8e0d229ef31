import type { Admin } from 'kafkajs';
import { abortableSleep } from './retry.js';

export type OffsetsAdmin = Pick<Admin, 'fetchTopicOffsets' | 'fetchOffsets'>;

/** Per `topic/partition`: the first offset still in the log and the one after its last record. */
export type LogEnds = Map<string, { high: bigint; low: bigint }>;

/** Per topic and partition, the offset a caught-up group has committed: the end of the log now. */
export async function endOffsets(admin: OffsetsAdmin, topics: readonly string[]): Promise<LogEnds> {
  const ends = new Map<string, { high: bigint; low: bigint }>();
  for (const topic of topics) {
    for (const entry of await admin.fetchTopicOffsets(topic)) {
      ends.set(`${topic}/${entry.partition}`, { high: BigInt(entry.high), low: BigInt(entry.low) });
    }
  }
  return ends;
}

/**
 * Partitions whose committed offset is still short of `ends`. Without a
 * committed offset a partition starts at its beginning (or, for a group that
 * does not read from the beginning, at its end: nothing to catch up).
 */
export async function behind(
  admin: OffsetsAdmin,
  groupId: string,
  ends: LogEnds,
  topics: readonly string[],
  fromBeginning = true,
): Promise<string[]> {
  const committed = await committedOffsets(admin, groupId, topics);
  return [...lagPerPartition(committed, ends, fromBeginning)].filter(([, lag]) => lag > 0n).map(([where]) => where);
}

/** `topic/partition` → the offset the group committed there (-1: none yet). */
export async function committedOffsets(admin: OffsetsAdmin, groupId: string, topics: readonly string[]): Promise<Map<string, bigint>> {
  const committed = new Map<string, bigint>();
  for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics: [...topics] })) {
    for (const { partition, offset } of partitions) committed.set(`${topic}/${partition}`, BigInt(offset));
  }
  return committed;
}

/** Per partition of `ends`, the records between the group's position (as in `behind`) and the end. */
export function lagPerPartition(
  committed: ReadonlyMap<string, bigint>,
  ends: ReadonlyMap<string, { high: bigint; low: bigint }>,
  fromBeginning = true,
): Map<string, bigint> {
  const lags = new Map<string, bigint>();
  for (const [where, { high, low }] of ends) {
    const offset = committed.get(where) ?? -1n;
    const position = offset >= 0n ? offset : fromBeginning ? low : high;
    lags.set(where, position < high ? high - position : 0n);
  }
  return lags;
}

/**
 * Resolves once the group has committed everything that was in `topics`
 * when it was called (polling the group's offsets, so it holds whichever
 * member does the work); rejects after `timeoutMs` naming what is behind.
 */
export async function waitUntilCaughtUp(
  admin: OffsetsAdmin,
  groupId: string,
  topics: readonly string[],
  options: { timeoutMs: number; fromBeginning?: boolean; pollMs?: number; signal?: AbortSignal },
): Promise<void> {
  const ends = await endOffsets(admin, topics);
  const deadline = Date.now() + options.timeoutMs;
  const signal = options.signal ?? new AbortController().signal;
  for (;;) {
    const late = await behind(admin, groupId, ends, topics, options.fromBeginning);
    if (late.length === 0) return;
    if (signal.aborted) throw new Error(`consumer group ${groupId} stopped before it caught up (${late.join(', ')} behind)`);
    if (Date.now() > deadline)
      throw new Error(`consumer group ${groupId} did not catch up in ${options.timeoutMs} ms: ${late.join(', ')} behind`);
    await abortableSleep(options.pollMs ?? 200, signal);
  }
}
