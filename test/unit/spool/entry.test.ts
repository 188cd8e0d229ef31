import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OutgoingRecord } from '../../../src/contract/record.js';
import { FRAME_HEADER_BYTES, scanFrames } from '../../../src/disk/frame.js';
import { decodeEntry, encodeEntry, entryRecordCount, entrySpooledAt } from '../../../src/spool/entry.js';

const record = fc.record<OutgoingRecord>({
  topic: fc.string({ minLength: 1, maxLength: 60 }),
  key: fc.option(fc.string({ unit: 'binary', maxLength: 80 }), { nil: null }),
  value: fc.uint8Array({ maxLength: 2_000 }).map((bytes) => Buffer.from(bytes)),
  headers: fc.dictionary(fc.string({ minLength: 1, maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 200 })),
});

describe('spool entries', () => {
  it('give back the records exactly as spooled: topics, keys, headers and value bytes', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 4 }), fc.double({ min: 0, max: 4e12, noNaN: true }), (records, at) => {
        const frame = encodeEntry(records, at);
        const scan = scanFrames(frame);
        expect(scan.stop).toBe('end');
        const payload = frame.subarray(FRAME_HEADER_BYTES);
        expect(entrySpooledAt(payload)).toBe(at);
        expect(entryRecordCount(payload)).toBe(records.length);
        const entry = decodeEntry(payload);
        expect(entry.spooledAt).toBe(at);
        expect(entry.records.map((r) => ({ ...r, value: Buffer.from(r.value) }))).toEqual(
          records.map((r) => ({ ...r, headers: { ...r.headers } })),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a header named like an Object.prototype property as a header of its own', () => {
    const headers = Object.fromEntries([
      ['__proto__', 'x'],
      ['constructor', 'y'],
    ]);
    const [record] = decodeEntry(
      encodeEntry([{ topic: 't', key: null, value: Buffer.from('v'), headers }], 1).subarray(FRAME_HEADER_BYTES),
    ).records;
    expect(Object.entries(record?.headers ?? {})).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'y'],
    ]);
  });

  it('keeps an empty key apart from no key', () => {
    const base = { topic: 't', value: Buffer.from('v'), headers: {} };
    const entry = decodeEntry(
      encodeEntry(
        [
          { ...base, key: '' },
          { ...base, key: null },
        ],
        1,
      ).subarray(FRAME_HEADER_BYTES),
    );
    expect(entry.records.map((r) => r.key)).toEqual(['', null]);
  });
});
