import { type FileHandle, open, unlink } from 'node:fs/promises';
import { readAt, syncDir, writeFully } from '../disk/files.js';
import { FRAME_HEADER_BYTES, scanFrames } from '../disk/frame.js';
import { BridgeError } from '../errors.js';
import { decodeEntry, entrySpooledAt, type SpoolEntry } from './entry.js';
import { segmentPath, writeCursor } from './files.js';
import type { Recovery } from './recovery.js';

/** Entries read from the cursor on: the drainer sends them as one batch, then acknowledges them. */
export interface Window {
  segment: number;
  start: number;
  end: number;
  entries: SpoolEntry[];
  records: number;
}

export interface JournalStatus {
  /** Bytes of segment files on disk (what SPOOL_MAX_BYTES bounds), appends being written included. */
  bytes: number;
  maxBytes: number;
  segments: number;
  /** Spooled and not yet acknowledged by Kafka. */
  entries: number;
  records: number;
}

export interface Journal {
  /** Appends one sealed frame; resolves once it is on disk (fsync), rejects `spool_full` past SPOOL_MAX_BYTES. */
  append(frame: Buffer, records: number): Promise<void>;
  /** Nothing spooled that Kafka has not acknowledged, and nothing being appended. */
  isEmpty(): boolean;
  /** Durable entries from the cursor on, within the limits; undefined when there are none. */
  read(limits: { maxEntries: number; maxBytes: number }): Promise<Window | undefined>;
  /** Kafka has the window: moves the cursor past it and deletes the segments left behind. */
  acknowledge(window: Window): void;
  /** Resolves after the next append is on disk (or the journal closes). */
  whenAppended(): Promise<void>;
  status(): JournalStatus;
  /** When the oldest unacknowledged entry was spooled (ms since the epoch). */
  oldestSpooledAt(): Promise<number | undefined>;
  close(): Promise<void>;
}

export interface JournalOptions {
  dir: string;
  maxBytes: number;
  /** A segment is closed and a new one begun past this size; drained segments are deleted whole. */
  segmentBytes: number;
  recovery: Recovery;
  onError?: (error: Error, what: string) => void;
  /** One write and fsync done: how many appends it covered (group commit) and how long it took. */
  onCommit?: (entries: number, seconds: number) => void;
}

interface Segment {
  id: number;
  size: number;
  entries: number;
  records: number;
}

interface Pending {
  frame: Buffer;
  records: number;
  resolve: () => void;
  reject: (error: BridgeError) => void;
}

/**
 * The append-only journal of the spool: segment files of checked frames
 * (frame.ts), written by one writer with group commit — every append waiting
 * while an fsync runs goes into the next write and shares the next fsync —
 * and read from a cursor by one drainer. A segment is deleted only once the
 * cursor has passed all of it.
 */
