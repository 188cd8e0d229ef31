import type { FileHandle } from 'node:fs/promises';
import { mkdir } from 'node:fs/promises';
import { ConfigError } from '../config/declare.js';
import { writeFully } from '../disk/files.js';
import { lockDir } from '../disk/lock.js';
import type { SeenStore } from './dedupe.js';
import { FINGERPRINT_WORDS } from './fingerprint.js';
import { createMemorySeenStore } from './memory-seen-store.js';
import { ENTRY_BYTES, entriesFrame, logPath, type ReadBack, readEntries, resetLog, snapshotPath, writeSnapshot } from './seen-files.js';

/** How often remembered ids are written and fsynced together: what a SIGKILL or a power cut may lose at most. */
export const DEDUPE_COMMIT_INTERVAL_MS = 100;

export interface PersistentSeenStoreOptions {
  /** DEDUPE_DIR: one bridge at a time (a lock, as the spool's). */
  dir: string;
  ttlMs: number;
  maxEntries: number;
  now?: () => number;
  commitIntervalMs?: number;
  /** What was read back at start-up, for one log line. */
  onLoaded?: (loaded: { entries: number; snapshot: ReadBack; log: ReadBack }) => void;
  /** A write failed: the ids stay remembered in memory, but a restart would forget them. */
  onError: (error: Error, what: string) => void;
  /** A commit succeeded after one failed. */
  onWritable?: () => void;
}

export interface PersistentSeenStore extends SeenStore {
  size(): number;
  /** Writes everything still pending as a snapshot, and frees the directory. */
  close(): Promise<void>;
}

/**
 * The memory store (DEDUPE_STORE=memory) with its window kept in DEDUPE_DIR
 * across restarts: loaded at start-up (snapshot, then the log after it, cut
 * after its last whole frame), then every remembered id is appended to the
 * log by a group commit every `commitIntervalMs`, off the request's path.
 * The log is folded into a new snapshot at start-up, once it holds as many
 * entries as the store's bound, and on close: disk stays bounded as memory is.
 */
export async function openPersistentSeenStore(options: PersistentSeenStoreOptions): Promise<PersistentSeenStore> {
  const { dir, ttlMs } = options;
  const now = options.now ?? Date.now;
  let unlock: () => Promise<void>;
  try {
    await mkdir(dir, { recursive: true });
    unlock = await lockDir(dir, 'DEDUPE_DIR');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`DEDUPE_DIR: cannot write ${dir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }

  let pending = Buffer.allocUnsafe(1024 * ENTRY_BYTES);
  let pendingCount = 0;
  const store = createMemorySeenStore({
    ttlMs,
    maxEntries: options.maxEntries,
    now,
    onRemember(key, expiresAt) {
      if ((pendingCount + 1) * ENTRY_BYTES > pending.length) {
        const larger = Buffer.allocUnsafe(pending.length * 2);
        pending.copy(larger, 0, 0, pendingCount * ENTRY_BYTES);
        pending = larger;
      }
      const at = pendingCount++ * ENTRY_BYTES;
      for (let w = 0; w < FINGERPRINT_WORDS; w++) pending.writeUInt32LE(key[w] as number, at + w * 4);
      pending.writeDoubleLE(expiresAt, at + FINGERPRINT_WORDS * 4);
    },
  });

  let log: { handle: FileHandle; size: number; entries: number } | undefined;
  try {
    // A TTL shortened since: nothing is remembered longer than the window of today.
    const restore = (key: Uint32Array, expiresAt: number) => store.restore(key, Math.min(expiresAt, now() + ttlMs));
    const snapshot = await readEntries(snapshotPath(dir), restore);
    const logged = await readEntries(logPath(dir), restore);
    options.onLoaded?.({ entries: store.size(), snapshot, log: logged });
    // Folded at once: the log starts empty and a torn tail is gone.
    await compact();
  } catch (error) {
    await log?.handle.close();
    await unlock();
    throw new ConfigError(`DEDUPE_DIR: cannot read or write ${dir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }

  async function compact(): Promise<void> {
    await writeSnapshot(dir, store.live());
    await log?.handle.close();
    log = undefined;
    log = { ...(await resetLog(dir)), entries: 0 };
  }

  let failed = false;
  async function commit(): Promise<void> {
    if (pendingCount === 0) return;
    if (!log) {
      // A fold failed halfway (no log open): a new snapshot holds everything pending too.
      pendingCount = 0;
      await compact().catch((error: unknown) => options.onError(error as Error, 'dedupe window: could not write its snapshot'));
      return;
    }
    const frame = entriesFrame(pending.subarray(0, pendingCount * ENTRY_BYTES));
    const count = pendingCount;
    pendingCount = 0;
    try {
      await writeFully(log.handle, [frame], log.size);
      await log.handle.datasync();
      log.size += frame.length;
      log.entries += count;
      if (failed) options.onWritable?.();
      failed = false;
      if (log.entries >= Math.max(options.maxEntries, 1024)) await compact();
    } catch (error) {
      failed = true;
      // Cut what may be half written, so the next frame follows the last good one.
      await log?.handle.truncate(log.size).catch(() => {});
      options.onError(error as Error, 'dedupe window: could not write to DEDUPE_DIR (a restart would forget the latest ids)');
    }
  }

  let writing: Promise<void> | undefined;
  const timer = setInterval(() => {
    writing ??= commit().finally(() => {
      writing = undefined;
    });
  }, options.commitIntervalMs ?? DEDUPE_COMMIT_INTERVAL_MS);
  timer.unref();

  let closed: Promise<void> | undefined;
  return {
    seen: (eventId) => store.seen(eventId),
    remember: (eventId) => store.remember(eventId),
    size: () => store.size(),
    close() {
      closed ??= (async () => {
        clearInterval(timer);
        await writing;
        try {
          // The snapshot holds everything remembered, what was pending too.
          await compact();
          pendingCount = 0;
        } catch (error) {
          await commit();
          options.onError(error as Error, 'dedupe window: could not write its snapshot on shutdown');
        }
        await log?.handle.close();
        log = undefined;
        await unlock();
      })();
      return closed;
    },
  };
}
