import fc from 'fast-check';
import { type PartitionerArgs, Partitioners } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { javaCompatiblePartitioner } from '../../../src/kafka/partitioner.js';

const metadata = (count: number, leaderless: number[] = []) =>
  Array.from({ length: count }, (_, partitionId) => ({
    partitionId,
    leader: leaderless.includes(partitionId) ? -1 : 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));

describe('partitioner', () => {
  it("puts every keyed record where kafkajs' DefaultPartitioner (Java's murmur2) puts it", () => {
    const ours = javaCompatiblePartitioner();
    const theirs = Partitioners.DefaultPartitioner();
    const key = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 60 }),
      fc.uint8Array({ maxLength: 60 }).map((a) => Buffer.from(a)),
    );
    fc.assert(
      fc.property(key, fc.integer({ min: 1, max: 300 }), (k, partitions) => {
        const args: PartitionerArgs = { topic: 't', partitionMetadata: metadata(partitions), message: { key: k, value: null } };
        expect(ours(args)).toBe(theirs(args));
      }),
      { numRuns: 5_000 },
    );
  });

  it('keeps an explicit partition, and spreads keyless records over the partitions that have a leader', () => {
    const ours = javaCompatiblePartitioner();
    expect(ours({ topic: 't', partitionMetadata: metadata(6), message: { key: 'k', value: null, partition: 4 } })).toBe(4);
    const chosen = Array.from({ length: 40 }, () =>
      ours({ topic: 't', partitionMetadata: metadata(6, [1, 3]), message: { key: null, value: null } }),
    );
    expect(new Set(chosen)).toEqual(new Set([0, 2, 4, 5]));
  });
});
