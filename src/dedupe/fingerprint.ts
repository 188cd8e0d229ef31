import { hash } from 'node:crypto';

const LOWER_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A fingerprint is four 32-bit words: 16 bytes. */
export const FINGERPRINT_WORDS = 4;

/**
 * An eventId's 16-byte fingerprint, in one reused buffer: a lowercase UUID
 * is its own 16 bytes; any other id the first 16 bytes of its SHA-256.
 */
export function createFingerprinter(): (eventId: string) => Uint32Array {
  const words = new Uint32Array(FINGERPRINT_WORDS);
  return (eventId) => {
    if (LOWER_UUID.test(eventId)) {
      words[0] = Number.parseInt(eventId.slice(0, 8), 16);
      words[1] = Number.parseInt(eventId.slice(9, 13) + eventId.slice(14, 18), 16);
      words[2] = Number.parseInt(eventId.slice(19, 23) + eventId.slice(24, 28), 16);
      words[3] = Number.parseInt(eventId.slice(28, 36), 16);
      return words;
    }
    const digest = hash('sha256', eventId, 'buffer');
    for (let i = 0; i < 4; i++) words[i] = digest.readUInt32LE(i * 4);
    return words;
  };
}

/** Spreads all 128 bits over the index (UUIDv7 ids share their leading timestamp bits). */
export function mix(a: number, b: number, c: number, d: number): number {
  let h = a ^ Math.imul(b, 0x9e3779b1) ^ Math.imul(c, 0x85ebca77) ^ Math.imul(d, 0xc2b2ae3d);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
