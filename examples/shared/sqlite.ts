import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { IdempotencyStore } from '../../src/consumer/index.js';

export type Db = Database.Database;

/** A SQLite file (created with its folder), in WAL mode so readers such as `list` never block the service. */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  return db;
}

export const PROCESSED_EVENTS_DDL = `CREATE TABLE IF NOT EXISTS processed_events (
  event_id TEXT PRIMARY KEY,
  processed_at TEXT NOT NULL
)`;

/**
 * The eventIds a service applied, kept in the same database as its read
 * model. `atomically` wraps seen → handler → remember in one transaction, so
 * a crash anywhere leaves either both the change and its eventId or neither.
 * better-sqlite3 is synchronous and the SDK handles one record at a time, so
 * an explicit BEGIN … COMMIT around the awaited work is never interleaved.
 */
export function createSqliteIdempotencyStore(db: Db, now: () => Date = () => new Date()): IdempotencyStore {
  db.exec(PROCESSED_EVENTS_DDL);
  return {
    seen: (eventId) => db.prepare('SELECT 1 FROM processed_events WHERE event_id = ?').get(eventId) !== undefined,
    remember(eventId) {
      db.prepare('INSERT INTO processed_events (event_id, processed_at) VALUES (?, ?)').run(eventId, now().toISOString());
    },
    async atomically(work) {
      if (db.inTransaction) throw new Error('the idempotency store is already in a transaction: handle one record at a time');
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work();
        db.exec('COMMIT');
        return result;
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
    },
  };
}
