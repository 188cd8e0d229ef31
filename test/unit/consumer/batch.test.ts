import { describe, expect, it } from 'vitest';
import { createBatchHandler, type RecordBatch } from '../../../src/consumer/batch.js';
import { createDecoder, type IncomingRecord } from '../../../src/consumer/decode.js';
import { createMemoryIdempotencyStore } from '../../../src/consumer/memory-store.js';
import { createProcessor } from '../../../src/consumer/process.js';
import type { ConsumedEvent, Handlers, IdempotencyStore } from '../../../src/consumer/types.js';
import { createCatalogue } from '../../../src/contract/catalogue.js';
import type { OutgoingRecord } from '../../../src/contract/record.js';
import { schemasDir } from '../../../src/paths.js';
import { documentUploaded } from '../../support/events.js';

const catalogue = createCatalogue({ schemasDir, topicPrefix: 'p.' });
const decode = createDecoder(catalogue);
const categoryOf = catalogue.categoryOf;

function records(values: unknown[]): IncomingRecord[] {
  return values.map((value, offset) => ({
    topic: 'p.events',
    partition: 0,
    offset: String(offset),
    key: Buffer.from('conv_1'),
    value: Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value)),
    headers: {},
  }));
}

/** A batch as the runner hands it over, recording what was marked done and when the SDK paused between runs. */
function batchOf(list: IncomingRecord[], options: { active?: () => boolean } = {}) {
  const done: string[] = [];
  let checkpoints = 0;
  const batch: RecordBatch = {
    topic: 'p.events',
    partition: 0,
    records: list,
    done: (offset) => void done.push(offset),
    active: options.active ?? (() => true),
    checkpoint: async () => void checkpoints++,
  };
  return { batch, done, checkpoints: () => checkpoints };
}

function handlerFor(handlers: Handlers, options: { store?: IdempotencyStore; signal?: AbortSignal; maxRunRecords?: number } = {}) {
  const letters: OutgoingRecord[] = [];
  const processor = createProcessor({
    groupId: 'svc',
    handlers,
    categoryOf,
    decode,
    idempotency: options.store,
    retry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 1 },
    deadLetterTopic: 'p.dead-letter.svc',
    sendDeadLetter: async (letter) => void letters.push(letter),
    sleep: async () => {},
  });
  const handle = createBatchHandler({
    processor,
    idempotency: options.store,
    signal: options.signal ?? new AbortController().signal,
    maxRunRecords: options.maxRunRecords ?? 5_000,
    maxRunMs: 60_000,
  });
  return { handle, processor, letters };
}

/** A store with a transaction that keeps its writes apart until commit, like a database. */
function transactionalStore() {
  const committed = new Set<string>();
  let pending: Set<string> | undefined;
  const calls: string[] = [];
  const store: IdempotencyStore = {
    seen: (id) => committed.has(id) || (pending?.has(id) ?? false),
    remember: (id) => void (pending ?? committed).add(id),
    seenAmong(ids) {
      calls.push(`seenAmong ${ids.length}`);
      return new Set(ids.filter((id) => committed.has(id)));
    },
    rememberAll(ids) {
      calls.push(`rememberAll ${ids.length}`);
      for (const id of ids) pending?.add(id);
    },
    async atomically(work) {
      calls.push('begin');
      pending = new Set();
      try {
        const result = await work();
        for (const id of pending) committed.add(id);
        calls.push('commit');
        return result;
      } catch (error) {
        calls.push('rollback');
        throw error;
      } finally {
        pending = undefined;
      }
    },
  };
  return { store, committed, calls };
}

