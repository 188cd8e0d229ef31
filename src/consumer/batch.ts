import type { IncomingRecord } from './decode.js';
import type { Prepared, Processor } from './process.js';
import type { HandlerContext, IdempotencyStore } from './types.js';

/** The records of one partition that Kafka handed over together, and what the SDK may do about them: independent of the client. */
export interface RecordBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly IncomingRecord[];
  /** The record at `offset` and every earlier one of the partition are finished: committable. */
  done(offset: string): void;
  /** False once the consumer stops or the partition is being taken away: start no further record. */
  active(): boolean;
  /** Between runs: keeps the membership alive and commits when the commit interval has passed. Throws when the group rebalances. */
  checkpoint(): Promise<void>;
}

export interface BatchOptions {
  processor: Processor;
  idempotency: IdempotencyStore | undefined;
  /** Aborted when the consumer stops. */
  signal: AbortSignal;
  /** A run (one store transaction, one offset to commit) ends after this many records… */
  maxRunRecords: number;
  /** …or once it has taken this long. */
  maxRunMs: number;
}

interface RunResult {
  /** Index after the last record finished. */
  end: number;
  /** The record whose handler (or the store) failed; nothing from it on is finished. */
  failure?: { at: number; error: unknown };
}

const DONE: Prepared = { kind: 'skip' };

/** Thrown out of `atomically` so that the store rolls the run back. */
const ROLLBACK = Symbol('rollback');

/**
 * Handles a partition's batch in order, in runs: consecutive records whose
 * handlers run one after another with one idempotency lookup, one store
 * transaction and one offset to mark done per run, none of it per record. A
 * record that needs more (a dead letter, a retry after its handler failed) is
 * settled on its own between runs. An offset is marked done only when every
 * earlier record of the partition was handled, skipped or dead-lettered.
 */
export function createBatchHandler(options: BatchOptions): (batch: RecordBatch) => Promise<void> {
  const { processor, signal } = options;
  const store = options.idempotency;
  const firstTry: HandlerContext = { attempt: 1, signal };

  async function run(batch: RecordBatch, items: readonly Prepared[], from: number, to: number): Promise<RunResult> {
    const counts = { handled: 0, duplicates: 0, skipped: 0 };
    const deadline = Date.now() + options.maxRunMs;
    let end = from;
    let failure: RunResult['failure'];
    const ids = store ? handledIds(items, from, to) : [];
    const work = async () => {
      const seen = ids.length > 0 ? await seenAmong(store as IdempotencyStore, ids) : undefined;
      const applied = new Set<string>();
      let awaited = true;
      for (let i = from; i < to; i++) {
        if (signal.aborted) break;
        // After a handler that awaited something, and every 16 records of quick ones: asking kafkajs costs more than a quick handler.
        if ((awaited || (i - from) % 16 === 0) && (!batch.active() || (i > from && Date.now() > deadline))) break;
        awaited = false;
        const item = items[i] as Prepared;
        if (item.kind === 'skip') counts.skipped++;
        else if (item.kind === 'handle') {
          const id = item.event.eventId;
          if (seen && (seen.has(id) || applied.has(id))) counts.duplicates++;
          else {
            try {
              // Awaited only when it is a promise: a synchronous handler (a SQLite write) costs no trip through the microtask queue.
              const pending = item.handler(item.event, firstTry);
              if (pending) {
                awaited = true;
                await pending;
              }
            } catch (error) {
              failure = { at: i, error };
              break;
            }
            if (store) applied.add(id);
            counts.handled++;
          }
        }
        end = i + 1;
      }
      if (store && applied.size > 0) await rememberAll(store, [...applied]);
      if (failure && store?.atomically) throw ROLLBACK;
    };
    try {
      await (store?.atomically && ids.length > 0 ? store.atomically(work) : work());
    } catch (error) {
      if (error === ROLLBACK) return { end: from, ...(failure && { failure }) };
      // The store itself failed: nothing of the run counts; its first record goes the careful way.
      return { end: from, failure: { at: from, error } };
    }
    processor.count(counts);
    return { end, ...(failure && { failure }) };
  }

  return async (batch) => {
    const { records } = batch;
    // Decoded as runs need them, so a run's events die young instead of the whole batch's staying alive through it.
    const items: Prepared[] = new Array(records.length);
    const item = (i: number) => {
      let prepared = items[i];
      if (prepared === undefined) prepared = items[i] = processor.prepare(records[i] as IncomingRecord);
      return prepared;
    };
    let failed: RunResult['failure'];
    let marked = 0;
    for (let i = 0; i < items.length; ) {
      if (signal.aborted || !batch.active()) return;
      const current = item(i);
      if (current.kind === 'poison' || failed?.at === i) {
        const outcome = await processor.settle(records[i] as IncomingRecord, current, signal, failed && { error: failed.error });
        failed = undefined;
        if (outcome === 'aborted') return;
        i++;
      } else {
        // A run stops short of the next poison record and of a record whose handler has just failed.
        const limit = Math.min(items.length, i + options.maxRunRecords, failed?.at ?? items.length);
        let to = i + 1;
        while (to < limit && item(to).kind !== 'poison') to++;
        const result = await run(batch, items, i, to);
        if (result.failure) failed = result.failure;
        else if (result.end === i) return; // stopped before its first record
        // Finished records need their decoded events no more (a rolled-back run keeps them for its shorter repeat).
        for (let done = i; done < result.end; done++) items[done] = DONE;
        i = result.end;
      }
      if (i > marked) {
        batch.done((records[i - 1] as IncomingRecord).offset);
        marked = i;
      }
      await batch.checkpoint();
    }
  };
}

function handledIds(items: readonly Prepared[], from: number, to: number): string[] {
  const ids: string[] = [];
  for (let i = from; i < to; i++) {
    const item = items[i] as Prepared;
    if (item.kind === 'handle') ids.push(item.event.eventId);
  }
  return ids;
}

async function seenAmong(store: IdempotencyStore, ids: readonly string[]): Promise<ReadonlySet<string>> {
  if (store.seenAmong) return store.seenAmong(ids);
  const seen = new Set<string>();
  for (const id of ids) if (await store.seen(id)) seen.add(id);
  return seen;
}

async function rememberAll(store: IdempotencyStore, ids: readonly string[]): Promise<void> {
  if (store.rememberAll) return store.rememberAll(ids);
  for (const id of ids) await store.remember(id);
}
