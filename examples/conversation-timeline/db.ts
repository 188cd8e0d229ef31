import type { IdempotencyStore } from '../../src/consumer/index.js';
import { createSqliteIdempotencyStore, type Db, openDatabase, PROCESSED_EVENTS_DDL } from '../shared/sqlite.js';
import type { Timeline } from './projection.js';

export interface TimelineDb {
  load(recordId: string): Timeline | undefined;
  save(timeline: Timeline): void;
  /** Every timeline, by recordId. */
  all(): Timeline[];
  /** The consumer group this read model was built by, undefined for a new database. */
  groupId(): string | undefined;
  /** Drops the read model and the processed eventIds and records the group that rebuilds them: one transaction. */
  reset(groupId: string): void;
  setGroupId(groupId: string): void;
  readonly store: IdempotencyStore;
  close(): void;
}

const READ_MODEL_DDL = `CREATE TABLE IF NOT EXISTS timelines (
  record_id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL,
  status TEXT NOT NULL,
  started_at TEXT,
  completed_at TEXT,
  document_count INTEGER NOT NULL,
  documents TEXT NOT NULL,
  events INTEGER NOT NULL,
  last_event_at TEXT NOT NULL
)`;

const SELECT = `SELECT record_id AS recordId, organization_id AS organizationId, status, started_at AS startedAt,
  completed_at AS completedAt, documents, events, last_event_at AS lastEventAt FROM timelines`;

/** A row as SQLite returns it: the timeline with its documents still in JSON. */
type Row = Omit<Timeline, 'documents'> & { documents: string };
const toTimeline = (row: Row): Timeline => ({ ...row, documents: JSON.parse(row.documents) as Timeline['documents'] });

/** The timeline read model; `meta` (the group id) is not part of it and survives a rebuild. */
export function openTimelineDb(path: string): TimelineDb {
  const db: Db = openDatabase(path);
  db.exec(READ_MODEL_DDL);
  db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  const store = createSqliteIdempotencyStore(db);
  const setGroupId = (groupId: string) => {
    db.prepare("INSERT INTO meta (key, value) VALUES ('group_id', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(groupId);
  };
  return {
    store,
    load(recordId) {
      const row = db.prepare(`${SELECT} WHERE record_id = ?`).get(recordId) as Row | undefined;
      return row && toTimeline(row);
    },
    save(t) {
      db.prepare(
        `INSERT OR REPLACE INTO timelines (record_id, organization_id, status, started_at, completed_at, document_count, documents, events, last_event_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        t.recordId,
        t.organizationId,
        t.status,
        t.startedAt,
        t.completedAt,
        t.documents.length,
        JSON.stringify(t.documents),
        t.events,
        t.lastEventAt,
      );
    },
    all: () => (db.prepare(`${SELECT} ORDER BY record_id`).all() as Row[]).map(toTimeline),
    groupId: () => (db.prepare("SELECT value FROM meta WHERE key = 'group_id'").get() as { value: string } | undefined)?.value,
    setGroupId,
    reset: (groupId) =>
      db.transaction(() => {
        db.exec('DROP TABLE timelines');
        db.exec('DROP TABLE processed_events');
        db.exec(READ_MODEL_DDL);
        db.exec(PROCESSED_EVENTS_DDL);
        setGroupId(groupId);
      })(),
    close: () => db.close(),
  };
}