describe('handling a batch of records', () => {
  it('handles a run in order with one lookup, one transaction and one offset marked done', async () => {
    const events = [documentUploaded(), documentUploaded(), documentUploaded()];
    const seen: string[] = [];
    const { store, calls } = transactionalStore();
    const { handle, processor } = handlerFor({ DOCUMENT_UPLOADED: (e) => void seen.push(e.eventId) }, { store });
    const { batch, done } = batchOf(records(events));
    await handle(batch);
    expect(seen).toEqual(events.map((e) => e.eventId));
    expect(calls).toEqual(['begin', 'seenAmong 3', 'rememberAll 3', 'commit']);
    expect(done).toEqual(['2']);
    expect(processor.stats()).toMatchObject({ handled: 3, duplicates: 0 });
  });

  it('skips an eventId seen before and a second copy within the same run', async () => {
    const store = createMemoryIdempotencyStore();
    const old = documentUploaded();
    await store.remember(old.eventId);
    const twice = documentUploaded();
    let applied = 0;
    const { handle, processor } = handlerFor({ DOCUMENT_UPLOADED: () => void applied++ }, { store });
    await handle(batchOf(records([old, twice, twice])).batch);
    expect(applied).toBe(1);
    expect(processor.stats()).toMatchObject({ handled: 1, duplicates: 2 });
    expect(store.size()).toBe(2);
  });

  it('rolls the run back when a handler fails, applies the records before it again, then retries the failing one on its own', async () => {
    const events = [documentUploaded(), documentUploaded(), documentUploaded(), documentUploaded()];
    const failing = events[2]?.eventId;
    const applied: string[] = [];
    const tries: number[] = [];
    const { store, committed, calls } = transactionalStore();
    const { handle, processor } = handlerFor(
      {
        DOCUMENT_UPLOADED: (e: ConsumedEvent<'DOCUMENT_UPLOADED'>, { attempt }) => {
          if (e.eventId === failing) {
            tries.push(attempt);
            if (attempt < 2) throw new Error('flaky');
          }
          applied.push(e.eventId);
        },
      },
      { store },
    );
    const { batch, done } = batchOf(records(events));
    await handle(batch);
    // The first run saw events 0 and 1 before the failure and rolled back; they are applied again in a shorter run.
    expect(applied).toEqual([0, 1, 0, 1, 2, 3].map((i) => events[i]?.eventId));
    expect(tries).toEqual([1, 2]);
    expect(calls.filter((c) => c === 'rollback')).toHaveLength(1);
    expect([...committed].sort()).toEqual(events.map((e) => e.eventId).sort());
    expect(done).toEqual(['1', '2', '3']);
    expect(processor.stats()).toMatchObject({ handled: 4, retries: 1, deadLettered: 0 });
  });

  it('without a transaction keeps what ran before a failure and goes on from the failing record', async () => {
    const events = [documentUploaded(), documentUploaded(), documentUploaded()];
    const applied: string[] = [];
    const store = createMemoryIdempotencyStore();
    const { handle } = handlerFor(
      {
        DOCUMENT_UPLOADED: (e, { attempt }) => {
          if (e.eventId === events[1]?.eventId && attempt === 1) throw new Error('once');
          applied.push(e.eventId);
        },
      },
      { store },
    );
    const { batch, done } = batchOf(records(events));
    await handle(batch);
    expect(applied).toEqual(events.map((e) => e.eventId));
    expect(store.size()).toBe(3);
    expect(done).toEqual(['0', '1', '2']);
  });

  it('dead-letters a poison record between two runs and marks offsets done only past finished records', async () => {
    const before = documentUploaded();
    const after = documentUploaded();
    const { handle, letters } = handlerFor({ DOCUMENT_UPLOADED: () => {} });
    const { batch, done } = batchOf(records([before, Buffer.from('not json'), after]));
    await handle(batch);
    expect(letters.map((l) => [l.headers['dead-letter-reason'], l.headers['dead-letter-source-offset']])).toEqual([['invalid-json', '1']]);
    expect(done).toEqual(['0', '1', '2']);
  });

  it('leaves a record whose dead letter cannot be written, and everything after it, unfinished', async () => {
    const processor = createProcessor({
      groupId: 'svc',
      handlers: { DOCUMENT_UPLOADED: () => {} },
      categoryOf,
      decode,
      retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1 },
      deadLetterTopic: 'dl',
      sendDeadLetter: async () => {
        throw new Error('Kafka down');
      },
    });
    const handle = createBatchHandler({
      processor,
      idempotency: undefined,
      signal: new AbortController().signal,
      maxRunRecords: 10,
      maxRunMs: 1_000,
    });
    const { batch, done } = batchOf(records([documentUploaded(), Buffer.from('nope'), documentUploaded()]));
    await expect(handle(batch)).rejects.toThrow('Kafka down');
    expect(done).toEqual(['0']);
  });

  it('stops between records once the consumer stops, and marks done only what it finished', async () => {
    const abort = new AbortController();
    const events = Array.from({ length: 6 }, () => documentUploaded());
    const handled: string[] = [];
    const { handle } = handlerFor(
      {
        DOCUMENT_UPLOADED: async (e) => {
          handled.push(e.eventId);
          if (handled.length === 2) abort.abort();
        },
      },
      { signal: abort.signal, store: createMemoryIdempotencyStore() },
    );
    const { batch, done } = batchOf(records(events));
    await handle(batch);
    expect(handled).toHaveLength(2);
    expect(done).toEqual(['1']);
  });

  it('stops at the next record once the partition is taken away', async () => {
    let active = true;
    const handled: string[] = [];
    const { handle } = handlerFor({
      DOCUMENT_UPLOADED: async (e) => {
        handled.push(e.eventId);
        active = false;
      },
    });
    const { batch, done } = batchOf(records([documentUploaded(), documentUploaded(), documentUploaded()]), { active: () => active });
    await handle(batch);
    expect(handled).toHaveLength(1);
    expect(done).toEqual(['0']);
  });

  it('cuts long batches into runs of at most maxRunRecords, pausing between them', async () => {
    const { store, calls } = transactionalStore();
    const { handle } = handlerFor({ DOCUMENT_UPLOADED: () => {} }, { store, maxRunRecords: 2 });
    const { batch, done, checkpoints } = batchOf(records(Array.from({ length: 5 }, () => documentUploaded())));
    await handle(batch);
    expect(calls.filter((c) => c === 'commit')).toHaveLength(3);
    expect(done).toEqual(['1', '3', '4']);
    expect(checkpoints()).toBe(3);
  });
});
