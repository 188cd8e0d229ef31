import type { Admin } from 'kafkajs';

export interface TopicSettings {
  partitions: number;
  replicationFactor: number;
  /** Room for the largest accepted body plus its headers in one record. */
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
        waitForLeaders: true,
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
    }
    for (const topic of topics) ready.add(topic);
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
