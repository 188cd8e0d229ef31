import { createRequire } from 'node:module';
import { type StoredRecord, storedRecord } from '../contract/record.js';

const require = createRequire(import.meta.url);

/** What a partition of a Fetch answer held: the records in range, and the last offset seen at all. */
export interface FetchedPartition {
  records: StoredRecord[];
  lastOffset: number | undefined;
}

export class KafkaFetchError extends Error {
  override name = 'KafkaFetchError';
}

const COMPRESSION_MASK = 0x07;
const CONTROL_MASK = 0x20;

/**
 * Decodes a Fetch v11 answer, materialising only the records whose offset is
 * in each partition's wanted range: a batch before the range is skipped by
 * its length, and a record before it by its own length, without decoding
 * keys, values or headers. (kafkajs decodes every record of every batch, and
 * the batch holding a range's first offset may hold thousands; that decode
 * alone took a console page past its 200 ms.) Compressed batches go through
 * kafkajs' own decoder.
 */
export async function decodeFetchV11(
  raw: Buffer,
  topic: string,
  wanted: ReadonlyMap<number, { from: number; to: number }>,
): Promise<Map<number, FetchedPartition>> {
  const r = reader(raw);
  r.int32(); // throttle time
  const error = r.int16();
  if (error !== 0) throw new KafkaFetchError(`Kafka fetch error ${error}`);
  r.int32(); // session id
  const out = new Map<number, FetchedPartition>();
  for (let topics = r.int32(); topics > 0; topics--) {
    const name = r.string();
    for (let partitions = r.int32(); partitions > 0; partitions--) {
      const partition = r.int32();
      const code = r.int16();
      r.skip(24); // high watermark, last stable offset, log start offset
      const aborted = r.int32();
      if (aborted > 0) r.skip(aborted * 16);
      r.int32(); // preferred read replica
      const size = r.int32();
      const end = r.position + Math.max(0, size);
      if (code !== 0) throw new KafkaFetchError(`Kafka error ${code} reading ${name}/${partition}`);
      const range = wanted.get(partition);
      const result: FetchedPartition = { records: [], lastOffset: undefined };
      if (name === topic && range) await decodeBatches(raw, r.position, end, topic, partition, range, result);
      out.set(partition, result);
      r.seek(end);
    }
  }
  return out;
}

async function decodeBatches(
  raw: Buffer,
  start: number,
  end: number,
  topic: string,
  partition: number,
  range: { from: number; to: number },
  result: FetchedPartition,
): Promise<void> {
  let at = start;
  // A batch: base offset (8), length (4), then `length` bytes; the tail may be cut short by the size bound.
  while (at + 12 <= end) {
    const baseOffset = Number(raw.readBigInt64BE(at));
    const length = raw.readInt32BE(at + 8);
    const batchEnd = at + 12 + length;
    if (batchEnd > end || length < 49) break;
    if (raw[at + 16] !== 2) throw new KafkaFetchError(`record batch format ${raw[at + 16]} is not read (Kafka 0.11 and later write 2)`);
    const attributes = raw.readInt16BE(at + 21);
    const lastOffset = baseOffset + raw.readInt32BE(at + 23);
    const firstTimestamp = Number(raw.readBigInt64BE(at + 27));
    result.lastOffset = lastOffset;
    const inRange = lastOffset >= range.from && baseOffset < range.to;
    if (inRange && (attributes & CONTROL_MASK) === 0) {
      if ((attributes & COMPRESSION_MASK) !== 0) await decodeWithKafkajs(raw.subarray(at, batchEnd), topic, partition, range, result);
      else decodeRecords(raw, at + 61, batchEnd, raw.readInt32BE(at + 57), baseOffset, firstTimestamp, topic, partition, range, result);
    }
    at = batchEnd;
  }
}

function decodeRecords(
  raw: Buffer,
  start: number,
  end: number,
  count: number,
  baseOffset: number,
  firstTimestamp: number,
  topic: string,
  partition: number,
  range: { from: number; to: number },
  result: FetchedPartition,
): void {
  const r = reader(raw, start);
  for (let index = 0; index < count && r.position < end; index++) {
    const length = r.varint();
    const next = r.position + length;
    r.skip(1); // attributes
    const timestampDelta = r.varlong();
    const offset = baseOffset + r.varint();
    if (offset >= range.to) return;
    if (offset < range.from) {
      r.seek(next);
      continue;
    }
    const key = r.bytes();
    const value = r.bytes();
    const headers: Record<string, string> = {};
    for (let headerCount = r.varint(); headerCount > 0; headerCount--) {
      const name = r.bytes()?.toString('utf8') ?? '';
      const headerValue = r.bytes();
      if (headerValue) headers[name] = headerValue.toString('utf8');
    }
    result.records.push({
      topic,
      partition,
      offset: String(offset),
      timestamp: firstTimestamp + timestampDelta,
      key: key?.toString('utf8') ?? null,
      value: value ? Buffer.from(value) : Buffer.alloc(0),
      headers,
    });
    r.seek(next);
  }
}

async function decodeWithKafkajs(
  batch: Buffer,
  topic: string,
  partition: number,
  range: { from: number; to: number },
  result: FetchedPartition,
) {
  const Decoder = require('kafkajs/src/protocol/decoder');
  const decodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder');
  const { records } = (await decodeBatch(new Decoder(batch))) as {
    records: { offset: string; timestamp: string; key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer> }[];
  };
  for (const record of records) {
    const offset = Number(record.offset);
    if (offset < range.from || offset >= range.to) continue;
    result.records.push(storedRecord(topic, partition, record));
  }
}

/** Kafka's big-endian integers, strings and zigzag varints over one buffer. */
function reader(buffer: Buffer, start = 0) {
  let at = start;
  const self = {
    get position() {
      return at;
    },
    seek(to: number) {
      at = to;
    },
    skip(bytes: number) {
      at += bytes;
    },
    int16() {
      const value = buffer.readInt16BE(at);
      at += 2;
      return value;
    },
    int32() {
      const value = buffer.readInt32BE(at);
      at += 4;
      return value;
    },
    string() {
      const length = self.int16();
      const value = buffer.toString('utf8', at, at + length);
      at += Math.max(0, length);
      return value;
    },
    varlong() {
      let value = 0;
      let scale = 1;
      for (;;) {
        const byte = buffer[at++] as number;
        value += (byte & 0x7f) * scale;
        scale *= 128;
        if ((byte & 0x80) === 0) break;
      }
      // Zigzag: even → n/2, odd → -(n+1)/2 (arithmetic, safe past 32 bits).
      return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
    },
    varint() {
      return self.varlong();
    },
    bytes(): Buffer | null {
      const length = self.varint();
      if (length < 0) return null;
      const value = buffer.subarray(at, at + length);
      at += length;
      return value;
    },
  };
  return self;
}
