import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { IdempotencyStore } from 'popp-bridge/consumer';

export type Db = Database.Database;

/** A SQLite file (created with its folder), in WAL mode so readers such as `list` never block the service. */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  // A checkpoint copies the WAL back into the database and syncs it; at the default (every 4 MB) it ran at
  // nearly every commit of a run of a thousand events, and took most of a rebuild's time. Every 64 MB instead.
  db.pragma('wal_autocheckpoint = 16384');
  // Up to 64 MB of pages in memory (the default is 2 MB): eventIds are random keys, so each run touches pages all over the table.
  db.pragma('cache_size = -65536');
  return db;
}

export const PROCESSED_EVENTS_DDL = `CREATE TABLE IF NOT EXISTS processed_events (
  event_id TEXT PRIMARY KEY,
  processed_at TEXT NOT NULL
) WITHOUT ROWID`;

/**
 * The eventIds a service applied, kept in the same database as its read
 * model (the key is the table: no second index), checked and recorded a run
 * of records at a time. `atomically` wraps
 * a run (the lookup, the handlers, the record of what they applied) in one
 * `BEGIN IMMEDIATE … COMMIT`, so a crash anywhere leaves either all of it or
 * none, and the disk is synced once per run instead of once per event.
 * Transactions are queued: the database has one connection, and with several
 * partitions in flight their runs would otherwise interleave at their awaits.
 * Statements are prepared once.
 */
export function createSqliteIdempotencyStore(
  db: Db,
  options: {
    now?: () => Date;
    /** Inside each transaction, just before its COMMIT: for a read model that writes its changes once per run. */
    beforeCommit?: () => void;
    /** After a ROLLBACK: whatever was kept in memory for the transaction is void. */
    afterRollback?: () => void;
  } = {},
): IdempotencyStore {
  const now = options.now ?? (() => new Date());
  db.exec(PROCESSED_EVENTS_DDL);
  const selectOne = db.prepare('SELECT 1 FROM processed_events WHERE event_id = ?').pluck();
  const insertOne = db.prepare('INSERT INTO processed_events (event_id, processed_at) VALUES (?, ?)');
  // A run's ids go in as one JSON array: one statement per run instead of one per event.
  const selectMany = db.prepare('SELECT event_id FROM processed_events WHERE event_id IN (SELECT value FROM json_each(?))').pluck();
  const insertMany = db.prepare('INSERT INTO processed_events (event_id, processed_at) SELECT value, ? FROM json_each(?) ORDER BY value');
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const rollback = db.prepare('ROLLBACK');
  let queue: Promise<unknown> = Promise.resolve();

  async function transaction<R>(work: () => Promise<R>): Promise<R> {
    begin.run();
    try {
      const result = await work();
      options.beforeCommit?.();
      commit.run();
      return result;
    } catch (error) {
      if (db.inTransaction) rollback.run();
      options.afterRollback?.();
      throw error;
    }
  }

  return {
    seen: (eventId) => selectOne.get(eventId) !== undefined,
    remember(eventId) {
      insertOne.run(eventId, now().toISOString());
    },
    seenAmong: (eventIds) => new Set(selectMany.all(JSON.stringify(eventIds)) as string[]),
    rememberAll(eventIds) {
      insertMany.run(now().toISOString(), JSON.stringify(eventIds));
    },
    atomically(work) {
      const result = queue.then(() => transaction(work));
      queue = result.catch(() => {});
      return result;
    },
  };
}
