import { createRequire } from 'node:module';
import { HEADER } from '../contract/headers.js';

/**
 * kafkajs 2.2.4 (its last release) encodes every record through about
 * seventeen growable Encoders, each a zero-filled 512-byte buffer, and writes
 * every varint through `Buffer.from([...])`: over a third of the bridge's CPU
 * under load (`npm run bench:profile`). This encoder writes the same bytes
 * into one buffer of the exact size, and encodes a headers object once per
 * produce request however many records share it (an event's type and log record).
 *
 * It is used only after producing the same bytes as the stock one on a sample
 * (kafkajs-encoders.ts), and hands anything unusual (numbers as values, huge
 * timestamp deltas, null header values) back to the stock encoder.
 */

const require = createRequire(import.meta.url);
export const RECORD_MODULE = 'kafkajs/src/protocol/recordBatch/record/v0/index.js';
export const ENCODER_MODULE = 'kafkajs/src/protocol/encoder.js';

/** What kafkajs reads from an encoded part (a record, a request body): its Encoder. */
export interface EncodedRecord {
  buf: Buffer;
  offset: number;
  readonly buffer: Buffer;
}

/** Required on first use, which is the self-check: a kafkajs of another layout fails there, not at start-up. */
let encoderPrototype: object | undefined;

/** A finished buffer in the shape of kafkajs' Encoder, without copying it. */
export function asKafkajsEncoder(buf: Buffer): EncodedRecord {
  encoderPrototype ??= (require(ENCODER_MODULE) as { prototype: object }).prototype;
  const encoded = Object.create(encoderPrototype) as EncodedRecord;
  encoded.buf = buf;
  encoded.offset = buf.length;
  return encoded;
}

export interface RecordInput {
  offsetDelta?: number;
  timestampDelta?: number;
  key?: unknown;
  value?: unknown;
  headers?: Record<string, unknown>;
}

export type RecordEncoder = (record: RecordInput) => EncodedRecord;

/** kafkajs' own record encoder, as shipped. */
export function stockRecordEncoder(): RecordEncoder {
  const loaded = require(RECORD_MODULE) as RecordEncoder & { stock?: RecordEncoder };
  return loaded.stock ?? loaded;
}

/**
 * One record's bytes, or undefined for what only kafkajs' own encoder takes
 * (then use it). Records of one request that share a headers object (an
 * event's type and log record) encode it once through `blocks`.
 */
export type RecordBytes = (
  key: unknown,
  value: unknown,
  headers: Record<string, unknown> | undefined,
  offsetDelta: number,
  blocks?: Map<object, Buffer>,
) => Buffer | undefined;

export interface FastRecordEncoder extends RecordEncoder {
  /** The same bytes without kafkajs' wrapper object, for the produce request encoder. */
  bytes: RecordBytes;
}

const NON_ASCII = /[\u0080-\uffff]/;

export function createRecordEncoder(stock: RecordEncoder = stockRecordEncoder()): FastRecordEncoder {
  function headerBlock(headers: Record<string, unknown>, blocks: Map<object, Buffer> | undefined): Buffer | undefined {
    const cached = blocks?.get(headers);
    if (cached) return cached;
    const block = asciiHeaderBlock(headers) ?? anyHeaderBlock(headers);
    if (block) blocks?.set(headers, block);
    return block;
  }

  function bytes(
    key: unknown,
    value: unknown,
    headers: Record<string, unknown> | undefined,
    offsetDelta: number,
    timestampDelta: number,
    blocks?: Map<object, Buffer>,
  ) {
    if (!isInt32(offsetDelta) || !isInt32(timestampDelta) || !isBytes(key) || !isBytes(value)) return undefined;
    const block = headerBlock(headers === undefined ? {} : headers, blocks);
    if (!block) return undefined;
    const keyLength = key == null ? -1 : byteLength(key);
    const valueLength = value == null ? -1 : byteLength(value);
    const timestamp = zigZag64(timestampDelta);
    const bodySize =
      1 + unsignedLongSize(timestamp) + varIntSize(offsetDelta) + bytesSize(keyLength) + bytesSize(valueLength) + block.length;
    const buf = Buffer.allocUnsafe(varIntSize(bodySize) + bodySize);
    let at = writeVarInt(buf, 0, bodySize);
    buf[at++] = 0; // attributes: none are used per record
    at = writeUnsignedLong(buf, at, timestamp);
    at = writeVarInt(buf, at, offsetDelta);
    at = writeBytes(buf, at, key, keyLength);
    at = writeBytes(buf, at, value, valueLength);
    block.copy(buf, at);
    return buf;
  }

  const encode: RecordEncoder = (record) => {
    const { offsetDelta = 0, timestampDelta = 0, key, value, headers } = record;
    const buf = bytes(key, value, headers, offsetDelta, timestampDelta);
    return buf ? asKafkajsEncoder(buf) : stock(record);
  };
  return Object.assign(encode, {
    bytes: (
      key: unknown,
      value: unknown,
      headers: Record<string, unknown> | undefined,
      offsetDelta: number,
      blocks?: Map<object, Buffer>,
    ) => bytes(key, value, headers, offsetDelta, 0, blocks),
  });
}

/**
 * The usual headers, ASCII strings only, framed as one latin1 string and
 * written by one native call: a call per string cost more than the copying.
 */
