import { type FileHandle, open, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Segment files are `<16-digit id>.seg`, ids rising: names sort in journal order. */
const SEGMENT = /^(\d{16})\.seg$/;

export const segmentPath = (dir: string, id: number): string => join(dir, `${String(id).padStart(16, '0')}.seg`);

export async function listSegmentIds(dir: string): Promise<number[]> {
  const names = await readdir(dir);
  return names
    .map((name) => SEGMENT.exec(name)?.[1])
    .filter((id): id is string => id !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/** A new or removed file survives a crash only once its directory is flushed too. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Where the drainer has got to: everything before `offset` in segment
 * `segment` (and every earlier segment) is acknowledged by Kafka. Written
 * without fsync after acknowledgements: a lost update only means records
 * already in Kafka are sent again after a crash (duplicates, never a loss).
 */
export interface Cursor {
  segment: number;
  offset: number;
}

const cursorPath = (dir: string) => join(dir, 'cursor');

export async function readCursor(dir: string): Promise<Cursor | undefined> {
  const text = await readFile(cursorPath(dir), 'utf8').catch(() => '');
  const match = /^(\d+) (\d+)\n$/.exec(text);
  return match ? { segment: Number(match[1]), offset: Number(match[2]) } : undefined;
}

export async function writeCursor(dir: string, cursor: Cursor): Promise<void> {
  // Renamed into place, so a reader never sees half a cursor.
  const temporary = `${cursorPath(dir)}.tmp`;
  await writeFile(temporary, `${cursor.segment} ${cursor.offset}\n`);
  await rename(temporary, cursorPath(dir));
}

/** Up to `length` bytes from `position` (fewer at the end of the file). */
export async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/** writev may write less than asked: go on from where it stopped. */
export async function writeFully(handle: FileHandle, buffers: Buffer[], position: number): Promise<void> {
  let rest = buffers;
  let at = position;
  while (rest.length > 0) {
    const { bytesWritten } = await handle.writev(rest, at);
    at += bytesWritten;
    let skip = bytesWritten;
    const next: Buffer[] = [];
    for (const buffer of rest) {
      if (skip >= buffer.length) skip -= buffer.length;
      else {
        next.push(skip > 0 ? buffer.subarray(skip) : buffer);
        skip = 0;
      }
    }
    rest = next;
  }
}
