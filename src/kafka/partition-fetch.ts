import { createRequire } from 'node:module';
import type { Kafka } from 'kafkajs';
import { type StoredRecord, storedRecord } from '../contract/record.js';
import { decodeFetchV11, type FetchedPartition } from './fetch-decoder.js';

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
  versions?: Record<number, { minVersion: number; maxVersion: number }>;
  connectionPool: { send(request: object): Promise<unknown> };
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
const FETCH_API_KEY = 1;
const require = createRequire(import.meta.url);

/**
 * One Fetch of `wanted` from a leader. With Fetch v11 (Kafka 2.3 and later)
 * the answer is decoded by our own decoder, which skips what lies before each
 * range; otherwise kafkajs' own fetch decodes everything.
 */
async function fetchOnce(
  broker: RawBroker,
  topic: string,
  wanted: Map<number, { from: number; to: number }>,
): Promise<Map<number, FetchedPartition>> {
  const partitions = [...wanted].map(([partition, { from }]) => ({ partition, fetchOffset: String(from), maxBytes: PARTITION_MAX_BYTES }));
  const request = { maxWaitTime: 0, minBytes: 0, maxBytes: 16 * 1024 * 1024, topics: [{ topic, partitions }] };
  if ((broker.versions?.[FETCH_API_KEY]?.maxVersion ?? 0) >= 11) {
    const fetchV11 = require('kafkajs/src/protocol/requests/fetch/v11/request') as (options: object) => object;
    return (await broker.connectionPool.send({
      request: fetchV11({ replicaId: -1, isolationLevel: 1, ...request }),
      response: {
        decode: async (raw: Buffer) => ({ raw, clientSideThrottleTime: 0 }),
        parse: ({ raw }: { raw: Buffer }) => decodeFetchV11(raw, topic, wanted),
      },
      requestTimeout: 30_000,
    })) as Map<number, FetchedPartition>;
  }
  const { responses } = await broker.fetch(request);
  const out = new Map<number, FetchedPartition>();
  for (const response of responses) {
    for (const { partition, messages } of response.partitions) {
      const range = wanted.get(partition);
      if (!range || response.topicName !== topic) continue;
      const records = messages
        .filter((m) => Number(m.offset) >= range.from && Number(m.offset) < range.to && !m.isControlRecord)
        .map((m) => storedRecord(topic, partition, m));
      out.set(partition, { records, lastOffset: messages.length > 0 ? Number(messages.at(-1)?.offset) : undefined });
    }
  }
  return out;
}

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
      const wanted = new Map([...next].map(([partition, from]) => [partition, { from, to: ends.get(partition) as number }]));
      const answer = await fetchOnce(broker, topic, wanted);
      let answered = 0;
      for (const [partition, { records, lastOffset }] of answer) {
        const range = wanted.get(partition);
        if (!range) continue;
        answered++;
        out.get(partition)?.push(...records);
        const after = lastOffset === undefined ? range.to : lastOffset + 1;
        // Nothing more (end of the log) or the range is complete.
        if (after >= range.to || after <= range.from) next.delete(partition);
        else next.set(partition, after);
      }
      // A partition the broker left out of its answer (size bound) is asked again; none answered: stop.
      if (answered === 0) break;
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
