import type { Message, PartitionerArgs, RecordMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { rememberingPartitioner, unanswered } from '../../../src/kafka/complete-send.js';
import { javaCompatiblePartitioner } from '../../../src/kafka/partitioner.js';

const metadata = (partitions: number) =>
  Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 1, replicas: [1], isr: [1], partitionErrorCode: 0 }));
const answer = (topicName: string, partition: number): RecordMetadata => ({ topicName, partition, errorCode: 0 });

describe('a send that Kafka answered for only some partitions', () => {
  it('leaves the records of an unanswered partition to send again, and only those', () => {
    const { createPartitioner, partitionOf } = rememberingPartitioner(javaCompatiblePartitioner);
    const choose = createPartitioner();
    const typeRecord: Message = { key: 'conv_1', value: 'a' };
    const logRecord: Message = { key: 'conv_1', value: 'a' };
    const other: Message = { key: 'conv_2', value: 'b' };
    const typePartition = choose({ topic: 'popp.type', partitionMetadata: metadata(6), message: typeRecord } as PartitionerArgs);
    const logPartition = choose({ topic: 'popp.events', partitionMetadata: metadata(6), message: logRecord } as PartitionerArgs);
    const otherPartition = choose({ topic: 'popp.events', partitionMetadata: metadata(6), message: other } as PartitionerArgs);
    expect(partitionOf(typeRecord)).toBe(typePartition);

    const batch = [
      { topic: 'popp.type', messages: [typeRecord] },
      { topic: 'popp.events', messages: [logRecord, other] },
    ];
    // The answer kafkajs gives when the log record's leader moved to a broker that had already answered.
    const partial = [
      answer('popp.type', typePartition),
      ...(otherPartition === logPartition ? [] : [answer('popp.events', otherPartition)]),
    ];
    expect(unanswered(batch, partial, partitionOf)).toEqual([
      { topic: 'popp.events', messages: otherPartition === logPartition ? [logRecord, other] : [logRecord] },
    ]);
    const whole = [...partial, answer('popp.events', logPartition)];
    expect(unanswered(batch, whole, partitionOf)).toEqual([]);
  });

  it('counts a record whose partition was never chosen as unanswered', () => {
    const { partitionOf } = rememberingPartitioner(javaCompatiblePartitioner);
    const stray: Message = { key: 'k', value: 'v' };
    expect(unanswered([{ topic: 't', messages: [stray] }], [answer('t', 0)], partitionOf)).toEqual([{ topic: 't', messages: [stray] }]);
  });
});
