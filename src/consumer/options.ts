import type { Tracer } from '@opentelemetry/api';
import { defaultLogTopic, maxMessageBytesFor, topicForEventType } from '../contract/topics.js';
import type { KafkaConnection } from './connection.js';
import type { ConsumerLog, Handlers, IdempotencyStore, RetryPolicy } from './types.js';

export interface ConsumerTopics {
  prefix: string;
  /** The log topic (default `<prefix>events`). */
  eventLog?: string;
  /** For the topics the consumer creates when they do not exist yet (the bridge's defaults). */
  partitions?: number;
  replicationFactor?: number;
  maxMessageBytes?: number;
}

export interface ConsumerOptions {
  groupId: string;
  handlers: Handlers;
  kafka: KafkaConnection;
  topics: ConsumerTopics;
  /** `types` (default): the topic of each handled type. `log`: the log topic, every type in order per recordId. */
  source?: 'types' | 'log';
  /** A group with no committed offset starts at the beginning of the log (default) or at its end. */
  fromBeginning?: boolean;
  idempotency?: IdempotencyStore;
  retry?: Partial<RetryPolicy>;
  /** Default `<prefix>dead-letter.<groupId>`. */
  deadLetterTopic?: string;
  /** How long a crashed member keeps its partitions before the group moves on (default 10 s). */
  sessionTimeoutMs?: number;
  /**
   * Partitions handled at the same time (default 1); each partition stays in
   * order. More helps handlers that wait on I/O; the handlers of different
   * partitions then interleave at their awaits.
   */
  partitionsConcurrently?: number;
  /** Besides at the end of each fetched batch, on rebalance and on stop, finished offsets are committed this often (default 1000 ms). */
  commitIntervalMs?: number;
  /**
   * How much one fetch brings per partition (default 1 MiB, kafkajs'; a
   * rebuild defaults to 4 MiB): bigger batches mean fewer fetch round trips,
   * fewer commits and fewer, larger store transactions, for more memory.
   */
  fetchBytesPerPartition?: number;
  /** Called as runs of records finish: the partition's next offset to handle (for progress and lag). */
  onPosition?: (topic: string, partition: number, next: string) => void;
  /** Signals that stop the consumer cleanly (default SIGTERM and SIGINT; `[]` to stop it yourself). */
  signals?: readonly NodeJS.Signals[];
  schemasDir?: string;
  log?: ConsumerLog;
  /**
   * Spans of each handled event, continuing the bridge's trace (docs/guides/observability.md):
   * this tracer; by default @opentelemetry/api's global one when a provider was registered before `start()`; `false`: none.
   */
  tracer?: Tracer | false;
}

export const DEFAULT_PARTITIONS_CONCURRENTLY = 1;

/** What `connectionFromConfig` reads of the bridge's configuration (its `Config`); the SDK does not load it. */
export interface BridgeSettings {
  kafka: Pick<KafkaConnection, 'ssl' | 'sasl'>;
  topics: { prefix: string; eventLog: string; partitions: number; replicationFactor: number };
  maxBodyBytes: number;
}

/** The Kafka and topic settings of the bridge's own configuration, for a consumer on the same cluster. */
export function connectionFromConfig(config: BridgeSettings, brokers: string[]): Pick<ConsumerOptions, 'kafka' | 'topics'> {
  const { kafka, topics } = config;
  return {
    kafka: { brokers, ssl: kafka.ssl, sasl: kafka.sasl },
    topics: {
      prefix: topics.prefix,
      eventLog: topics.eventLog,
      partitions: topics.partitions,
      replicationFactor: topics.replicationFactor,
      maxMessageBytes: maxMessageBytesFor(config.maxBodyBytes),
    },
  };
}

/** What the consumer knows of the event types: those in its schemas, and the category of each. */
export interface KnownTypes {
  readonly knownTypes: readonly string[];
  categoryOf(eventType: string): string | undefined;
}

/** The event types a handler map handles: its type keys and every known type of its category keys. */
export function handledTypes(handlers: Handlers, catalogue: KnownTypes): string[] {
  const keys = Object.keys(handlers);
  return catalogue.knownTypes.filter((type) => keys.includes(type) || keys.includes(catalogue.categoryOf(type) ?? ''));
}

/** The topics a consumer reads: its handled types' topics, or the log topic. */
export function sourceTopics(options: ConsumerOptions, catalogue: KnownTypes): string[] {
  const { prefix } = options.topics;
  if (options.source === 'log') {
    const log = options.topics.eventLog ?? defaultLogTopic(prefix);
    if (!log) throw new Error('source "log" needs the log topic, but EVENT_LOG_TOPIC is empty');
    return [log];
  }
  const keys = Object.keys(options.handlers);
  if (keys.length === 0) throw new Error('createConsumer needs at least one handler');
  const types = handledTypes(options.handlers, catalogue);
  const unknown = keys.filter((key) => !types.includes(key) && !types.some((type) => catalogue.categoryOf(type) === key));
  if (unknown.length > 0) throw new Error(`createConsumer: no event type or category named ${unknown.join(', ')} in the schemas`);
  return types.map((type) => topicForEventType(prefix, type));
}
