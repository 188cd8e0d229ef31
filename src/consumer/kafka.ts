import { headerStrings } from '../contract/record.js';
import { createKafka, type KafkaClientOptions, type TopicSettings } from '../kafka/client.js';
import { waitUntilCaughtUp } from './catch-up.js';
import type { IncomingRecord } from './decode.js';
import type { Outcome } from './process.js';
import type { ConsumerLog } from './types.js';

export type KafkaConnection = Pick<KafkaClientOptions, 'brokers' | 'ssl' | 'sasl'> & { clientId?: string };

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
  process: (record: IncomingRecord, signal: AbortSignal) => Promise<Outcome>;
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
 * The only file of the SDK that knows kafkajs. One record at a time: the
 * offset after a record is committed as soon as it was handled, skipped or
 * dead-lettered, and never for a record left unfinished by a stop.
 */
export function createGroupRunner(options: GroupRunnerOptions): GroupRunner {
  const kafka = createKafka({
    ...options.connection,
    clientId: options.connection.clientId ?? `popp-consumer-${options.groupId}`,
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
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) options.onCrash(payload.error);
  });
  const heartbeatEveryMs = Math.max(500, Math.floor(options.sessionTimeoutMs / 3));

  return {
    async start() {
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
        autoCommit: false,
        partitionsConsumedConcurrently: 1,
        eachMessage: async ({ topic, partition, message, heartbeat }) => {
          const record: IncomingRecord = {
            topic,
            partition,
            offset: message.offset,
            key: message.key,
            value: message.value,
            headers: headerStrings(message.headers),
          };
          // kafkajs heartbeats only between records: keep the membership alive through slow handlers and retries.
          const beat = setInterval(() => heartbeat().catch(() => {}), heartbeatEveryMs);
          let outcome: Outcome;
          try {
            outcome = await options.process(record, options.signal);
          } finally {
            clearInterval(beat);
          }
          if (outcome === 'aborted' || !options.commit) return; // stopping: the record stays uncommitted, read again next time
          await commitWithRetry(() => consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]));
        },
      });
    },
    async stop() {
      await consumer.disconnect(); // waits for the record in hand, then leaves the group
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
 * A commit can fail for a moment right after a (re)join, e.g. while the
 * coordinator settles. Thrown out of eachMessage, kafkajs would run the record
 * again, so retry briefly first; past that, at least once still holds.
 */
async function commitWithRetry(commit: () => Promise<void>, attempts = 4): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await commit();
      return;
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}
