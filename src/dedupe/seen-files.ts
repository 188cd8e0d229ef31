import { type FileHandle, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDir, writeFully } from '../disk/files.js';
import { allocFrame, FRAME_HEADER_BYTES, scanFrames, sealFrame } from '../disk/frame.js';
import { FINGERPRINT_WORDS } from './fingerprint.js';

/**
 * The memory store's window on disk, in checked frames (disk/frame.ts): a
 * `snapshot` of every live entry (written whole, then renamed into place)
 * and a `log` of the entries remembered since, one frame per group commit.
 * Each file starts with a header frame naming the format. An entry is a
 * fingerprint (never the eventId) and its expiry: 24 bytes.
 */
export const ENTRY_BYTES = FINGERPRINT_WORDS * 4 + 8;
const HEADER = Buffer.from('popp-bridge dedupe window 1');
/** Entries per snapshot frame: frames stay a few MB whatever DEDUPE_MAX_ENTRIES is. */
const SNAPSHOT_FRAME_ENTRIES = 65_536;

export const snapshotPath = (dir: string) => join(dir, 'snapshot');
export const logPath = (dir: string) => join(dir, 'log');

/** Writes `count` entries from `keys`/`expiresAt` (from `from`) into `target` at `at`, little-endian. */
export function putEntries(target: Buffer, at: number, keys: Uint32Array, expiresAt: Float64Array, from: number, count: number): void {
  for (let i = 0; i < count; i++) {
    const offset = at + i * ENTRY_BYTES;
    const key = (from + i) * FINGERPRINT_WORDS;
    for (let w = 0; w < FINGERPRINT_WORDS; w++) target.writeUInt32LE(keys[key + w] as number, offset + w * 4);
    target.writeDoubleLE(expiresAt[from + i] as number, offset + FINGERPRINT_WORDS * 4);
  }
}

/** A sealed frame of entries, from bytes laid out by putEntries. */
export function entriesFrame(entries: Buffer): Buffer {
  const frame = allocFrame(entries.length);
  entries.copy(frame, FRAME_HEADER_BYTES);
  return sealFrame(frame);
}

function headerFrame(): Buffer {
  return entriesFrame(HEADER);
}

export interface ReadBack {
  entries: number;
  /** Bytes after the last whole frame (a torn write, or a damaged one), dropped. */
  cut: { bytes: number; reason: 'short' | 'corrupt' } | undefined;
  /** The file exists but is not a window of this format: ignored. */
  foreign: boolean;
}

/** Hands every entry of a snapshot or log file to `onEntry`, up to its last whole frame. */
export async function readEntries(path: string, onEntry: (key: Uint32Array, expiresAt: number) => void): Promise<ReadBack> {
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return Buffer.alloc(0);
    throw error;
  });
  const scan = scanFrames(bytes);
  const cut = scan.stop === 'end' ? undefined : { bytes: bytes.length - scan.validEnd, reason: scan.stop };
  const [first, ...rest] = scan.frames;
  if (!first) return { entries: 0, cut, foreign: false };
  if (!first.payload.equals(HEADER)) return { entries: 0, cut: undefined, foreign: true };
  const key = new Uint32Array(FINGERPRINT_WORDS);
  let entries = 0;
  for (const { payload } of rest) {
    for (let at = 0; at + ENTRY_BYTES <= payload.length; at += ENTRY_BYTES) {
      for (let w = 0; w < FINGERPRINT_WORDS; w++) key[w] = payload.readUInt32LE(at + w * 4);
      onEntry(key, payload.readDoubleLE(at + FINGERPRINT_WORDS * 4));
      entries++;
    }
  }
  return { entries, cut, foreign: false };
}

/** Writes every live entry to a new snapshot, durably, and renames it over the old one. */
export async function writeSnapshot(dir: string, live: { keys: Uint32Array; expiresAt: Float64Array }): Promise<void> {
  const temporary = `${snapshotPath(dir)}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    const frames = [headerFrame()];
    for (let from = 0; from < live.expiresAt.length; from += SNAPSHOT_FRAME_ENTRIES) {
      const count = Math.min(SNAPSHOT_FRAME_ENTRIES, live.expiresAt.length - from);
      const entries = Buffer.allocUnsafe(count * ENTRY_BYTES);
      putEntries(entries, 0, live.keys, live.expiresAt, from, count);
      frames.push(entriesFrame(entries));
    }
    await writeFully(handle, frames, 0);
    await handle.datasync();
  } finally {
    await handle.close();
  }
  await rename(temporary, snapshotPath(dir));
  await syncDir(dir);
}

/** Empties the log (everything in it is in the snapshot now) and leaves it open for appends after its header. */
export async function resetLog(dir: string): Promise<{ handle: FileHandle; size: number }> {
  const handle = await open(logPath(dir), 'w');
  try {
    const header = headerFrame();
    await writeFully(handle, [header], 0);
    await handle.datasync();
    await syncDir(dir);
    return { handle, size: header.length };
  } catch (error) {
    await handle.close();
    throw error;
  }
}
