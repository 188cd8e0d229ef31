import {
  type ProjectionDefinition,
  type ProjectionSettings,
  type RebuildResult,
  rebuildProjection,
  startProjection,
} from '../shared/projection-service.js';
import { openTimelineDb, type TimelineDb } from './db.js';
import { timelineHandlers } from './handlers.js';

export type TimelineSettings = ProjectionSettings;

/** The log topic, every type in order per recordId, folded into one timeline per conversation. */
export const timelineDefinition: ProjectionDefinition<TimelineDb> = {
  open: openTimelineDb,
  subscription: (db) => ({ source: 'log', handlers: timelineHandlers(db) }),
  size: (db) => db.all().length,
};

/** The live projection: follows the log in the group stored with the read model (a new one for a new database). */
export const startTimeline = (settings: TimelineSettings) => startProjection(settings, timelineDefinition);

/** Drops the timelines and replays the whole log under a fresh group (the live projection must be stopped). */
export const rebuildTimeline = (settings: TimelineSettings): Promise<RebuildResult> => rebuildProjection(settings, timelineDefinition);
