import { open, readFile, unlink } from 'node:fs/promises';
import { syncDir } from '../disk/files.js';
import { scanFrames } from '../disk/frame.js';
import { entryRecordCount, entrySpooledAt } from './entry.js';
import { listSegmentIds, readCursor, segmentPath } from './files.js';

export interface RecoveredSegment {
  id: number;
  /** Bytes of whole, checked frames (the file is cut to this). */
  size: number;
  /** Entries and records in it not yet acknowledged. */
  entries: number;
  records: number;
}

export interface Recovery {
  /** In journal order; the drainer resumes in the first at `cursorOffset`. */
  segments: RecoveredSegment[];
  cursorOffset: number;
  /** Not yet acknowledged by Kafka (as far as the cursor file knows). */
  entries: number;
  records: number;
  /** When the oldest of them was spooled (ms since the epoch). */
  oldestSpooledAt: number | undefined;
  /** The highest segment id seen, in a file or in the cursor: new segments must come after it. */
  lastId: number;
  /** Tails cut off: a torn write (`short`) or a bad CRC or length (`corrupt`). They were never acknowledged. */
  cut: { segment: number; bytes: number; reason: 'short' | 'corrupt' }[];
}

/**
 * Reads the journal back at start-up, one segment at a time: deletes the
 * segments the cursor says are drained, cuts every segment after its last
 * whole frame (what follows was being written when the process died, so no
 * request was answered for it), and hands each entry not yet drained to
 * `onEntry` in journal order (the bridge re-remembers their eventIds).
 */
export async function recoverJournal(dir: string, onEntry: (payload: Buffer) => void = () => {}): Promise<Recovery> {
  const cursor = await readCursor(dir);
  const recovery: Recovery = {
    segments: [],
    cursorOffset: 0,
    entries: 0,
    records: 0,
    oldestSpooledAt: undefined,
    lastId: cursor?.segment ?? 0,
    cut: [],
  };
  let changed = false;
  const remove = async (id: number) => {
    await unlink(segmentPath(dir, id));
    changed = true;
  };

  for (const id of await listSegmentIds(dir)) {
    recovery.lastId = Math.max(recovery.lastId, id);
    if (cursor && id < cursor.segment) {
      await remove(id);
      continue;
    }
    const bytes = await readFile(segmentPath(dir, id));
    const scan = scanFrames(bytes);
    if (scan.stop !== 'end') {
      recovery.cut.push({ segment: id, bytes: bytes.length - scan.validEnd, reason: scan.stop });
      const handle = await open(segmentPath(dir, id), 'r+');
      try {
        await handle.truncate(scan.validEnd);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    // The cursor counts only where a frame starts; anything else means the file is not the one it was written for.
    const resumeAt =
      recovery.segments.length === 0 &&
      cursor?.segment === id &&
      (cursor.offset === scan.validEnd || scan.frames.some((frame) => frame.offset === cursor.offset))
        ? cursor.offset
        : 0;
    const pending = scan.frames.filter((frame) => frame.offset >= resumeAt);
    if (pending.length === 0) {
      await remove(id);
      continue;
    }
    if (recovery.segments.length === 0) recovery.cursorOffset = resumeAt;
    const segment = { id, size: scan.validEnd, entries: 0, records: 0 };
    for (const frame of pending) {
      segment.entries++;
      segment.records += entryRecordCount(frame.payload);
      recovery.oldestSpooledAt ??= entrySpooledAt(frame.payload);
      onEntry(frame.payload);
    }
    recovery.segments.push(segment);
    recovery.entries += segment.entries;
    recovery.records += segment.records;
  }
  if (changed || recovery.cut.length > 0) await syncDir(dir);
  return recovery;
}
