import type { EventCategory, EventDataMap, EventOf, EventType, EventTypeIn } from '../../generated/events.js';

/** One event as a handler receives it: validated against its schema, typed by its type, and where it came from. */
export interface ConsumedEvent<T extends EventType = EventType> {
  readonly type: T;
  readonly eventId: string;
  readonly recordId: string;
  /** The whole envelope as Popp sent it (unknown extra properties included). */
  readonly event: EventOf<T>;
  readonly data: EventDataMap[T];
  /** The Kafka key: `data.recordId` for everything the bridge writes. */
  readonly key: string | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly topic: string;
  readonly partition: number;
  /** Kafka offsets are 64-bit: kept as the decimal string kafkajs gives. */
  readonly offset: string;
  /** The registry's schema id when the value came in the Confluent wire format, else undefined. */
  readonly schemaId: number | undefined;
}

/** Any known event, discriminated on `type` (narrow with a `switch`). */
export type AnyConsumedEvent = { [T in EventType]: ConsumedEvent<T> }[EventType];

/** Any event of one category, e.g. `ConsumedEventIn<'scheduling'>`, discriminated on `type`. */
export type ConsumedEventIn<C extends EventCategory> = { [T in EventTypeIn<C>]: ConsumedEvent<T> }[EventTypeIn<C>];

export interface HandlerContext {
  /** 1 for the first try, then 2, 3, … while retrying. */
  readonly attempt: number;
  /** Aborted when the consumer is stopping: long work may give up early (it is then retried on the next start). */
  readonly signal: AbortSignal;
}

export type Handler<T extends EventType> = (event: ConsumedEvent<T>, context: HandlerContext) => void | Promise<void>;

/** One handler for every type of a category, present and future: it narrows on `event.type`. */
export type CategoryHandler<C extends EventCategory> = (event: ConsumedEventIn<C>, context: HandlerContext) => void | Promise<void>;

/**
 * The handler of each event type the service consumes (keys such as
 * `DOCUMENT_UPLOADED`), or of whole categories (keys such as `scheduling`).
 * A type's own handler wins over its category's. Types with neither are
 * skipped (and committed).
 */
export type Handlers = { readonly [T in EventType]?: Handler<T> } & { readonly [C in EventCategory]?: CategoryHandler<C> };

/** Identity, for writing handler definitions apart from `createConsumer` and still get each event's type. */
export function defineHandlers(handlers: Handlers): Handlers {
  return handlers;
}

/**
 * Where a service remembers the eventIds it has applied. The SDK takes the
 * records of a partition in runs (up to a fetched batch) and, per run, calls
 * `atomically` once; inside it, `seenAmong` (or `seen` for each eventId)
 * before the handlers and `rememberAll` (or `remember` for each) after them.
 * So the run's effects and the memory of them commit (or roll back) together
 * in one transaction of the service's database: exactly-once in effect.
 *
 * When a handler fails inside a run, the SDK throws out of `atomically` (the
 * run rolls back), applies the records before it again as a shorter run, and
 * retries the failing one on its own (`atomically` around `seen`, the handler
 * and `remember`). A handler may therefore run again after a rollback: keep
 * effects outside the database idempotent.
 */
export interface IdempotencyStore {
  seen(eventId: string): boolean | Promise<boolean>;
  remember(eventId: string): void | Promise<void>;
  /** Of these eventIds, the ones already applied: one lookup for a whole run. */
  seenAmong?(eventIds: readonly string[]): ReadonlySet<string> | Promise<ReadonlySet<string>>;
  /** Records a run's applied eventIds at once. */
  rememberAll?(eventIds: readonly string[]): void | Promise<void>;
  /**
   * Runs `work` in one transaction. With more than one partition in flight
   * (`partitionsConcurrently` > 1) calls may overlap: a store whose
   * transactions share one connection must queue them.
   */
  atomically?<R>(work: () => Promise<R>): Promise<R>;
}

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export type ConsumerLog = (level: 'error' | 'warn' | 'info' | 'debug', message: string, fields: Record<string, unknown>) => void;

export interface ConsumerStats {
  handled: number;
  /** Already applied according to the idempotency store. */
  duplicates: number;
  /** No handler for its type. */
  skipped: number;
  deadLettered: number;
  /** Failed tries that were tried again. */
  retries: number;
}
