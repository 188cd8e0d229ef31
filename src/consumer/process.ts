import type { EventType } from '../../generated/events.js';
import { HEADER } from '../contract/headers.js';
import { REASON } from '../contract/reasons.js';
import type { OutgoingRecord } from '../contract/record.js';
import { type DeadLetterFailure, deadLetterRecord, describeError } from './dead-letter.js';
import type { Decoded, IncomingRecord } from './decode.js';
import { type RetryIo, withRetries } from './retry.js';
import type { ConsumedEvent, ConsumerLog, ConsumerStats, Handler, Handlers, IdempotencyStore, RetryPolicy } from './types.js';

/** What became of one record; every outcome but `aborted` may be committed. */
export type Outcome = 'handled' | 'duplicate' | 'skipped' | 'dead-lettered' | 'aborted';

export interface ProcessorOptions {
  groupId: string;
  handlers: Handlers;
  /** The category of a known event type, for handlers of whole categories. */
  categoryOf: (eventType: string) => string | undefined;
  decode: (value: Buffer | null) => Decoded;
  idempotency?: IdempotencyStore | undefined;
  retry: RetryPolicy;
  deadLetterTopic: string;
  /** Resolves once Kafka acknowledged the dead letter; a rejection leaves the record uncommitted. */
  sendDeadLetter: (record: OutgoingRecord) => Promise<void>;
  now?: () => Date;
  log?: ConsumerLog | undefined;
  sleep?: RetryIo['sleep'];
  /** Wraps each record's handler (tracing: a span around every call); the handler itself when absent. */
  wrapHandler?: (handler: Handler<EventType>, record: IncomingRecord) => Handler<EventType>;
}

/** What a record needs, decided from its value alone. */
export type Prepared =
  | { kind: 'skip' }
  | { kind: 'poison'; failure: DeadLetterFailure; eventId: string | undefined }
  | { kind: 'handle'; handler: Handler<EventType>; event: ConsumedEvent };

export interface Processor {
  /** Decodes and routes a record without running anything. */
  prepare(record: IncomingRecord): Prepared;
  /**
   * One record on its own: its handler retried (from the second try when
   * `firstFailure` says the first one failed elsewhere) or its dead letter sent.
   */
  settle(record: IncomingRecord, prepared: Prepared, signal: AbortSignal, firstFailure?: { error: unknown }): Promise<Outcome>;
  process(record: IncomingRecord, signal: AbortSignal): Promise<Outcome>;
  /** Counts outcomes decided outside `settle` (a run of records handled together). */
  count(counts: { handled: number; duplicates: number; skipped: number }): void;
  stats(): ConsumerStats;
}

