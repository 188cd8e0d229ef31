import { randomUUID } from 'node:crypto';
import type { Config } from '../../src/config.js';
import {
  type Consumer,
  type ConsumerLog,
  type ConsumerOptions,
  type ConsumerStats,
  connectionFromConfig,
  createConsumer,
  createGroupAdmin,
  deadLetterTopicFor,
  type RebuildProgress,
  type RebuildResult,
  rebuild,
} from '../../src/consumer/index.js';
import { startOrClose } from '../shared/runtime.js';
import { openTimelineDb, type TimelineDb } from './db.js';
import { timelineHandlers } from './handlers.js';

export interface TimelineSettings {
  config: Config;
  brokers: string[];
  dbPath: string;
  /** Groups are named `<baseGroup>.<when it was built>`; the dead-letter topic keeps the base name across rebuilds. */
  baseGroup: string;
  log?: ConsumerLog;
  /** Default SIGTERM and SIGINT stop it; tests pass []. */
  signals?: readonly NodeJS.Signals[];
}

/**
 * A fresh group name. A new read model always gets a new group, so it starts
 * from the beginning of the log (`fromBeginning` applies only to a group
 * without committed offsets) and never from where some older copy stopped.
 */
export function freshGroupId(base: string, now = new Date()): string {
  return `${base}.${now.toISOString().replace(/[-:.]/g, '').toLowerCase()}-${randomUUID().slice(0, 4)}`;
}

function timelineOptions(settings: TimelineSettings, db: TimelineDb, groupId: string): ConsumerOptions {
  return {
    ...connectionFromConfig(settings.config, settings.brokers),
    groupId,
    source: 'log',
    fromBeginning: true,
    handlers: timelineHandlers(db),
    idempotency: db.store,
    deadLetterTopic: deadLetterTopicFor(settings.config.topics.prefix, settings.baseGroup),
    ...(settings.log && { log: settings.log }),
    ...(settings.signals && { signals: settings.signals }),
  };
}

/** The live projection: follows the log in the group stored with the read model (a new one for a new database). */
export async function startTimeline(settings: TimelineSettings): Promise<{ consumer: Consumer; db: TimelineDb }> {
  const db = openTimelineDb(settings.dbPath);
  let groupId = db.groupId();
  if (!groupId) {
    groupId = freshGroupId(settings.baseGroup);
    db.setGroupId(groupId);
  }
  const consumer = createConsumer(timelineOptions(settings, db, groupId));
  await startOrClose(consumer, () => db.close());
  return { consumer, db };
}

export interface TimelineRebuild {
  groupId: string;
  previousGroupId: string | undefined;
  stats: ConsumerStats;
  timelines: number;
  /** Events read, the time it took and the rate, as the SDK's rebuild measured them. */
  rebuild: Pick<RebuildResult, 'events' | 'seconds' | 'eventsPerSec' | 'cpuUsPerEvent'>;
}

/**
 * Drops the read model and replays the whole log under a fresh group (the
 * SDK's `rebuild`) until it reaches the end the log had when the rebuild
 * began, then stops. The live projection must be stopped first (its group
 * must have no members); `start` afterwards continues in the new group. The
 * old group is deleted.
 */
export async function rebuildTimeline(
  settings: TimelineSettings & { onProgress?: (progress: RebuildProgress) => void },
): Promise<TimelineRebuild> {
  const admin = await createGroupAdmin(connectionFromConfig(settings.config, settings.brokers).kafka);
  const db = openTimelineDb(settings.dbPath);
  try {
    const previousGroupId = db.groupId();
    if (previousGroupId && (await admin.hasMembers(previousGroupId))) {
      throw new Error(`the projection is running in group ${previousGroupId}: stop it before rebuilding`);
    }
    const groupId = freshGroupId(settings.baseGroup);
    db.reset(groupId);
    const result = await rebuild({
      ...timelineOptions(settings, db, groupId),
      ...(settings.onProgress && { onProgress: settings.onProgress }),
    });
    if (previousGroupId)
      await admin.remove(previousGroupId).catch(() => settings.log?.('warn', 'could not delete the old group', { previousGroupId }));
    const { events, seconds, eventsPerSec, cpuUsPerEvent } = result;
    return {
      groupId,
      previousGroupId,
      stats: result.stats,
      timelines: db.all().length,
      rebuild: { events, seconds, eventsPerSec, cpuUsPerEvent },
    };
  } finally {
    db.close();
    await admin.close();
  }
}
