import { randomUUID } from 'node:crypto';
import {
  type Consumer,
  type ConsumerLog,
  type ConsumerOptions,
  type ConsumerStats,
  createConsumer,
  createGroupAdmin,
  deadLetterTopicFor,
  type RebuildProgress,
  rebuild,
  type RebuildResult as SdkRebuildResult,
} from 'popp-bridge/consumer';
import type { ReadModel } from './read-model.js';
import { startOrClose } from './runtime.js';
import type { ExampleConnection } from './settings.js';

export interface ProjectionSettings extends ExampleConnection {
  dbPath: string;
  /** Groups are named `<baseGroup>.<when it was built>`; the dead-letter topic keeps the base name across rebuilds. */
  baseGroup: string;
  log?: ConsumerLog;
  /** Default SIGTERM and SIGINT stop it; tests pass []. */
  signals?: readonly NodeJS.Signals[];
}

/** A read model and how events reach it: what the live service and its rebuild share. */
export interface ProjectionDefinition<D extends ReadModel> {
  open(path: string): D;
  /** The handlers and where they read (`source`, …); group, store and dead letters are set here. */
  subscription(db: D): Pick<ConsumerOptions, 'handlers'> & Partial<ConsumerOptions>;
  /** Rows in the read model, for the rebuild's report. */
  size(db: D): number;
}

/**
 * A fresh group name. A new read model always gets a new group, so it starts
 * from the beginning of the log (`fromBeginning` applies only to a group
 * without committed offsets) and never from where some older copy stopped.
 */
export function freshGroupId(base: string, now = new Date()): string {
  return `${base}.${now.toISOString().replace(/[-:.]/g, '').toLowerCase()}-${randomUUID().slice(0, 4)}`;
}

function projectionOptions<D extends ReadModel>(
  settings: ProjectionSettings,
  definition: ProjectionDefinition<D>,
  db: D,
  groupId: string,
): ConsumerOptions {
  return {
    kafka: settings.kafka,
    topics: settings.topics,
    fromBeginning: true,
    ...definition.subscription(db),
    groupId,
    idempotency: db.store,
    deadLetterTopic: deadLetterTopicFor(settings.topics.prefix, settings.baseGroup),
    ...(settings.log && { log: settings.log }),
    ...(settings.signals && { signals: settings.signals }),
  };
}

/** The live projection: follows its topics in the group stored with the read model (a new one for a new database). */
export async function startProjection<D extends ReadModel>(
  settings: ProjectionSettings,
  definition: ProjectionDefinition<D>,
): Promise<{ consumer: Consumer; db: D }> {
  const db = definition.open(settings.dbPath);
  let groupId = db.groupId();
  if (!groupId) {
    groupId = freshGroupId(settings.baseGroup);
    db.setGroupId(groupId);
  }
  const consumer = createConsumer(projectionOptions(settings, definition, db, groupId));
  await startOrClose(consumer, () => db.close());
  return { consumer, db };
}

export interface RebuildResult {
  groupId: string;
  previousGroupId: string | undefined;
  stats: ConsumerStats;
  /** Rows in the rebuilt read model. */
  size: number;
  /** Events read, the time it took and the rate, as the SDK's rebuild measured them. */
  rebuild: Pick<SdkRebuildResult, 'events' | 'seconds' | 'eventsPerSec' | 'cpuUsPerEvent'>;
}

/**
 * Drops the read model and replays its topics under a fresh group (the SDK's
 * `rebuild`: no time limit, progress through `onProgress`) until it reaches
 * the end they had when the rebuild began, then stops. The live projection
 * must be stopped first (its group must have no members); `start` afterwards
 * continues in the new group. The old group is deleted.
 */
export async function rebuildProjection<D extends ReadModel>(
  settings: ProjectionSettings & { onProgress?: (progress: RebuildProgress) => void },
  definition: ProjectionDefinition<D>,
): Promise<RebuildResult> {
  const admin = await createGroupAdmin(settings.kafka);
  const db = definition.open(settings.dbPath);
  try {
    const previousGroupId = db.groupId();
    if (previousGroupId && (await admin.hasMembers(previousGroupId))) {
      throw new Error(`the projection is running in group ${previousGroupId}: stop it before rebuilding`);
    }
    const groupId = freshGroupId(settings.baseGroup);
    db.reset(groupId);
    const result = await rebuild({
      ...projectionOptions(settings, definition, db, groupId),
      ...(settings.onProgress && { onProgress: settings.onProgress }),
    });
    if (previousGroupId)
      await admin.remove(previousGroupId).catch(() => settings.log?.('warn', 'could not delete the old group', { previousGroupId }));
    const { events, seconds, eventsPerSec, cpuUsPerEvent } = result;
    return {
      groupId,
      previousGroupId,
      stats: result.stats,
      size: definition.size(db),
      rebuild: { events, seconds, eventsPerSec, cpuUsPerEvent },
    };
  } finally {
    db.close();
    await admin.close();
  }
}
