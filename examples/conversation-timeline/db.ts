import type { IdempotencyStore } from '../../src/consumer/index.js';
import { createSqliteIdempotencyStore, type Db, openDatabase } from '../shared/sqlite.js';
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

/**
 * The timeline read model; `meta` (the group id) is not part of it and
 * survives a rebuild. Statements are prepared once. Inside a transaction of
 * its store, a timeline is read from SQLite once and written back once, just
 * before the COMMIT, however many of the run's events moved it; timelines
 * stay in memory across runs (up to `CACHED_TIMELINES`) and are forgotten on
 * a rollback.
 */
export function openTimelineDb(path: string): TimelineDb {
  const db: Db = openDatabase(path);
  db.exec(READ_MODEL_DDL);
  db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  const selectOne = db.prepare(`${SELECT} WHERE record_id = ?`);
  const selectAll = db.prepare(`${SELECT} ORDER BY record_id`);
  const upsert = db.prepare(
    `INSERT INTO timelines (record_id, organization_id, status, started_at, completed_at, document_count, documents, events, last_event_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (record_id) DO UPDATE SET organization_id = excluded.organization_id, status = excluded.status,
       started_at = excluded.started_at, completed_at = excluded.completed_at, document_count = excluded.document_count,
       documents = excluded.documents, events = excluded.events, last_event_at = excluded.last_event_at`,
  );
  const selectGroup = db.prepare("SELECT value FROM meta WHERE key = 'group_id'").pluck();
  const upsertGroup = db.prepare(
    "INSERT INTO meta (key, value) VALUES ('group_id', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  );
  const cache = new Map<string, Timeline>();
  const dirty = new Set<string>();
  const write = (t: Timeline) =>
    upsert.run(
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
  const flush = () => {
    for (const recordId of dirty) write(cache.get(recordId) as Timeline);
    dirty.clear();
    if (cache.size > CACHED_TIMELINES) cache.clear();
  };
  const forget = () => {
    cache.clear();
    dirty.clear();
  };
  const store = createSqliteIdempotencyStore(db, { beforeCommit: flush, afterRollback: forget });
  const setGroupId = (groupId: string) => {
    upsertGroup.run(groupId);
  };
  return {
    store,
    load(recordId) {
      const cached = cache.get(recordId);
      if (cached) return cached;
      const row = selectOne.get(recordId) as Row | undefined;
      return row && toTimeline(row);
    },
    save(t) {
      if (!db.inTransaction) return void write(t);
      cache.set(t.recordId, t);
      dirty.add(t.recordId);
    },
    all: () => (selectAll.all() as Row[]).map(toTimeline),
    groupId: () => selectGroup.get() as string | undefined,
    setGroupId,
    reset: (groupId) =>
      db.transaction(() => {
        forget();
        db.exec('DELETE FROM timelines');
        db.exec('DELETE FROM processed_events');
        setGroupId(groupId);
      })(),
    close: () => db.close(),
  };
}

/** About 2 KB each: a bound of some tens of megabytes. */
const CACHED_TIMELINES = 20_000;
