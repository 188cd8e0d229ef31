import type { Admin } from 'kafkajs';
import type { PartitionFetcher } from '../kafka/partition-fetch.js';
import type { LogSource } from './log-window.js';

/** The console's reads: offsets from the bridge's admin client, ranges from a fetcher made on first use. */
export function createKafkaLogSource(
  admin: Pick<Admin, 'fetchTopicOffsets' | 'fetchTopicOffsetsByTimestamp'>,
  fetcher: () => Promise<PartitionFetcher>,
): LogSource {
  return {
    async partitions(topic) {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets
        .map(({ partition, low, high }) => ({ partition, low: Number(low), high: Number(high) }))
        .sort((a, b) => a.partition - b.partition);
    },
    async offsetsAt(topic, timestamp) {
      // Kafka reads a negative timestamp as "latest" or "earliest".
      const offsets = await admin.fetchTopicOffsetsByTimestamp(topic, Math.max(0, timestamp));
      return new Map(offsets.map(({ partition, offset }) => [partition, Number(offset)]));
    },
    async read(topic, ranges) {
      return (await fetcher()).read(topic, ranges);
    },
  };
}
