import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRecordEncoder, type RecordInput, SAMPLE_RECORDS, stockRecordEncoder } from '../../../src/kafka/record-encoder.js';

const stock = stockRecordEncoder();
const fast = createRecordEncoder(stock);

const bytes = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.uint8Array({ maxLength: 300 }).map((array) => Buffer.from(array)),
);
const headerValue = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.uint8Array({ maxLength: 20 }).map((a) => Buffer.from(a)),
);
const record: fc.Arbitrary<RecordInput> = fc.record(
  {
    offsetDelta: fc.oneof(fc.nat(3_000), fc.integer()),
    timestampDelta: fc.oneof(fc.constant(0), fc.integer({ min: -100_000, max: 100_000 }), fc.integer()),
    key: bytes,
    value: bytes,
    headers: fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 15 }), fc.oneof(headerValue, fc.array(headerValue, { maxLength: 3 })), {
      maxKeys: 16,
    }),
  },
  { requiredKeys: [] },
);

describe('record encoder', () => {
  it('writes the same bytes as kafkajs for any key, value, headers and deltas', () => {
    fc.assert(
      fc.property(record, (input) => {
        expect(fast(input).buffer.equals(stock(input).buffer)).toBe(true);
      }),
      { numRuns: 3_000 },
    );
  });

  it('writes the same bytes for the self-check sample and for what it hands back to kafkajs', () => {
    const unusual: RecordInput[] = [
      { key: 'k', value: 'v', timestampDelta: 2 ** 40 },
      { key: 'k', value: 'v', headers: { n: Buffer.from('x'), list: [Buffer.from('y'), 'z'] } },
    ];
    for (const input of [...SAMPLE_RECORDS, ...unusual]) expect(fast(input).buffer.equals(stock(input).buffer)).toBe(true);
    // What kafkajs rejects, it still rejects the same way.
    for (const input of [{ value: 42 }, { value: 'v', headers: { n: null } }]) {
      expect(() => fast(input)).toThrow(TypeError);
      expect(() => stock(input)).toThrow(TypeError);
    }
  });

  it('encodes a headers object once per request through the shared cache, and afresh in the next request', () => {
    const headers: Record<string, string> = { 'event-id': 'e1' };
    const blocks = new Map<object, Buffer>();
    const first = fast.bytes('a', 'x', headers, 0, blocks) as Buffer;
    expect(blocks.size).toBe(1);
    const second = fast.bytes('a', 'x', headers, 1, blocks) as Buffer;
    expect(second.equals(stock({ key: 'a', value: 'x', headers, offsetDelta: 1 }).buffer)).toBe(true);

    headers['event-id'] = 'e2';
    const nextRequest = fast.bytes('a', 'x', headers, 0, new Map()) as Buffer;
    expect(nextRequest.equals(stock({ key: 'a', value: 'x', headers }).buffer)).toBe(true);
    expect(nextRequest.equals(first)).toBe(false);
  });
});
