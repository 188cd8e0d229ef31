import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { installKafkajsEncoders, SAMPLE_PRODUCE, sameProduceBytes } from '../../../src/kafka/kafkajs-encoders.js';
import type { ProduceRequestArgs, ProduceRequestEncoder } from '../../../src/kafka/produce-request-encoder.js';
import { createRecordEncoder, stockRecordEncoder } from '../../../src/kafka/record-encoder.js';

const require = createRequire(import.meta.url);
const PRODUCE_MODULE = 'kafkajs/src/protocol/requests/produce/v3/request.js';

const text = fc.string({ unit: 'grapheme', maxLength: 20 });
const bytes = fc.oneof(
  fc.constant(null),
  text,
  fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
);
const message = fc.record({ key: bytes, value: bytes, headers: fc.dictionary(text, text, { maxKeys: 15 }) });
const args: fc.Arbitrary<ProduceRequestArgs> = fc.record({
  acks: fc.constantFrom(-1, 0, 1),
  timeout: fc.nat(60_000),
  topicData: fc.array(
    fc.record({
      topic: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
      partitions: fc.array(fc.record({ partition: fc.nat(50), messages: fc.array(message, { minLength: 1, maxLength: 8 }) }), {
        minLength: 1,
        maxLength: 4,
      }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
});

describe('produce request encoder', () => {
  it('writes the same request as kafkajs for any topics, partitions and records', async () => {
    const installed = await installKafkajsEncoders();
    expect(installed).toEqual({ record: true, produce: true, growth: true });
    const stock = require(PRODUCE_MODULE) as unknown as ProduceRequestEncoder;
    // Installed, the module holds ours; kafkajs' own is what it was built from.
    const record = createRecordEncoder(stockRecordEncoder());
    await fc.assert(
      fc.asyncProperty(args, async (request) => {
        expect(await sameProduceBytes(stockOf(stock), record, request)).toBe(true);
      }),
      { numRuns: 500 },
    );
    expect(await sameProduceBytes(stockOf(stock), record, SAMPLE_PRODUCE)).toBe(true);
  });

  it('leaves compressed, transactional and timestamped requests to kafkajs', async () => {
    await installKafkajsEncoders();
    const encoder = require(PRODUCE_MODULE) as unknown as ProduceRequestEncoder;
    const stock = stockOf(encoder);
    const topicData = [{ topic: 't', partitions: [{ partition: 0, messages: [{ key: 'k', value: 'v', timestamp: '1700000000000' }] }] }];
    const timestamped = { acks: -1, timeout: 1_000, topicData };
    expect((await encoder(timestamped).encode()).buffer.equals((await stock(timestamped).encode()).buffer)).toBe(true);
  });
});

/** The stock encoder the installed one falls back to, reached through a request it always hands over. */
function stockOf(encoder: ProduceRequestEncoder): ProduceRequestEncoder {
  return (encoder as ProduceRequestEncoder & { stock?: ProduceRequestEncoder }).stock ?? encoder;
}
