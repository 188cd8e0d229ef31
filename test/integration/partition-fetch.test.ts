import { CompressionTypes } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPartitionFetcher, type PartitionFetcher } from '../../src/kafka/partition-fetch.js';
import { testKafka, uniquePrefix } from '../support/kafka.js';

const brokers = inject('kafkaBrokers');

describe('reading offset ranges without a consumer group', () => {
  const kafka = testKafka(brokers);
  const topic = `${uniquePrefix('fetch')}log`;
  const admin = kafka.admin();
  let fetcher: PartitionFetcher;
  const message = (i: number) => ({
    partition: i % 2,
    key: i % 10 === 0 ? null : `conv_${i}`,
    value: JSON.stringify({ i, text: 'é'.repeat(i % 7) }),
    timestamp: String(1_700_000_000_000 + i),
    headers: { 'event-id': `e${i}`, 'record-id': `conv_${i}`, empty: '' },
  });

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    // Idempotent: a send retried after a timeout on a loaded machine must not write its batch twice,
    // since the test checks exact offsets.
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    // Three batches per partition: plain, gzip, plain.
    await producer.send({ topic, messages: Array.from({ length: 400 }, (_, i) => message(i)) });
    await producer.send({ topic, compression: CompressionTypes.GZIP, messages: Array.from({ length: 400 }, (_, i) => message(400 + i)) });
    await producer.send({ topic, messages: Array.from({ length: 400 }, (_, i) => message(800 + i)) });
    await producer.disconnect();
    fetcher = await createPartitionFetcher(kafka);
  });
  afterAll(async () => {
    await fetcher?.close();
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
  });

  it('returns exactly the records of each range, across plain and compressed batches, with keys, values, headers and times', async () => {
    const read = await fetcher.read(topic, [
      { partition: 0, from: 150, to: 450 },
      { partition: 1, from: 0, to: 3 },
    ]);
    const zero = read.get(0) ?? [];
    expect(zero.map((r) => Number(r.offset))).toEqual(Array.from({ length: 300 }, (_, i) => 150 + i));
    for (const record of [...zero, ...(read.get(1) ?? [])]) {
      const i = record.partition + 2 * Number(record.offset);
      const sent = message(i);
      expect(record.key).toBe(sent.key);
      expect(record.value.toString('utf8')).toBe(sent.value);
      expect(record.headers).toEqual(sent.headers);
      expect(record.timestamp).toBe(Number(sent.timestamp));
    }
    expect((read.get(1) ?? []).map((r) => r.offset)).toEqual(['0', '1', '2']);
  });

  it('returns what exists of a range past the end of the log', async () => {
    const read = await fetcher.read(topic, [{ partition: 1, from: 595, to: 700 }]);
    expect((read.get(1) ?? []).map((r) => r.offset)).toEqual(['595', '596', '597', '598', '599']);
  });
});
