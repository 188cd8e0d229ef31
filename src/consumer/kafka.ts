import { setTimeout as sleep } from 'node:timers/promises';
import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import { headerStrings } from '../contract/record.js';
import { createKafka, isKafkaUnreachable, type TopicSettings } from '../kafka/client.js';
import type { RecordBatch } from './batch.js';
import { waitUntilCaughtUp } from './catch-up.js';
import type { KafkaConnection } from './connection.js';
import type { IncomingRecord } from './decode.js';
import type { ConsumerLog } from './types.js';

const MIB = 1_048_576;

export interface GroupRunnerOptions {
  connection: KafkaConnection;
  groupId: string;
  topics: readonly string[];
  /** Undefined: a read-only runner (no producer), as for `tail`. */
  deadLetterTopic: string | undefined;
  /** Creates missing topics with these settings; undefined: missing topics are an error. */
  topicSettings: TopicSettings | undefined;
  /** False: offsets are never committed (a throwaway group). */
  commit: boolean;
  fromBeginning: boolean;
  sessionTimeoutMs: number;
  /** Partitions whose batches are handled at the same time (each partition in order). */
  partitionsConcurrently: number;
  /** Besides at the end of each batch, on rebalance and on stop, done offsets are committed this often. */
  commitIntervalMs: number;
  /** How much one fetch may bring per partition: one batch, so at most one run and one commit per this many bytes. */
  fetchBytesPerPartition: number;
  processBatch: (batch: RecordBatch) => Promise<void>;
  /** After each `done`: the partition's next offset to handle. */
  onPosition?: ((topic: string, partition: number, next: string) => void) | undefined;
  /** Aborted by the owner when it stops. */
  signal: AbortSignal;
  log: ConsumerLog;
  /** kafkajs gave up on the group (a non-retriable error). */
  onCrash: (error: Error) => void;
}

export interface GroupRunner {
  /** Creates the topics it needs, joins the group; resolves once consuming. */
  start(): Promise<void>;
  stop(): Promise<void>;
  sendDeadLetter(record: { topic: string; key: string | null; value: Buffer; headers: Record<string, string> }): Promise<void>;
  caughtUp(timeoutMs: number): Promise<void>;
}

/**
 * The only file of the SDK that knows kafkajs. Batches (`eachBatch`), with
 * offsets resolved by the SDK as runs of records finish: kafkajs commits
 * what is resolved at the end of every batch, every `commitIntervalMs`
 * between runs, before it rejoins on a rebalance, and when it stops. Never an
 * awaited commit per record: the broker holds each commit for a few
 * milliseconds (`group.coordinator.append.linger.ms`).
 */
