import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { patchEncoderGrowth } from '../../../src/kafka/encoder-growth.js';

const require = createRequire(import.meta.url);
type Encoder = {
  buf: Buffer;
  buffer: Buffer;
  writeBytes(value: Buffer): Encoder;
  writeString(value: string): Encoder;
  ensureAvailable: unknown;
};
const Encoder = require('kafkajs/src/protocol/encoder.js') as { new (): Encoder; prototype: Encoder };

describe("kafkajs' Encoder growth", () => {
  it('writes the same bytes as before for any sequence of writes, growing to what is needed', () => {
    const stockGrowth = Encoder.prototype.ensureAvailable;
    const writes = fc.array(fc.oneof(fc.string({ maxLength: 50 }), fc.nat(20_000)), { maxLength: 60 });
    const encode = (sequence: (string | number)[]) => {
      const encoder = new Encoder();
      for (const item of sequence) {
        if (typeof item === 'string') encoder.writeString(item);
        else encoder.writeBytes(Buffer.alloc(item, item % 251));
      }
      return encoder;
    };
    const samples = fc.sample(writes, 300);
    const before = samples.map((sequence) => Buffer.from(encode(sequence).buffer));
    expect(patchEncoderGrowth(Encoder as never)).toBe(true);
    expect(Encoder.prototype.ensureAvailable).not.toBe(stockGrowth);
    samples.forEach((sequence, i) => {
      expect(encode(sequence).buffer.equals(before[i] as Buffer)).toBe(true);
    });
    // One large write into a fresh encoder takes exactly what it needs, not the next power of two.
    const framed = new Encoder().writeBytes(Buffer.alloc(40_000));
    expect(framed.buf.length).toBe(40_004);
  });
});
