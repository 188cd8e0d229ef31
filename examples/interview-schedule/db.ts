import { type ReadModel, readModelTables } from '../shared/read-model.js';
import { createSqliteIdempotencyStore, type Db, openDatabase } from '../shared/sqlite.js';
import type { Interview, Meeting } from './projection.js';

export interface ScheduleDb extends ReadModel {
  load(recordId: string): Interview | undefined;
  save(interview: Interview): void;
  /** Every booking, by recordId. */
  all(): Interview[];
  /** Booked interviews (scheduled, updated or rescheduled) that have not ended at `now`, soonest first. */
  upcoming(now: Date): Interview[];
}

const READ_MODEL_DDL = `CREATE TABLE IF NOT EXISTS interviews (
  record_id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL,
  conversation_id TEXT,
  external_conversation_id TEXT,
  external_campaign_id TEXT,
  status TEXT NOT NULL,
  change_key TEXT,
  meeting TEXT,
  meeting_key TEXT,
  ids_key TEXT,
  starts_at TEXT,
  ends_at TEXT,
  reschedules INTEGER NOT NULL,
  updates INTEGER NOT NULL,
  notes_ready_at TEXT,
  availability_not_found_at TEXT,
  more_time_requested_at TEXT,
  events INTEGER NOT NULL,
  last_event_at TEXT NOT NULL
)`;

const SELECT = `SELECT record_id AS recordId, organization_id AS organizationId, conversation_id AS conversationId,
  external_conversation_id AS externalConversationId, external_campaign_id AS externalCampaignId, status, change_key AS changeKey,
  meeting, meeting_key AS meetingKey, ids_key AS idsKey, reschedules, updates, notes_ready_at AS notesReadyAt,
  availability_not_found_at AS availabilityNotFoundAt, more_time_requested_at AS moreTimeRequestedAt, events,
  last_event_at AS lastEventAt FROM interviews`;

const SAVE = `INSERT OR REPLACE INTO interviews (record_id, organization_id, conversation_id, external_conversation_id,
  external_campaign_id, status, change_key, meeting, meeting_key, ids_key, starts_at, ends_at, reschedules, updates, notes_ready_at,
  availability_not_found_at, more_time_requested_at, events, last_event_at)
  VALUES (@recordId, @organizationId, @conversationId, @externalConversationId, @externalCampaignId, @status, @changeKey,
  @meeting, @meetingKey, @idsKey, @startsAt, @endsAt, @reschedules, @updates, @notesReadyAt, @availabilityNotFoundAt,
  @moreTimeRequestedAt, @events, @lastEventAt)`;

/** A row as SQLite returns it: the interview with its meeting still in JSON. */
type Row = Omit<Interview, 'meeting'> & { meeting: string | null };
const toInterview = (row: Row): Interview => ({ ...row, meeting: row.meeting === null ? null : (JSON.parse(row.meeting) as Meeting) });

/** UTC, so that SQLite orders and compares meeting times written with any offset. */
const utc = (time: string | null | undefined) => (time ? new Date(time).toISOString() : null);

/** The interview read model: one row per booking, with the processed eventIds and the group beside it. */
export function openScheduleDb(path: string): ScheduleDb {
  const db: Db = openDatabase(path);
  const tables = readModelTables(db, { interviews: READ_MODEL_DDL });
  const store = createSqliteIdempotencyStore(db);
  // Prepared once: preparing a statement costs more than running it.
  const selectOne = db.prepare(`${SELECT} WHERE record_id = ?`);
  const selectAll = db.prepare(`${SELECT} ORDER BY record_id`);
  const selectUpcoming = db.prepare(
    `${SELECT} WHERE status IN ('scheduled', 'updated', 'rescheduled') AND ends_at >= ? ORDER BY starts_at, record_id`,
  );
  const save = db.prepare(SAVE);
  return {
    store,
    ...tables,
    load(recordId) {
      const row = selectOne.get(recordId) as Row | undefined;
      return row && toInterview(row);
    },
    save(interview) {
      save.run({
        ...interview,
        meeting: interview.meeting && JSON.stringify(interview.meeting),
        startsAt: utc(interview.meeting?.startDateTime),
        endsAt: utc(interview.meeting?.endDateTime ?? interview.meeting?.startDateTime),
      });
    },
    all: () => (selectAll.all() as Row[]).map(toInterview),
    upcoming: (now) => (selectUpcoming.all(now.toISOString()) as Row[]).map(toInterview),
    close: () => db.close(),
  };
}