export function createGroupRunner(options: GroupRunnerOptions): GroupRunner {
  const { connection } = options;
  const kafka = createKafka({
    brokers: connection.brokers,
    ssl: connection.ssl,
    sasl: connection.sasl,
    clientId: connection.clientId ?? `popp-consumer-${options.groupId}`,
    // The encoders change kafkajs for the whole process: a service's own producers too. Only when it asks.
    fastEncoders: connection.fastEncoders ?? false,
    publishTimeoutMs: 10_000,
    log: (level, message, extra) => options.log(level, message, extra),
  });
  const admin = kafka.admin();
  const producer = kafka.producer();
  const consumer = kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: options.sessionTimeoutMs,
    heartbeatInterval: Math.max(500, Math.floor(options.sessionTimeoutMs / 10)),
    // Short fetch waits: a stop never waits long for an idle fetch to return.
    maxWaitTimeInMs: 500,
    maxBytesPerPartition: options.fetchBytesPerPartition,
    // kafkajs' 10 MB per fetch, or room for eight partitions at the size asked for.
    maxBytes: Math.max(10 * MIB, 8 * options.fetchBytesPerPartition),
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) options.onCrash(payload.error);
  });
  const heartbeatEveryMs = Math.max(500, Math.floor(options.sessionTimeoutMs / 3));

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { topic, partition, messages } = payload.batch;
    const records = messages.map((message) => incomingRecord(topic, partition, message));
    // kafkajs heartbeats only between batches: keep the membership alive through slow handlers and retries (one timer per batch).
    let lost: unknown;
    const beat = setInterval(() => {
      payload.heartbeat().catch((error: unknown) => {
        lost ??= error;
      });
    }, heartbeatEveryMs);
    try {
      await options.processBatch({
        topic,
        partition,
        records,
        done(offset) {
          payload.resolveOffset(offset);
          options.onPosition?.(topic, partition, (BigInt(offset) + 1n).toString());
        },
        active: () => lost === undefined && payload.isRunning() && !payload.isStale(),
        async checkpoint() {
          if (lost !== undefined) throw lost;
          await payload.heartbeat();
          if (options.commit) await payload.commitOffsetsIfNecessary();
        },
      });
    } finally {
      clearInterval(beat);
    }
    // The group is rebalancing: kafkajs commits what was done, then rejoins.
    if (lost !== undefined) throw lost;
  }

  /**
   * Like the bridge: while no broker answers it keeps trying, saying so in the
   * log, until stopped; a refusal of the settings (a KafkaSetupError naming
   * the setting) or any other failure ends the start at once.
   */
  async function start(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await connectAndRun();
      } catch (error) {
        if (!isKafkaUnreachable(error) || options.signal.aborted) throw error;
        await Promise.allSettled([consumer.disconnect(), producer.disconnect(), admin.disconnect()]);
        const wait = Math.min(5_000, 250 * 2 ** attempt);
        options.log('warn', `waiting for Kafka; retrying in ${wait} ms`, { attempt, error: (error as Error).message });
        await sleep(wait, undefined, { signal: options.signal }).catch(() => {});
        if (options.signal.aborted) throw error;
      }
    }
  }

  async function connectAndRun(): Promise<void> {
    await admin.connect();
    const needed = [...options.topics, ...(options.deadLetterTopic ? [options.deadLetterTopic] : [])];
    if (options.topicSettings) {
      // The bridge creates these too, with the same settings; a consumer may well start first.
      await kafka.topicEnsurer(admin, options.topicSettings).ensure(needed);
    } else {
      const existing = new Set(await admin.listTopics());
      const missing = needed.filter((topic) => !existing.has(topic));
      if (missing.length > 0) throw new Error(`no such topic: ${missing.join(', ')} (has the bridge run with this TOPIC_PREFIX?)`);
    }
    if (options.deadLetterTopic) await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning });
    await consumer.run({
      autoCommit: options.commit,
      autoCommitInterval: options.commitIntervalMs,
      // Only what the SDK resolved is committed: a batch cut short by a stop leaves the rest for next time.
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.partitionsConcurrently,
      eachBatch,
    });
  }

  return {
    start,
    async stop() {
      await consumer.disconnect(); // waits for the batch in hand (cut short at the next record), commits, leaves the group
      await producer.disconnect();
      await admin.disconnect();
    },
    async sendDeadLetter(record) {
      await producer.send({ topic: record.topic, acks: -1, messages: [{ key: record.key, value: record.value, headers: record.headers }] });
    },
    caughtUp(timeoutMs) {
      return waitUntilCaughtUp(admin, options.groupId, options.topics, {
        timeoutMs,
        fromBeginning: options.fromBeginning,
        signal: options.signal,
      });
    },
  };
}

/**
 * Headers become strings only when read: a handler that never looks at them
 * costs nothing for their twenty-odd values. The accessor lives on a shared
 * prototype because an object literal with a getter costs some 20 times more
 * to create, once per record.
 */
const RAW_HEADERS = Symbol('raw headers');
const HEADERS = Symbol('headers');
type LazyRecord = IncomingRecord & { [RAW_HEADERS]: KafkaMessage['headers']; [HEADERS]: Record<string, string> | undefined };
const RECORD_PROTOTYPE = {
  get headers(): Record<string, string> {
    const self = this as unknown as LazyRecord;
    if (self[HEADERS] === undefined) self[HEADERS] = headerStrings(self[RAW_HEADERS]);
    return self[HEADERS];
  },
};

function incomingRecord(topic: string, partition: number, message: KafkaMessage): IncomingRecord {
  const record = Object.create(RECORD_PROTOTYPE) as LazyRecord;
  record.topic = topic;
  record.partition = partition;
  record.offset = message.offset;
  record.key = message.key;
  record.value = message.value;
  record[RAW_HEADERS] = message.headers;
  record[HEADERS] = undefined;
  return record;
}
