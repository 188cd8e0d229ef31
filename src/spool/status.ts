import { readFile } from 'node:fs/promises';
import { scanFrames } from '../disk/frame.js';
import { lockHolder } from '../disk/lock.js';
import { entryRecordCount, entrySpooledAt } from './entry.js';
import { listSegmentIds, readCursor, segmentPath } from './files.js';

export interface SpoolStatus {
  dir: string;
  exists: boolean;
  /** The bridge holding the directory, if its pid still runs. */
  holder: { pid: number; alive: boolean } | undefined;
  segments: number;
  bytes: number;
  /** Not yet acknowledged by Kafka, as of the cursor the bridge last saved. */
  events: number;
  records: number;
  oldestSpooledAt: number | undefined;
  /** Bytes after the last whole frame: a write in progress while a bridge runs, else a torn tail cut at the next start. */
  tailBytes: number;
}

/** What is in a spool directory, read without changing it (a bridge may be writing it). */
export async function readSpoolStatus(dir: string): Promise<SpoolStatus> {
  const status: SpoolStatus = {
    dir,
    exists: true,
    holder: undefined,
    segments: 0,
    bytes: 0,
    events: 0,
    records: 0,
    oldestSpooledAt: undefined,
    tailBytes: 0,
  };
  let ids: number[];
  try {
    ids = await listSegmentIds(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ...status, exists: false };
    throw error;
  }
  status.holder = await lockHolder(dir);
  const cursor = await readCursor(dir);
  for (const id of ids) {
    if (cursor && id < cursor.segment) continue;
    const bytes = await readFile(segmentPath(dir, id)).catch(() => undefined);
    if (!bytes) continue; // drained and deleted while we looked
    status.segments++;
    status.bytes += bytes.length;
    const scan = scanFrames(bytes);
    status.tailBytes += bytes.length - scan.validEnd;
    const from = cursor?.segment === id ? cursor.offset : 0;
    for (const frame of scan.frames) {
      if (frame.offset < from) continue;
      status.events++;
      status.records += entryRecordCount(frame.payload);
      status.oldestSpooledAt ??= entrySpooledAt(frame.payload);
    }
  }
  return status;
}
