import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';

const LEADER_WAIT_MS = 30_000;

export interface TopicSettings {
  partitions: number;
  replicationFactor: number;
  /** Room for the largest accepted body plus its headers in one record (`maxMessageBytesFor` of the contract). */
  maxMessageBytes: number;
}

export interface TopicEnsurer {
  /** Creates the topics that do not exist yet; resolves once all have leaders. */
  ensure(topics: readonly string[]): Promise<void>;
}

/**
 * The bridge creates its topics itself and never relies on broker
 * auto-creation. Retention is unlimited: the log is the source of truth.
 */
export function createTopicEnsurer(admin: Admin, settings: TopicSettings): TopicEnsurer {
  const ready = new Set<string>();
  const pending = new Map<string, Promise<void>>();

  async function create(topics: string[]): Promise<void> {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      // Resolves false when another instance created one meanwhile: fine.
      await admin.createTopics({
        // kafkajs' own wait gives up when a broker that has just started does not know a new topic yet.
        waitForLeaders: false,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: settings.partitions,
          replicationFactor: settings.replicationFactor,
          configEntries: [
            { name: 'retention.ms', value: '-1' },
            { name: 'retention.bytes', value: '-1' },
            { name: 'max.message.bytes', value: String(Math.max(1_048_588, settings.maxMessageBytes)) },
          ],
        })),
      });
      await waitForLeaders(missing);
    }
    for (const topic of topics) ready.add(topic);
  }

  /**
   * Waits until every partition of `topics` has a leader that acts as one: a
   * broker publishes a new partition's leader in its metadata a moment before
   * it serves the partition, so its offsets are asked for too. Until then its
   * unknown-topic and not-leader answers mean wait.
   */
  async function waitForLeaders(topics: string[]): Promise<void> {
    const deadline = Date.now() + LEADER_WAIT_MS;
    // Only the topics not serving yet are asked again: with 28 new topics, asking all of them each round took seconds.
    let waiting = topics;
    for (;;) {
      try {
        const metadata = await admin.fetchTopicMetadata({ topics: waiting });
        const led = metadata.topics
          .filter(({ partitions }) => partitions.length > 0 && partitions.every(({ leader }) => leader >= 0))
          .map(({ name }) => name);
        const serving = await Promise.all(led.map((topic) => admin.fetchTopicOffsets(topic).then(() => true, lagOr(false))));
        waiting = waiting.filter((topic) => !led.includes(topic) || !serving[led.indexOf(topic)]);
        if (waiting.length === 0) return;
      } catch (error) {
        if (!isMetadataLag(error)) throw error;
      }
      if (Date.now() > deadline) throw new Error(`topics without leaders after ${LEADER_WAIT_MS / 1000} s: ${waiting.join(', ')}`);
      await sleep(100);
    }
  }

  return {
    async ensure(topics) {
      const todo = [...new Set(topics)].filter((topic) => !ready.has(topic));
      if (todo.length === 0) return;
      const waits = todo.flatMap((topic) => pending.get(topic) ?? []);
      const fresh = todo.filter((topic) => !pending.has(topic));
      if (fresh.length > 0) {
        const job = create(fresh).finally(() => {
          for (const topic of fresh) pending.delete(topic);
        });
        for (const topic of fresh) pending.set(topic, job);
        waits.push(job);
      }
      await Promise.all(waits);
    },
  };
}

/** A rejection handler: `value` when the broker's metadata is lagging, else the error again. */
function lagOr<T>(value: T): (error: unknown) => T {
  return (error) => {
    if (isMetadataLag(error)) return value;
    throw error;
  };
}

/** The broker's metadata has not caught up with a topic it just created. */
function isMetadataLag(error: unknown): boolean {
  // kafkajs may wrap the broker's error once its own retries ran out.
  const { type, cause } = (error ?? {}) as { type?: unknown; cause?: unknown };
  if (type === 'UNKNOWN_TOPIC_OR_PARTITION' || type === 'LEADER_NOT_AVAILABLE' || type === 'NOT_LEADER_FOR_PARTITION') return true;
  return cause !== undefined && cause !== error && isMetadataLag(cause);
}