export function createJournal(options: JournalOptions): Journal {
  const { dir, maxBytes, segmentBytes, recovery } = options;
  const onError = options.onError ?? (() => {});
  const segments: Segment[] = recovery.segments.map((segment) => ({ ...segment }));
  let cursorOffset = recovery.cursorOffset;
  let nextId = recovery.lastId + 1;
  let active: { segment: Segment; handle: FileHandle; fresh: boolean } | undefined;
  let totalBytes = segments.reduce((sum, segment) => sum + segment.size, 0);
  let entries = recovery.entries;
  let records = recovery.records;
  let pending: Pending[] = [];
  let appending = 0;
  let writer: Promise<void> | undefined;
  let closed = false;
  let waiters: (() => void)[] = [];
  const retiring = new Set<Promise<void>>();
  let cursorWrite: Promise<void> | undefined;
  let cursorDirty = false;

  function wake(): void {
    const woken = waiters;
    waiters = [];
    for (const resolve of woken) resolve();
  }

  async function writable(): Promise<NonNullable<typeof active>> {
    if (active && active.segment.size >= segmentBytes) {
      const full = active;
      active = undefined;
      await full.handle.close();
    }
    if (!active) {
      const id = nextId++;
      const handle = await open(segmentPath(dir, id), 'wx');
      const segment: Segment = { id, size: 0, entries: 0, records: 0 };
      segments.push(segment);
      active = { segment, handle, fresh: true };
    }
    return active;
  }

  async function writeLoop(): Promise<void> {
    while (pending.length > 0) {
      const batch = pending;
      pending = [];
      const bytes = batch.reduce((sum, entry) => sum + entry.frame.length, 0);
      let target: NonNullable<typeof active> | undefined;
      const started = performance.now();
      try {
        target = await writable();
        await writeFully(
          target.handle,
          batch.map((entry) => entry.frame),
          target.segment.size,
        );
        await target.handle.datasync();
        // The file's name must survive a crash too, once.
        if (target.fresh) await syncDir(dir);
        target.fresh = false;
      } catch (error) {
        totalBytes -= bytes;
        appending -= batch.length;
        // Cut what may have been half written, so the next frame follows the last good one.
        await target?.handle.truncate(target.segment.size).catch(() => {});
        onError(error as Error, 'spool write failed');
        for (const entry of batch) entry.reject(new BridgeError('spool_unavailable', { cause: error }));
        continue;
      }
      const segment = target.segment;
      let added = 0;
      for (const entry of batch) added += entry.records;
      segment.size += bytes;
      segment.entries += batch.length;
      segment.records += added;
      entries += batch.length;
      records += added;
      appending -= batch.length;
      options.onCommit?.(batch.length, (performance.now() - started) / 1000);
      for (const entry of batch) entry.resolve();
      wake();
    }
    writer = undefined;
  }

  function retire(segment: Segment): void {
    segments.splice(segments.indexOf(segment), 1);
    totalBytes -= segment.size;
    const handle = active?.segment === segment ? active.handle : undefined;
    if (handle) active = undefined;
    const done = (async () => {
      await handle?.close();
      await unlink(segmentPath(dir, segment.id));
      await syncDir(dir);
    })().catch((error: unknown) => onError(error as Error, 'could not delete a drained spool segment'));
    retiring.add(done);
    void done.finally(() => retiring.delete(done));
  }

  /** Deletes the segments the cursor has left; the active one only when nothing at all is left to drain or being written. */
  function advance(): void {
    for (let first = segments[0]; first && cursorOffset >= first.size; first = segments[0]) {
      if (first === active?.segment && (entries > 0 || appending > 0)) return;
      retire(first);
      cursorOffset = 0;
    }
  }

  function saveCursor(): void {
    cursorDirty = true;
    cursorWrite ??= (async () => {
      while (cursorDirty) {
        cursorDirty = false;
        const at = { segment: segments[0]?.id ?? nextId, offset: segments[0] ? cursorOffset : 0 };
        await writeCursor(dir, at).catch((error: unknown) => onError(error as Error, 'could not save the spool cursor'));
      }
      cursorWrite = undefined;
    })();
  }

  return {
    append(frame, count) {
      if (closed) return Promise.reject(new BridgeError('spool_unavailable', { message: 'the spool is closed' }));
      if (totalBytes + frame.length > maxBytes) return Promise.reject(new BridgeError('spool_full'));
      totalBytes += frame.length;
      appending++;
      return new Promise<void>((resolve, reject) => {
        pending.push({ frame, records: count, resolve, reject });
        writer ??= writeLoop();
      });
    },

    isEmpty: () => entries === 0 && appending === 0,

    async read(limits) {
      advance();
      const first = segments[0];
      if (!first || cursorOffset >= first.size) return undefined;
      const start = cursorOffset;
      const handle = await open(segmentPath(dir, first.id), 'r');
      let bytes: Buffer;
      try {
        bytes = await readAt(handle, start, Math.min(first.size - start, limits.maxBytes));
        let scan = scanFrames(bytes, limits.maxEntries);
        // A frame larger than the read: read exactly that frame.
        if (scan.frames.length === 0 && scan.stop === 'short' && bytes.length >= FRAME_HEADER_BYTES) {
          bytes = await readAt(handle, start, Math.min(first.size - start, FRAME_HEADER_BYTES + bytes.readUInt32BE(0)));
          scan = scanFrames(bytes, 1);
        }
        if (scan.frames.length === 0) {
          // Durable bytes that fail their check: the disk changed them. Skip the rest of this segment, loudly.
          onError(new Error(`bad frame in spool segment ${first.id} at offset ${start}`), 'spool corrupt: skipping the rest of a segment');
          entries -= first.entries;
          records -= first.records;
          first.entries = 0;
          first.records = 0;
          cursorOffset = first.size;
          advance();
          saveCursor();
          return undefined;
        }
        const decoded = scan.frames.map((frame) => decodeEntry(frame.payload));
        return {
          segment: first.id,
          start,
          end: start + scan.validEnd,
          entries: decoded,
          records: decoded.reduce((sum, entry) => sum + entry.records.length, 0),
        };
      } finally {
        await handle.close();
      }
    },

    acknowledge(window) {
      const first = segments[0];
      if (!first || first.id !== window.segment || window.start !== cursorOffset) return;
      cursorOffset = window.end;
      first.entries -= window.entries.length;
      first.records -= window.records;
      entries -= window.entries.length;
      records -= window.records;
      advance();
      saveCursor();
    },

    whenAppended() {
      if (closed) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push(resolve));
    },

    status: () => ({ bytes: totalBytes, maxBytes, segments: segments.length, entries, records }),

    async oldestSpooledAt() {
      const first = segments[0];
      if (!first || entries === 0 || cursorOffset >= first.size) return undefined;
      const handle = await open(segmentPath(dir, first.id), 'r').catch(() => undefined);
      if (!handle) return undefined;
      try {
        const head = await readAt(handle, cursorOffset, FRAME_HEADER_BYTES + 8);
        return head.length === FRAME_HEADER_BYTES + 8 ? entrySpooledAt(head.subarray(FRAME_HEADER_BYTES)) : undefined;
      } finally {
        await handle.close();
      }
    },

    async close() {
      closed = true;
      wake();
      await writer;
      await active?.handle.close();
      active = undefined;
      await Promise.all(retiring);
      await cursorWrite;
    },
  };
}
