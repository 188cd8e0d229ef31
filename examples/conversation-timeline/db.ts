import { type ReadModel, readModelTables } from '../shared/read-model.js';
import { createSqliteIdempotencyStore, type Db, openDatabase } from '../shared/sqlite.js';
import type { Timeline } from './projection.js';

export interface TimelineDb extends ReadModel {
  load(recordId: string): Timeline | undefined;
  save(timeline: Timeline): void;
  /** Every timeline, by recordId. */
  all(): Timeline[];
}

const READ_MODEL_DDL = `CREATE TABLE IF NOT EXISTS timelines (
  record_id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL,
  status TEXT NOT NULL,
  conversation_status TEXT,
  candidate_id TEXT,
  external_id TEXT,
  external_campaign_id TEXT,
  queued_at TEXT,
  started_at TEXT,
  failed_to_start_at TEXT,
  needs_review_at TEXT,
  max_nudges_reached_at TEXT,
  opted_out_at TEXT,
  completed_at TEXT,
  screening TEXT,
  document_count INTEGER NOT NULL,
  documents TEXT NOT NULL,
  events INTEGER NOT NULL,
  last_event_at TEXT NOT NULL
)`;

const SELECT = `SELECT record_id AS recordId, organization_id AS organizationId, status, conversation_status AS conversationStatus,
  candidate_id AS candidateId, external_id AS externalId, external_campaign_id AS externalCampaignId, queued_at AS queuedAt,
  started_at AS startedAt, failed_to_start_at AS failedToStartAt, needs_review_at AS needsReviewAt,
  max_nudges_reached_at AS maxNudgesReachedAt, opted_out_at AS optedOutAt, completed_at AS completedAt, screening, documents,
  events, last_event_at AS lastEventAt FROM timelines`;

const SAVE = `INSERT OR REPLACE INTO timelines (record_id, organization_id, status, conversation_status, candidate_id, external_id,
  external_campaign_id, queued_at, started_at, failed_to_start_at, needs_review_at, max_nudges_reached_at, opted_out_at,
  completed_at, screening, document_count, documents, events, last_event_at)
  VALUES (@recordId, @organizationId, @status, @conversationStatus, @candidateId, @externalId, @externalCampaignId, @queuedAt,
  @startedAt, @failedToStartAt, @needsReviewAt, @maxNudgesReachedAt, @optedOutAt, @completedAt, @screening, @documentCount,
  @documents, @events, @lastEventAt)`;

/** A row as SQLite returns it: the timeline with its screening and documents still in JSON. */
type Row = Omit<Timeline, 'documents' | 'screening'> & { documents: string; screening: string | null };
const toTimeline = (row: Row): Timeline => ({
  ...row,
  screening: row.screening === null ? null : (JSON.parse(row.screening) as Timeline['screening']),
  documents: JSON.parse(row.documents) as Timeline['documents'],
});

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
  const tables = readModelTables(db, { timelines: READ_MODEL_DDL });
  const selectOne = db.prepare(`${SELECT} WHERE record_id = ?`);
  const selectAll = db.prepare(`${SELECT} ORDER BY record_id`);
  const save = db.prepare(SAVE);
  const cache = new Map<string, Timeline>();
  const dirty = new Set<string>();
  const write = (t: Timeline) =>
    save.run({
      ...t,
      screening: t.screening && JSON.stringify(t.screening),
      documentCount: t.documents.length,
      documents: JSON.stringify(t.documents),
    });
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
  return {
    store,
    ...tables,
    reset(groupId) {
      forget();
      tables.reset(groupId);
    },
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
    close: () => db.close(),
  };
}

/** A few KB each: a bound of some tens of megabytes. */
const CACHED_TIMELINES = 20_000;
