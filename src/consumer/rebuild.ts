import type { LogEnds } from './catch-up.js';
import { createConsumer } from './consumer.js';
import { createGroupAdmin } from './groups.js';
import type { ConsumerOptions } from './options.js';
import { caughtUpTo, type RebuildProgress, rebuildProgress } from './progress.js';
import type { ConsumerStats } from './types.js';

export interface RebuildOptions extends Omit<ConsumerOptions, 'fromBeginning' | 'onPosition'> {
  /** Called every `progressEveryMs` (default 1000) while reading, and once at the end. */
  onProgress?: (progress: RebuildProgress) => void;
  progressEveryMs?: number;
}

export interface RebuildResult {
  groupId: string;
  stats: ConsumerStats;
  /** Records read, from the beginning of the log to the end it had when the rebuild began. */
  events: number;
  /** From joining the group to reaching that end. */
  seconds: number;
  eventsPerSec: number;
  /** CPU time of this process per event over the same span (handlers and store included). */
  cpuUsPerEvent: number;
}

/**
 * Replays a projection's topics under a fresh group, from the beginning,
 * until every partition reached the end it had when the rebuild began, then
 * stops (committing what it did), so a consumer started afterwards in the
 * same group carries on with what came since. No time limit: it reports
 * progress instead, and a stop (SIGTERM/SIGINT, or `signals` given) ends it
 * early with an error, leaving the group where it got to.
 */
export async function rebuild(options: RebuildOptions): Promise<RebuildResult> {
  const positions = new Map<string, bigint>();
  let ends: LogEnds | undefined;
  let caughtAt: number | undefined;
  let reached: () => void = () => {};
  const caughtUp = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const check = () => {
    if (caughtAt === undefined && ends && caughtUpTo(ends, positions)) {
      caughtAt = performance.now();
      reached();
    }
  };
  const consumer = createConsumer({
    ...options,
    // A replay reads the log end to end: bigger batches, fewer round trips and commits (measured: about 15 % less CPU per event).
    fetchBytesPerPartition: options.fetchBytesPerPartition ?? 4 * 1_048_576,
    fromBeginning: true,
    onPosition(topic, partition, next) {
      positions.set(`${topic}/${partition}`, BigInt(next));
      check();
    },
  });
  const { topics } = consumer;
  const admin = await createGroupAdmin(options.kafka);
  try {
    if ((await admin.hasMembers(options.groupId)) || (await admin.hasCommitted(options.groupId, topics))) {
      throw new Error(`a rebuild needs a fresh consumer group, but ${options.groupId} has members or committed offsets`);
    }
    await consumer.start();
    const started = performance.now();
    const cpuAtStart = process.cpuUsage();
    let cpuUs = 0;
    // The end seen right after joining: the topics exist by now (the consumer creates missing ones).
    const seen = await admin.ends(topics);
    ends = seen;
    const progress = () => rebuildProgress(seen, positions, ((caughtAt ?? performance.now()) - started) / 1000);
    const timer = setInterval(() => options.onProgress?.(progress()), options.progressEveryMs ?? 1_000);
    try {
      check();
      const stoppedEarly = consumer.stopped.then(() => {
        throw new Error('the rebuild was stopped before it caught up');
      });
      stoppedEarly.catch(() => {}); // it settles at our own stop below too; the race is what observes it
      await Promise.race([caughtUp, stoppedEarly]);
      const cpu = process.cpuUsage(cpuAtStart);
      cpuUs = cpu.user + cpu.system;
    } finally {
      clearInterval(timer);
      await consumer.stop();
    }
    const final = progress();
    options.onProgress?.(final);
    const late = await admin.behind(options.groupId, seen, topics);
    if (late.length > 0) {
      // Harmless with an idempotency store: the next start reads those records again and skips them.
      options.log?.('warn', 'the last commit of the rebuild did not land everywhere', { groupId: options.groupId, behind: late });
    }
    const round = (value: number) => Math.round(value * 100) / 100;
    return {
      groupId: options.groupId,
      stats: consumer.stats(),
      events: final.events,
      seconds: round(final.seconds),
      eventsPerSec: final.eventsPerSec,
      cpuUsPerEvent: round(cpuUs / Math.max(1, final.events)),
    };
  } finally {
    await admin.close();
  }
}
