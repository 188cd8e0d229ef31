import { createRequire } from 'node:module';
import { asKafkajsEncoder, type EncodedRecord, type FastRecordEncoder } from './record-encoder.js';

/**
 * kafkajs wraps a produce request's record batches in five layers of growable
 * Encoders (batch body, batch, partition, topic, request), each a fresh
 * zero-filled power-of-two buffer the layer below is copied into. This writes
 * the request body (Produce v3, which v4–v7 reuse) into one buffer of the exact
 * size. Only plain requests take this path: no compression, no transaction,
 * no idempotent producer id, no message timestamps; kafkajs builds the others.
 */

const require = createRequire(import.meta.url);
let kafkajsCrc32C: ((buffer: Buffer) => number) | undefined;
/** kafkajs' own CRC-32C, required on first use (the self-check), not when this file loads. */
function crc32C(buffer: Buffer): number {
  kafkajsCrc32C ??= require('kafkajs/src/protocol/recordBatch/crc32C/index.js') as (buffer: Buffer) => number;
  return kafkajsCrc32C(buffer);
}

const MAGIC_BYTE = 2;
/** Bytes of a record batch before its records: base offset … record count. */
const BATCH_OVERHEAD = 8 + 4 + 4 + 1 + 4 + 2 + 4 + 8 + 8 + 8 + 2 + 4 + 4;
/** Where the CRC-covered part (attributes onwards) starts in a batch. */
const CRC_START = 8 + 4 + 4 + 1 + 4;

export interface ProduceMessage {
  key?: unknown;
  value?: unknown;
  headers?: Record<string, unknown>;
  timestamp?: unknown;
}

export interface ProduceRequestArgs {
  acks: number;
  timeout: number;
  transactionalId?: string | null;
  producerId?: unknown;
  producerEpoch?: number;
  compression?: number;
  topicData: { topic: string; partitions: { partition: number; firstSequence?: number; messages: ProduceMessage[] }[] }[];
}

/** What kafkajs' broker sends: its connection calls `encode` and reads `.buffer` of the result. */
export interface ProduceRequest {
  apiKey: number;
  apiVersion: number;
  apiName: string;
  expectResponse: () => boolean;
  encode: () => Promise<EncodedRecord>;
}

export type ProduceRequestEncoder = (args: ProduceRequestArgs) => ProduceRequest;

export function createProduceRequestEncoder(options: {
  stock: ProduceRequestEncoder;
  record: FastRecordEncoder;
  now?: () => number;
}): ProduceRequestEncoder {
  const now = options.now ?? Date.now;
  return (args) => {
    const request = options.stock(args);
    return isPlain(args) ? { ...request, encode: async () => asKafkajsEncoder(encodeBody(args)) } : request;
  };

  function encodeBody(args: ProduceRequestArgs): Buffer {
    const epoch = args.producerEpoch ?? 0;
    const blocks = new Map<object, Buffer>();
    // Records first: their sizes decide everything around them.
    const topics = args.topicData.map(({ topic, partitions }) => ({
      topic,
      partitions: partitions.map(({ partition, firstSequence = 0, messages }) => {
        const records = messages.map(
          (message, index) =>
            options.record.bytes(message.key, message.value, message.headers, index, blocks) ??
            options.record({ ...message, offsetDelta: index, timestampDelta: 0 }).buffer,
        );
        return { partition, firstSequence, timestamp: now(), records, batchSize: BATCH_OVERHEAD + total(records) };
      }),
    }));
    let size = 2 + 2 + 4 + 4;
    for (const { topic, partitions } of topics) {
      size += 2 + Buffer.byteLength(topic) + 4;
      for (const { batchSize } of partitions) size += 4 + 4 + batchSize;
    }
    const buf = Buffer.allocUnsafe(size);
    let at = buf.writeInt16BE(-1, 0); // transactional id: null
    at = buf.writeInt16BE(args.acks, at);
    at = buf.writeInt32BE(args.timeout, at);
    at = buf.writeInt32BE(topics.length, at);
    for (const { topic, partitions } of topics) {
      at = buf.writeInt16BE(Buffer.byteLength(topic), at);
      at += buf.write(topic, at, 'utf8');
      at = buf.writeInt32BE(partitions.length, at);
      for (const { partition, firstSequence, timestamp, records, batchSize } of partitions) {
        at = buf.writeInt32BE(partition, at);
        at = buf.writeInt32BE(batchSize, at);
        const batchStart = at;
        at = buf.writeBigInt64BE(0n, at); // base offset: the broker assigns it
        at = buf.writeInt32BE(batchSize - 12, at); // the batch's length after this field
        at = buf.writeInt32BE(0, at); // partition leader epoch
        at = buf.writeInt8(MAGIC_BYTE, at);
        const crcAt = at;
        at += 4;
        at = buf.writeInt16BE(0, at); // attributes: no compression, not transactional
        at = buf.writeInt32BE(records.length - 1, at); // last offset delta
        at = buf.writeBigInt64BE(BigInt(timestamp), at); // first timestamp
        at = buf.writeBigInt64BE(BigInt(timestamp), at); // max timestamp
        at = buf.writeBigInt64BE(-1n, at); // producer id: none
        at = buf.writeInt16BE(epoch, at);
        at = buf.writeInt32BE(firstSequence, at);
        at = buf.writeInt32BE(records.length, at);
        for (const record of records) at += record.copy(buf, at);
        buf.writeUInt32BE(crc32C(buf.subarray(batchStart + CRC_START, at)), crcAt);
      }
    }
    return buf;
  }
}

function isPlain(args: ProduceRequestArgs): boolean {
  return (
    (args.compression ?? 0) === 0 &&
    args.transactionalId == null &&
    (args.producerId === undefined || String(args.producerId) === '-1') &&
    Number.isInteger(args.acks) &&
    Number.isInteger(args.timeout) &&
    args.topicData.every(({ partitions }) =>
      partitions.every(({ messages }) => messages.length > 0 && messages.every((message) => message.timestamp == null)),
    )
  );
}

function total(buffers: Buffer[]): number {
  let size = 0;
  for (const buffer of buffers) size += buffer.length;
  return size;
}

/** The first timestamp of each record batch in a Produce v3 request body, in order: lets a check reproduce kafkajs' clock. */
export function batchTimestamps(body: Buffer): number[] {
  const timestamps: number[] = [];
  let at = 2 + Math.max(0, body.readInt16BE(0)) + 2 + 4;
  const topics = body.readInt32BE(at);
  at += 4;
  for (let t = 0; t < topics; t++) {
    at += 2 + body.readInt16BE(at);
    const partitions = body.readInt32BE(at);
    at += 4;
    for (let p = 0; p < partitions; p++) {
      const batchSize = body.readInt32BE(at + 4);
      const batchStart = at + 8;
      timestamps.push(Number(body.readBigInt64BE(batchStart + CRC_START + 2 + 4)));
      at = batchStart + batchSize;
    }
  }
  return timestamps;
}
