import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
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
