import { createCatalogue } from '../contract/catalogue.js';
import { DEFAULT_MAX_BODY_BYTES, deadLetterTopicFor, maxMessageBytesFor } from '../contract/topics.js';
import { createBatchHandler } from './batch.js';
import { createDecoder } from './decode.js';
import { createGroupRunner } from './kafka.js';
import { type ConsumerOptions, DEFAULT_PARTITIONS_CONCURRENTLY, sourceTopics } from './options.js';
import { createProcessor } from './process.js';
import { DEFAULT_RETRY } from './retry.js';
import { type ConsumerTracing, loadTracing } from './tracing.js';
import type { ConsumerStats } from './types.js';

export interface Consumer {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly deadLetterTopic: string;
  /** Creates missing topics, joins the group; resolves once consuming. */
  start(): Promise<void>;
  /** Lets the record in hand finish, abandons retries, commits what is done, leaves the group. Safe to call twice. */
  stop(): Promise<void>;
  /** Settles when the consumer stopped: resolves after a stop, rejects if Kafka gave up on it. */
  readonly stopped: Promise<void>;
  /** Resolves once the group committed everything its topics held at the call. */
  caughtUp(options?: { timeoutMs?: number }): Promise<void>;
  stats(): ConsumerStats;
}

/** A typed consumer of the bridge's topics in its own group: at-least-once, retried, dead-lettered, idempotent when given a store. */
export function createConsumer(options: ConsumerOptions): Consumer {
  const { groupId, topics: settings } = options;
  const deadLetterTopic = options.deadLetterTopic ?? deadLetterTopicFor(settings.prefix, groupId);
  const catalogue = createCatalogue({ schemasDir: options.schemasDir, topicPrefix: settings.prefix });
  const topics = sourceTopics(options, catalogue);
  const log = options.log ?? (() => {});
  const abort = new AbortController();
  let stopping: Promise<void> | undefined;
  let crash: Error | undefined;
  let settle: { resolve: () => void; reject: (error: Error) => void } = { resolve: () => {}, reject: () => {} };
  const stopped = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  stopped.catch(() => {}); // observed through `stopped` by whoever cares

  const runner = createGroupRunner({
    connection: options.kafka,
    groupId,
    topics,
    deadLetterTopic,
    topicSettings: {
      partitions: settings.partitions ?? 6,
      replicationFactor: settings.replicationFactor ?? 1,
      maxMessageBytes: settings.maxMessageBytes ?? maxMessageBytesFor(DEFAULT_MAX_BODY_BYTES),
    },
    commit: true,
    fromBeginning: options.fromBeginning ?? true,
    sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000,
    partitionsConcurrently: options.partitionsConcurrently ?? DEFAULT_PARTITIONS_CONCURRENTLY,
    commitIntervalMs: options.commitIntervalMs ?? 1_000,
    fetchBytesPerPartition: options.fetchBytesPerPartition ?? 1_048_576,
    processBatch: (batch) => handleBatch(batch),
    onPosition: options.onPosition,
    signal: abort.signal,
    log,
    onCrash: (error) => {
      log('error', 'consumer crashed', { groupId, error: error.message });
      crash = error;
      void stop();
    },
  });
  let tracing: ConsumerTracing | undefined;
  const processor = createProcessor({
    groupId,
    handlers: options.handlers,
    categoryOf: catalogue.categoryOf,
    decode: createDecoder(catalogue),
    idempotency: options.idempotency,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    deadLetterTopic,
    sendDeadLetter: (record) => (tracing ? tracing.deadLetter(record, runner.sendDeadLetter) : runner.sendDeadLetter(record)),
    log,
    wrapHandler: (handler, record) => (tracing ? tracing.handler(handler, record) : handler),
  });
  const handleBatch = createBatchHandler({
    processor,
    idempotency: options.idempotency,
    signal: abort.signal,
    maxRunRecords: 10_000,
    // Bounds a transaction and how long done records wait for their commit.
    maxRunMs: Math.min(1_000, options.commitIntervalMs ?? 1_000),
  });

  const onSignal = (signal: NodeJS.Signals) => {
    log('info', 'stopping: finishing the record in hand', { groupId, signal });
    void stop();
  };
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];

  function stop(): Promise<void> {
    stopping ??= (async () => {
      for (const signal of signals) process.off(signal, onSignal);
      abort.abort();
      try {
        await runner.stop();
      } catch (error) {
        crash ??= error as Error;
      }
      log('info', 'consumer stopped', { groupId, ...processor.stats() });
      if (crash) settle.reject(crash);
      else settle.resolve();
    })();
    return stopping;
  }

  return {
    groupId,
    topics,
    deadLetterTopic,
    stopped,
    stop,
    stats: () => processor.stats(),
    caughtUp: (wait) => runner.caughtUp(wait?.timeoutMs ?? 60_000),
    async start() {
      for (const signal of signals) process.once(signal, onSignal);
      try {
        tracing = await loadTracing(options.tracer, groupId);
        await runner.start();
      } catch (error) {
        await stop().catch(() => {});
        throw error;
      }
      log('info', 'consumer started', { groupId, topics, deadLetterTopic });
    },
  };
}