/** Decode, validate, dispatch to the type's handler (retried, idempotent), or dead-letter: independent of the Kafka client. */
export function createProcessor(options: ProcessorOptions): Processor {
  const stats: ConsumerStats = { handled: 0, duplicates: 0, skipped: 0, deadLettered: 0, retries: 0 };
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => {});
  const byKey = options.handlers as Readonly<Record<string, Handler<EventType> | undefined>>;
  /** The type's own handler, else its category's. */
  const handlerOf = (type: string | undefined): Handler<EventType> | undefined => {
    if (type === undefined) return undefined;
    if (Object.hasOwn(byKey, type)) return byKey[type];
    const category = options.categoryOf(type);
    return category !== undefined && Object.hasOwn(byKey, category) ? byKey[category] : undefined;
  };
  const handles = (type: string | undefined) => handlerOf(type) !== undefined;

  async function deadLetter(record: IncomingRecord, failure: DeadLetterFailure, eventId: string | undefined): Promise<Outcome> {
    await options.sendDeadLetter(deadLetterRecord(options.deadLetterTopic, options.groupId, record, failure, now()));
    stats.deadLettered++;
    const where = { topic: record.topic, partition: record.partition, offset: record.offset };
    log('warn', 'record dead-lettered', {
      ...where,
      eventId,
      reason: failure.reason,
      attempts: failure.attempts,
      to: options.deadLetterTopic,
    });
    return 'dead-lettered';
  }

  /** One try: with an idempotency store, seen → handler → remember, in its transaction when it has one. */
  async function once(handler: Handler<EventType>, event: ConsumedEvent, attempt: number, signal: AbortSignal): Promise<Outcome> {
    const store = options.idempotency;
    if (!store) {
      await handler(event, { attempt, signal });
      return 'handled';
    }
    const work = async (): Promise<Outcome> => {
      if (await store.seen(event.eventId)) return 'duplicate';
      await handler(event, { attempt, signal });
      await store.remember(event.eventId);
      return 'handled';
    };
    return store.atomically ? store.atomically(work) : work();
  }

  function prepare(record: IncomingRecord): Prepared {
    const decoded = options.decode(record.value);
    if (!decoded.ok) {
      // Not ours to judge: a type without a schema here, or one that claims a type this service does not handle.
      const claimsOtherType = decoded.eventType !== undefined && !handles(decoded.eventType);
      if (decoded.reason === REASON.unknownEventType || claimsOtherType) return SKIP;
      const failure = { reason: decoded.reason, detail: decoded.detail, attempts: 0 };
      return { kind: 'poison', failure, eventId: record.headers[HEADER.eventId] };
    }
    // The one place the type and its handler are joined: the schema of the type has just validated the value.
    const handler = handlerOf(decoded.event.event);
    if (!handler) return SKIP;
    const event = consumedEvent(record, decoded.event as ConsumedEvent['event'], decoded.schemaId);
    return { kind: 'handle', handler: options.wrapHandler ? options.wrapHandler(handler, record) : handler, event };
  }

  async function settle(record: IncomingRecord, prepared: Prepared, signal: AbortSignal, firstFailure?: { error: unknown }) {
    if (prepared.kind === 'skip') {
      stats.skipped++;
      return 'skipped';
    }
    if (prepared.kind === 'poison') return deadLetter(record, prepared.failure, prepared.eventId);
    const { handler, event } = prepared;
    const result = await withRetries((attempt) => once(handler, event, attempt, signal), options.retry, {
      signal,
      sleep: options.sleep,
      ...(firstFailure && { firstFailure }),
      onRetry: (attempt, error, delayMs) => {
        stats.retries++;
        log('warn', 'handler failed; retrying', { eventId: event.eventId, attempt, delayMs, error: describeError(error) });
      },
    });
    if (result.ok === 'aborted') return 'aborted';
    if (!result.ok) {
      const failure = { reason: REASON.handlerFailed, detail: describeError(result.error), attempts: result.attempts };
      return deadLetter(record, failure, event.eventId);
    }
    if (result.value === 'duplicate') stats.duplicates++;
    else stats.handled++;
    return result.value;
  }

  return {
    stats: () => ({ ...stats }),
    prepare,
    settle,
    process: (record, signal) => settle(record, prepare(record), signal),
    count(counts) {
      stats.handled += counts.handled;
      stats.duplicates += counts.duplicates;
      stats.skipped += counts.skipped;
    },
  };
}

const SKIP: Prepared = { kind: 'skip' };

/**
 * The headers are read from the record only when a handler asks: the record
 * turns them into strings then. The accessor sits on a shared prototype (an
 * object literal with a getter costs far more to create, once per event), so
 * spreading an event copies everything but `headers`.
 */
const RECORD = Symbol('record');
const EVENT_PROTOTYPE = {
  get headers(): Readonly<Record<string, string>> {
    return (this as unknown as { [RECORD]: IncomingRecord })[RECORD].headers;
  },
};

function consumedEvent(record: IncomingRecord, event: ConsumedEvent['event'], schemaId: number | undefined): ConsumedEvent {
  const consumed = Object.create(EVENT_PROTOTYPE) as Record<string | symbol, unknown>;
  consumed.type = event.event;
  consumed.eventId = event.eventId;
  consumed.recordId = event.data.recordId;
  consumed.event = event;
  consumed.data = event.data;
  consumed.key = record.key === null ? null : record.key.toString('utf8');
  consumed.topic = record.topic;
  consumed.partition = record.partition;
  consumed.offset = record.offset;
  consumed.schemaId = schemaId;
  consumed[RECORD] = record;
  return consumed as unknown as ConsumedEvent;
}
