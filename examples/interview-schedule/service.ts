import {
  type ProjectionDefinition,
  type ProjectionSettings,
  type RebuildResult,
  rebuildProjection,
  startProjection,
} from '../shared/projection-service.js';
import { openScheduleDb, type ScheduleDb } from './db.js';
import { scheduleHandlers } from './handlers.js';

export type ScheduleSettings = ProjectionSettings;

/** The topics of the scheduling events, folded into one row per booking. */
export const scheduleDefinition: ProjectionDefinition<ScheduleDb> = {
  open: openScheduleDb,
  subscription: (db) => ({ handlers: scheduleHandlers(db) }),
  size: (db) => db.all().length,
};

/** The live projection: follows the scheduling topics in the group stored with the read model (a new one for a new database). */
export const startSchedule = (settings: ScheduleSettings) => startProjection(settings, scheduleDefinition);

/** Drops the interviews and replays the scheduling topics under a fresh group (the live projection must be stopped). */
export const rebuildSchedule = (settings: ScheduleSettings): Promise<RebuildResult> => rebuildProjection(settings, scheduleDefinition);