function asciiHeaderBlock(headers: Record<string, unknown>): Buffer | undefined {
  const names = Object.keys(headers);
  let text = '';
  let framed = varIntChars(names.length);
  for (const name of names) {
    const value = headers[name];
    if (typeof value !== 'string') return undefined;
    text += name;
    text += value;
    framed += varIntChars(name.length) + name + varIntChars(value.length) + value;
  }
  // Only for ASCII is a string's length its UTF-8 length and latin1 its UTF-8 bytes.
  return NON_ASCII.test(text) ? undefined : Buffer.from(framed, 'latin1');
}

/** Any headers kafkajs accepts: Buffers, arrays of values, any Unicode. */
function anyHeaderBlock(headers: Record<string, unknown>): Buffer | undefined {
  const names: string[] = [];
  const values: (string | Buffer)[] = [];
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    for (const item of Array.isArray(value) ? value : [value]) {
      if (!isHeaderValue(item)) return undefined;
      names.push(name);
      values.push(item);
    }
  }
  let size = varIntSize(names.length);
  for (let i = 0; i < names.length; i++) {
    size += bytesSize(byteLength(names[i] as string)) + bytesSize(byteLength(values[i] as string | Buffer));
  }
  const block = Buffer.allocUnsafe(size);
  let at = writeVarInt(block, 0, names.length);
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    const value = values[i] as string | Buffer;
    at = writeBytes(block, at, name, byteLength(name));
    at = writeBytes(block, at, value, byteLength(value));
  }
  return block;
}

/** A varint as latin1 characters, one per byte. */
function varIntChars(value: number): string {
  let unsigned = (value << 1) ^ (value >> 31);
  let chars = '';
  while ((unsigned & 0xffffff80) !== 0) {
    chars += String.fromCharCode((unsigned & 0x7f) | 0x80);
    unsigned >>>= 7;
  }
  return chars + String.fromCharCode(unsigned & 0x7f);
}

/** Records that exercise every branch the fast path takes. */
export const SAMPLE_RECORDS: RecordInput[] = [
  { offsetDelta: 0, timestampDelta: 0, key: 'rec_1', value: Buffer.from('{"a":1}'), headers: { [HEADER.eventType]: 'X' } },
  {
    offsetDelta: 300,
    timestampDelta: -70_000,
    key: Buffer.from('kéy'),
    value: 'välue',
    headers: { a: 'ü', b: Buffer.from([0, 255]), c: ['1', '22'], '': '' },
  },
  { offsetDelta: 2_000_000, timestampDelta: 2 ** 31 - 1, key: null, value: null, headers: {} },
  { key: undefined, value: Buffer.alloc(20_000, 7) },
];

/** True when both encoders write the same bytes for every sample record. */
export function sameRecordBytes(stock: RecordEncoder, fast: RecordEncoder): boolean {
  try {
    return SAMPLE_RECORDS.every((record) => stock(record).buffer.equals(fast(record).buffer));
  } catch {
    return false;
  }
}

function isInt32(value: unknown): value is number {
  return typeof value === 'number' && (value | 0) === value;
}

function isBytes(value: unknown): value is string | Buffer | null | undefined {
  return value == null || typeof value === 'string' || Buffer.isBuffer(value);
}

function isHeaderValue(value: unknown): value is string | Buffer {
  return typeof value === 'string' || Buffer.isBuffer(value);
}

/** Length-prefixed bytes as Kafka's records carry them: -1 for null. */
function bytesSize(length: number): number {
  return length < 0 ? 1 : varIntSize(length) + length;
}

/** UTF-8 length; short ASCII strings (header names, ids, timestamps) are counted without a call into C++. */
function byteLength(value: string | Buffer): number {
  if (typeof value !== 'string') return value.length;
  if (value.length > 64) return Buffer.byteLength(value);
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) >= 0x80) return Buffer.byteLength(value);
  return value.length;
}

function writeBytes(buf: Buffer, at: number, value: string | Buffer | null | undefined, length: number): number {
  at = writeVarInt(buf, at, length);
  if (value == null) return at;
  if (typeof value !== 'string') value.copy(buf, at);
  // As many bytes as characters: ASCII, written byte by byte (cheaper than a native call when short).
  else if (length === value.length && length <= 64) for (let i = 0; i < length; i++) buf[at + i] = value.charCodeAt(i);
  else buf.write(value, at, length, 'utf8');
  return at + length;
}

function varIntSize(value: number): number {
  let unsigned = (value << 1) ^ (value >> 31);
  let bytes = 1;
  while ((unsigned & 0xffffff80) !== 0) {
    bytes++;
    unsigned >>>= 7;
  }
  return bytes;
}

function writeVarInt(buf: Buffer, at: number, value: number): number {
  let unsigned = (value << 1) ^ (value >> 31);
  while ((unsigned & 0xffffff80) !== 0) {
    buf[at++] = (unsigned & 0x7f) | 0x80;
    unsigned >>>= 7;
  }
  buf[at++] = unsigned & 0x7f;
  return at;
}

/** Zig-zag of a 32-bit value into 64 bits, as a (safe) number. */
function zigZag64(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

function unsignedLongSize(value: number): number {
  let bytes = 1;
  for (let rest = value; rest >= 0x80; rest = Math.floor(rest / 0x80)) bytes++;
  return bytes;
}

function writeUnsignedLong(buf: Buffer, at: number, value: number): number {
  let rest = value;
  while (rest >= 0x80) {
    buf[at++] = (rest % 0x80) | 0x80;
    rest = Math.floor(rest / 0x80);
  }
  buf[at++] = rest;
  return at;
}
