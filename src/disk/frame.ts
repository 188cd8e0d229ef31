import { crc32 } from 'node:zlib';

/** `[u32 length][u32 crc32 of the payload][payload]`, big-endian: what one journal frame looks like on disk. */
export const FRAME_HEADER_BYTES = 8;

/** Larger than any frame the bridge writes (two records of a MAX_BODY_BYTES body): a longer length is corruption. */
export const MAX_FRAME_PAYLOAD_BYTES = 256 * 1024 * 1024;

/** A buffer with room for the header, to be filled with `payloadBytes` bytes from offset FRAME_HEADER_BYTES, then sealed. */
export function allocFrame(payloadBytes: number): Buffer {
  return Buffer.allocUnsafe(FRAME_HEADER_BYTES + payloadBytes);
}

/** Writes the length and CRC of the payload that fills the rest of `frame`. */
export function sealFrame(frame: Buffer): Buffer {
  const payload = frame.subarray(FRAME_HEADER_BYTES);
  frame.writeUInt32BE(payload.length, 0);
  frame.writeUInt32BE(crc32(payload), 4);
  return frame;
}

export interface ScannedFrame {
  /** Where the frame starts in the scanned bytes. */
  offset: number;
  payload: Buffer;
}

export interface Scan {
  frames: ScannedFrame[];
  /** Bytes up to the end of the last good frame. */
  validEnd: number;
  /** Why scanning stopped before the end: a frame cut short (a torn write) or one whose CRC or length is wrong. */
  stop: 'end' | 'short' | 'corrupt';
}

/**
 * Reads frames from the start of `bytes` until the end, a frame cut short
 * or a bad one. Nothing after a bad frame is trusted: its length may be the
 * corrupt part, so where the next frame would start is unknown.
 */
export function scanFrames(bytes: Buffer, limit = Number.POSITIVE_INFINITY): Scan {
  const frames: ScannedFrame[] = [];
  let offset = 0;
  while (offset < bytes.length && frames.length < limit) {
    if (bytes.length - offset < FRAME_HEADER_BYTES) return { frames, validEnd: offset, stop: 'short' };
    const length = bytes.readUInt32BE(offset);
    if (length > MAX_FRAME_PAYLOAD_BYTES) return { frames, validEnd: offset, stop: 'corrupt' };
    const start = offset + FRAME_HEADER_BYTES;
    if (bytes.length - start < length) return { frames, validEnd: offset, stop: 'short' };
    const payload = bytes.subarray(start, start + length);
    if (crc32(payload) !== bytes.readUInt32BE(offset + 4)) return { frames, validEnd: offset, stop: 'corrupt' };
    frames.push({ offset, payload });
    offset = start + length;
  }
  return { frames, validEnd: offset, stop: 'end' };
}
