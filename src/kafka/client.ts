import type { ConnectionOptions } from 'node:tls';
import {
  type Admin,
  type Consumer,
  type ConsumerConfig,
  Kafka,
  type KafkaConfig,
  type LogEntry,
  logLevel,
  type Producer,
  type SASLOptions,
} from 'kafkajs';
import { completeSends, rememberingPartitioner } from './complete-send.js';
import { type EncodersInstalled, installKafkajsEncoders } from './kafkajs-encoders.js';
import { oauthBearerMechanism } from './oauthbearer.js';
import { createPartitionFetcher, type PartitionFetcher } from './partition-fetch.js';
import { javaCompatiblePartitioner, notingPartitioner } from './partitioner.js';
import { kafkaSetupError } from './setup-errors.js';
import { createTopicEnsurer, type TopicEnsurer, type TopicSettings } from './topics.js';

export { isKafkaUnreachable, kafkaSetupError, kafkaWaitHint } from './setup-errors.js';
export type { TopicSettings } from './topics.js';

export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  /** kafkajs' own: `true`, or Node's TLS options (CA, client certificate, servername); `false` or absent: plaintext. */
  ssl?: ConnectionOptions | boolean | undefined;
  /** kafkajs' own: PLAIN, SCRAM-SHA-256/512 with a username and password, OAUTHBEARER with a token provider. */
  sasl?: SASLOptions | undefined;
  /** Our own deadline per send; kafkajs' timeouts are kept below it. */
  publishTimeoutMs: number;
  /** The project's record and produce-request encoders (KAFKA_FAST_ENCODERS); default on. */
  fastEncoders?: boolean;
  log?: (level: 'error' | 'warn' | 'info' | 'debug', message: string, extra: Record<string, unknown>) => void;
}

export interface ProducerOptions {
  /** Told the partition chosen for each record, by the record's headers object (tracing; see docs/guides/observability.md). */
  onPartition?: (headers: object, partition: number) => void;
}

/** Every Kafka client part of the project, made one way. */
export interface KafkaParts {
  /** A producer partitioning like Java clients, never creating topics, not idempotent; it connects once the encoders are settled. */
  producer(options?: ProducerOptions): Producer;
  /** A consumer that never creates topics. */
  consumer(config: Omit<ConsumerConfig, 'allowAutoTopicCreation'>): Consumer;
  admin(): Admin;
  /** Creates missing topics through `admin` with the settings every topic of the bridge has. */
  topicEnsurer(admin: Admin, settings: TopicSettings): TopicEnsurer;
  /** Reads offset ranges straight from the leaders, without a consumer group (the console). */
  partitionFetcher(): Promise<PartitionFetcher>;
  /** Settles once a producer asked for the encoders: installed, or left as shipped (and why). */
  encoders(): Promise<EncodersInstalled>;
}

/**
 * The one factory of the project's Kafka clients. kafkajs gets short
 * connection and request timeouts and few retries: its defaults turn a dead
 * broker into 30-second hangs, and an outage must become quick 503s instead.
 * Every producer takes the same path: murmur2 partitioning (docs/kafka-contract.md),
 * sends that are complete or fail (complete-send.ts),
 * no auto-creation, no idempotence (experimental in kafkajs, see
 * docs/pipeline.md), and the fast-path encoders unless switched off, installed
 * before its first connect so kafkajs never produces without them.
 */
export function createKafka(options: KafkaClientOptions): KafkaParts {
  warnIfUnverified(options);
  const kafka = new Kafka(clientConfig(options));
  const fast = options.fastEncoders ?? true;
  let settled: Promise<EncodersInstalled> | undefined;
  const encoders = () => {
    settled ??= fast
      ? installKafkajsEncoders().then((state) => warnOnce(state, options))
      : Promise.resolve({ record: false, produce: false, growth: false, reason: 'switched off (KAFKA_FAST_ENCODERS=false)' });
    return settled;
  };
  return {
    producer(producerOptions = {}) {
      const { onPartition } = producerOptions;
      const { createPartitioner, partitionOf } = rememberingPartitioner(
        onPartition ? notingPartitioner(onPartition) : javaCompatiblePartitioner,
      );
      const producer = completeSends(
        kafka.producer({
          createPartitioner,
          allowAutoTopicCreation: false,
          idempotent: false,
          metadataMaxAge: PRODUCER_METADATA_MAX_AGE_MS,
        }),
        partitionOf,
      );
      const connect = producer.connect.bind(producer);
      producer.connect = async () => {
        await encoders();
        return explained(connect)();
      };
      return producer;
    },
    consumer: (config) => withExplainedConnect(kafka.consumer({ ...config, allowAutoTopicCreation: false })),
    admin: () => withExplainedConnect(kafka.admin()),
    topicEnsurer: createTopicEnsurer,
    partitionFetcher: () => createPartitionFetcher(kafka),
    encoders,
  };
}

