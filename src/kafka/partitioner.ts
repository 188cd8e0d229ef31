import { randomInt } from 'node:crypto';
import type { ICustomPartitioner, PartitionerArgs } from 'kafkajs';
import { murmur2 } from './murmur2.js';

/**
 * kafkajs' DefaultPartitioner (Java's default for keyed records) with the
 * 32-bit murmur2: a record's explicit partition, else murmur2 of its key over
 * all partitions, else round robin over the partitions that have a leader.
 */
export const javaCompatiblePartitioner: ICustomPartitioner = () => {
  const counters = new Map<string, number>();
  return ({ topic, partitionMetadata, message }: PartitionerArgs) => {
    if (message.partition !== null && message.partition !== undefined) return message.partition;
    const partitions = partitionMetadata.length;
    if (message.key !== null && message.key !== undefined) {
      const key = Buffer.isBuffer(message.key) ? message.key : Buffer.from(String(message.key));
      return (murmur2(key) & 0x7fffffff) % partitions;
    }
    const next = ((counters.get(topic) ?? randomInt(2 ** 31)) + 1) & 0x7fffffff;
    counters.set(topic, next);
    const available = partitionMetadata.filter((partition) => partition.leader >= 0);
    if (available.length === 0) return next % partitions;
    return (available[next % available.length] as (typeof available)[number]).partitionId;
  };
};

/** The same partitioner, telling `note` each record's partition (by its headers object): for the producer spans. */
export function notingPartitioner(note: (headers: object, partition: number) => void): ICustomPartitioner {
  return () => {
    const choose = javaCompatiblePartitioner();
    return (args: PartitionerArgs) => {
      const partition = choose(args);
      if (args.message.headers) note(args.message.headers, partition);
      return partition;
    };
  };
}
