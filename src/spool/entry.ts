import type { OutgoingRecord } from '../contract/record.js';
import { allocFrame, FRAME_HEADER_BYTES, sealFrame } from '../disk/frame.js';

/**
 * One journal entry: the records of one event (or one dead letter), exactly
 * as they would have been sent — values already encoded, so a registry is
 * not needed to drain — and when they were spooled. Payload layout:
 * f64 spooledAt ms, u16 record count, then per record: u16 topic length +
 * topic, i32 key length (-1: no key) + key, u16 header count, per header
 * u16 name length + name and u32 value length + value, u32 value length +
 * value. Strings are UTF-8, numbers big-endian.
 */
export interface SpoolEntry {
  spooledAt: number;
  records: OutgoingRecord[];
}

/** The entry as a sealed frame, ready to append. */
export function encodeEntry(records: readonly OutgoingRecord[], spooledAt: number): Buffer {
  let size = 8 + 2;
  for (const record of records) {
    size += 2 + Buffer.byteLength(record.topic) + 4 + (record.key === null ? 0 : Buffer.byteLength(record.key)) + 2 + 4;
    size += record.value.length;
    for (const name in record.headers) size += 2 + Buffer.byteLength(name) + 4 + Buffer.byteLength(record.headers[name] ?? '');
  }
  const frame = allocFrame(size);
  let at = FRAME_HEADER_BYTES;
  at = frame.writeDoubleBE(spooledAt, at);
  at = frame.writeUInt16BE(records.length, at);
  const text = (value: string, lengthBytes: 2 | 4) => {
    const length = frame.write(value, at + lengthBytes, 'utf8');
    if (lengthBytes === 2) frame.writeUInt16BE(length, at);
    else frame.writeUInt32BE(length, at);
    at += lengthBytes + length;
  };
  for (const record of records) {
    text(record.topic, 2);
    if (record.key === null) at = frame.writeInt32BE(-1, at);
    else text(record.key, 4);
    const names = Object.keys(record.headers);
    at = frame.writeUInt16BE(names.length, at);
    for (const name of names) {
      text(name, 2);
      text(record.headers[name] ?? '', 4);
    }
    at = frame.writeUInt32BE(record.value.length, at);
    at += record.value.copy(frame, at);
  }
  return sealFrame(frame);
}

/** The entry in a frame's payload (its CRC already checked). Values are views of `payload`, not copies. */
export function decodeEntry(payload: Buffer): SpoolEntry {
  let at = 0;
  const spooledAt = payload.readDoubleBE(at);
  at += 8;
  const count = payload.readUInt16BE(at);
  at += 2;
  const text = (lengthBytes: 2 | 4) => {
    const length = lengthBytes === 2 ? payload.readUInt16BE(at) : payload.readUInt32BE(at);
    at += lengthBytes;
    const value = payload.toString('utf8', at, at + length);
    at += length;
    return value;
  };
  const records: OutgoingRecord[] = [];
  for (let i = 0; i < count; i++) {
    const topic = text(2);
    let key: string | null = null;
    if (payload.readInt32BE(at) === -1) at += 4;
    else key = text(4);
    const headerCount = payload.readUInt16BE(at);
    at += 2;
    const pairs: [string, string][] = [];
    for (let h = 0; h < headerCount; h++) {
      const name = text(2);
      pairs.push([name, text(4)]);
    }
    // Own properties whatever the name: an assignment would take `__proto__` for the prototype.
    const headers: Record<string, string> = Object.fromEntries(pairs);
    const length = payload.readUInt32BE(at);
    at += 4;
    records.push({ topic, key, headers, value: payload.subarray(at, at + length) });
    at += length;
  }
  return { spooledAt, records };
}

/** Cheap reads of an entry's head, without decoding its records. */
export const entrySpooledAt = (payload: Buffer): number => payload.readDoubleBE(0);
export const entryRecordCount = (payload: Buffer): number => payload.readUInt16BE(8);