/** A refusal of our settings leaves `connect` as a KafkaSetupError naming the setting; anything else as it was. */
function explained<T>(connect: () => Promise<T>): () => Promise<T> {
  return async () => {
    try {
      return await connect();
    } catch (error) {
      throw kafkaSetupError(error) ?? error;
    }
  };
}

function withExplainedConnect<T extends { connect(): Promise<void> }>(client: T): T {
  client.connect = explained(client.connect.bind(client));
  return client;
}

/**
 * How old the producer's idea of the partition leaders may get. kafkajs asks
 * again after a refused connection or a "not the leader" answer, but not after
 * a request timeout: a leader that stops answering (frozen, cut off by the
 * network) kept getting every send, and every request a 503, for as long as its
 * default of 5 minutes, while the cluster had long moved the partitions to
 * other replicas (docs/guides/replicated-kafka.md). The cost: one metadata
 * request per 5 s while sending.
 */
export const PRODUCER_METADATA_MAX_AGE_MS = 5_000;

let warned = false;
let warnedUnverified = false;

/** Verification off is for a development broker with a throwaway certificate; in a log it must stand out, once a process. */
function warnIfUnverified(options: KafkaClientOptions): void {
  if (typeof options.ssl !== 'object' || options.ssl.rejectUnauthorized !== false || warnedUnverified) return;
  warnedUnverified = true;
  options.log?.(
    'warn',
    'TLS VERIFICATION IS OFF (KAFKA_SSL_REJECT_UNAUTHORIZED=false): any server can pose as the brokers and read every event; development only, set KAFKA_SSL_CA_FILE instead',
    {},
  );
}

/** One warning per process when the encoders could not go in: the bridge works, only slower. */
function warnOnce(state: EncodersInstalled, options: KafkaClientOptions): EncodersInstalled {
  if ((!state.record || !state.produce || !state.growth) && !warned) {
    warned = true;
    options.log?.('warn', 'kafkajs encoders left as shipped (slower)', { ...state });
  }
  return state;
}

function clientConfig(options: KafkaClientOptions): KafkaConfig {
  const config: KafkaConfig = {
    clientId: options.clientId,
    brokers: options.brokers,
    ssl: options.ssl ?? false,
    connectionTimeout: Math.min(3_000, options.publishTimeoutMs),
    requestTimeout: Math.min(30_000, Math.max(1_000, options.publishTimeoutMs)),
    retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      const { message, ...extra } = entry.log;
      options.log?.(logLevelOf(entry.level, extra, message), `kafkajs ${entry.namespace}: ${message}`, redact(extra));
    },
  };
  if (options.sasl) config.sasl = options.sasl.mechanism === 'oauthbearer' ? oauthBearerMechanism(options.sasl) : { ...options.sasl };
  return config;
}

/**
 * Broker answers that mean "not yet": a partition just created, a leader or a
 * group coordinator being chosen. kafkajs retries them itself, and when its
 * retries run out the call fails and its caller reports that; kafkajs logs each
 * answer at error level, which made every first start on a fresh broker look broken.
 */
const TRANSIENT_ANSWERS = new Set([
  'This server does not host this topic-partition',
  'There is no leader for this topic-partition as we are in the middle of a leadership election',
  'This server is not the leader for that topic-partition',
  "The coordinator is loading and hence can't process requests for this group",
  'The group coordinator is not available',
  'This is not the correct coordinator for this group',
]);

const REFUSAL =
  /authentication failed|mechanism is not supported|does not support the requested SASL mechanism|SASL state|certificate|TLSV1_ALERT|SSLV3_ALERT/i;

/** Our level for a kafkajs log entry: an expected transient is debug, not an error. */
export function logLevelOf(level: logLevel, extra: Record<string, unknown>, message = ''): 'error' | 'warn' | 'info' | 'debug' {
  if (typeof extra.error === 'string' && TRANSIENT_ANSWERS.has(extra.error)) return 'debug';
  // A refusal of our settings ends in one line of our own that names the setting and quotes kafkajs: its own lines repeat it.
  if (REFUSAL.test(message) || (typeof extra.error === 'string' && REFUSAL.test(extra.error))) return 'debug';
  if (level === logLevel.ERROR) return 'error';
  if (level === logLevel.WARN) return 'warn';
  if (level === logLevel.INFO) return 'info';
  return 'debug';
}

/** kafkajs log entries are metadata (broker, topic, error); drop anything that could hold a message or credential. */
function redact(extra: Record<string, unknown>): Record<string, unknown> {
  const { sasl: _sasl, ssl: _ssl, messages: _messages, timestamp: _timestamp, logger: _logger, ...rest } = extra;
  return rest;
}
