import type { Kafka } from 'kafkajs';
import { headerStrings } from './headers.js';
import type { StoredRecord } from './topic-reader.js';

export interface OffsetRange {
  partition: number;
  /** First offset wanted. */
  from: number;
  /** One past the last offset wanted. */
  to: number;
}

export interface PartitionFetcher {
  /** The records of each range, in offset order; a range past the log's end returns what exists. */
  read(topic: string, ranges: readonly OffsetRange[]): Promise<Map<number, StoredRecord[]>>;
  close(): Promise<void>;
}

// The slices of kafkajs' internal cluster and broker objects used here (kafkajs 2.2.4).
interface RawRecord {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, unknown>;
  isControlRecord?: boolean;
}
interface RawBroker {
  fetch(request: {
    maxWaitTime: number;
    minBytes: number;
    maxBytes: number;
    topics: { topic: string; partitions: { partition: number; fetchOffset: string; maxBytes: number }[] }[];
  }): Promise<{ responses: { topicName: string; partitions: { partition: number; messages: RawRecord[] }[] }[] }>;
}
interface RawCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  refreshMetadataIfNecessary(): Promise<void>;
  findTopicPartitionMetadata(topic: string): { partitionId: number; leader: number }[];
  findBroker(options: { nodeId: string }): Promise<RawBroker>;
}

const PARTITION_MAX_BYTES = 4 * 1024 * 1024;

/**
 * Reads offset ranges straight from the partition leaders, without a consumer
 * group: kafkajs offers reads only through groups, whose join alone takes
 * longer than a console page may. It uses kafkajs' own cluster client (the
 * one its consumers use, with the same brokers, TLS and SASL) through the
 * private factory on the Kafka object; if a kafkajs release renames it, this
 * fails at once with a clear message rather than reading wrongly.
 */
export async function createPartitionFetcher(kafka: Kafka): Promise<PartitionFetcher> {
  const factory = Object.getOwnPropertySymbols(kafka).find((symbol) => symbol.description === 'private:Kafka:createCluster');
  if (!factory) throw new Error('kafkajs has no cluster factory where 2.2.4 has it: reading by offset is unavailable');
  const create = (kafka as unknown as Record<symbol, (options: object) => RawCluster>)[factory] as (options: object) => RawCluster;
  const cluster = create({ allowAutoTopicCreation: false, metadataMaxAge: 60_000 });
  await cluster.connect();

  async function readFromLeader(topic: string, leader: number, ranges: readonly OffsetRange[], out: Map<number, StoredRecord[]>) {
    const broker = await cluster.findBroker({ nodeId: String(leader) });
    const next = new Map(ranges.map((range) => [range.partition, range.from]));
    const ends = new Map(ranges.map((range) => [range.partition, range.to]));
    for (const range of ranges) out.set(range.partition, []);
    while (next.size > 0) {
      const partitions = [...next].map(([partition, offset]) => ({
        partition,
        fetchOffset: String(offset),
        maxBytes: PARTITION_MAX_BYTES,
      }));
      const { responses } = await broker.fetch({
        maxWaitTime: 0,
        minBytes: 0,
        maxBytes: 16 * 1024 * 1024,
        topics: [{ topic, partitions }],
      });
      const answered = new Set<number>();
      for (const response of responses) {
        for (const { partition, messages } of response.partitions) {
          const from = next.get(partition);
          const to = ends.get(partition);
          if (from === undefined || to === undefined) continue;
          const list = out.get(partition) as StoredRecord[];
          for (const message of messages) {
            const offset = Number(message.offset);
            // A fetch starts at the batch holding `from`, so earlier records come too.
            if (offset < from || offset >= to || message.isControlRecord) continue;
            list.push(toStored(topic, partition, message));
          }
          answered.add(partition);
          const after = messages.length === 0 ? to : Number(messages.at(-1)?.offset) + 1;
          // Nothing more (end of the log) or the range is complete.
          if (after >= to || after <= from) next.delete(partition);
          else next.set(partition, after);
        }
      }
      // A partition the broker left out of its answer (size bound): asked again; none answered: stop.
      if (answered.size === 0) break;
    }
  }

  return {
    async read(topic, ranges) {
      const out = new Map<number, StoredRecord[]>();
      const wanted = ranges.filter((range) => range.to > range.from);
      if (wanted.length === 0) return out;
      await cluster.addTargetTopic(topic);
      await cluster.refreshMetadataIfNecessary();
      const leaders = new Map(cluster.findTopicPartitionMetadata(topic).map((p) => [p.partitionId, p.leader]));
      const byLeader = new Map<number, OffsetRange[]>();
      for (const range of wanted) {
        const leader = leaders.get(range.partition);
        if (leader === undefined || leader < 0) throw new Error(`no leader for ${topic}/${range.partition}`);
        byLeader.set(leader, [...(byLeader.get(leader) ?? []), range]);
      }
      await Promise.all([...byLeader].map(([leader, list]) => readFromLeader(topic, leader, list, out)));
      return out;
    },
    close: () => cluster.disconnect(),
  };
}

function toStored(topic: string, partition: number, message: RawRecord): StoredRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    timestamp: Number(message.timestamp),
    key: message.key?.toString('utf8') ?? null,
    value: message.value ?? Buffer.alloc(0),
    headers: headerStrings(message.headers),
  };
}
