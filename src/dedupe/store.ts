import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type { Config } from '../config.js';
import { createDedupe, type Dedupe, noDedupe } from './dedupe.js';
import { openPersistentSeenStore } from './persistent-seen-store.js';
import { createRedisDedupe } from './redis-dedupe.js';

const REDIS_CONNECT_WAIT_MS = 5_000;

export interface DedupeStore {
  dedupe: Dedupe;
  /** For the console: whether the store answers now. */
  health(): Promise<{ ok: boolean; detail: string }>;
  close(): Promise<void>;
}

/**
 * DEDUPE_STORE: `memory` (per process, its window kept in DEDUPE_DIR across
 * restarts), `redis` (shared by every instance) or `off`. Redis is given a few seconds to connect, so the first webhooks after
 * start are deduplicated; if it does not answer the bridge starts anyway.
 */
export async function createDedupeStore(config: Config, deps: { registry: Registry; logger: Logger }): Promise<DedupeStore> {
  const { dedupe: settings } = config;
  if (settings.store === 'off') return { dedupe: noDedupe, health: async () => ({ ok: true, detail: 'off' }), close: async () => {} };
  if (settings.store === 'memory' || !settings.redisUrl) {
    let failing = false;
    const store = await openPersistentSeenStore({
      dir: settings.dir,
      ttlMs: settings.ttlSeconds * 1000,
      maxEntries: settings.maxEntries,
      onLoaded: ({ entries, log }) => {
        if (log.cut) deps.logger.warn({ bytes: log.cut.bytes, reason: log.cut.reason }, 'dedupe window: cut a torn tail of its log');
        deps.logger.info({ entries, dir: settings.dir }, 'dedupe window loaded');
      },
      // Once per failing spell, not once per commit.
      onError: (error, what) => {
        if (!failing) deps.logger.error({ error: error.message }, what);
        failing = true;
      },
      onWritable: () => {
        deps.logger.info('dedupe window: DEDUPE_DIR written again');
        failing = false;
      },
    });
    const health = async () => ({ ok: !failing, detail: failing ? 'in memory; writing DEDUPE_DIR failed' : 'in memory, kept on disk' });
    return { dedupe: createDedupe(store), health, close: () => store.close() };
  }

  const unavailable = new Counter({
    name: 'popp_bridge_dedupe_unavailable_total',
    help: 'Redis dedupe operations that failed; the event was published without dedupe, so a duplicate is possible',
    registers: [deps.registry],
  });
  // Logged once per outage, not once per webhook; never the URL (it may carry a password).
  let down = false;
  const wentDown = (error: Error) => {
    if (down) return;
    down = true;
    deps.logger.warn({ error: error.message }, 'Redis dedupe unavailable: publishing without dedupe (duplicates possible)');
  };
  // Loaded only when used: ioredis costs ~10 MB of memory.
  const { connectRedis } = await import('./redis-client.js');
  const redis = connectRedis(settings.redisUrl, {
    onError: wentDown,
    onReady: () => {
      if (down) deps.logger.info('Redis dedupe available again');
      down = false;
    },
  });
  if (!(await redis.ready(REDIS_CONNECT_WAIT_MS))) {
    wentDown(new Error(`no connection within ${REDIS_CONNECT_WAIT_MS} ms`));
  }
  const dedupe = createRedisDedupe({
    redis,
    keyPrefix: `${config.topics.prefix}dedupe:`,
    ttlMs: settings.ttlSeconds * 1000,
    claimTtlMs: config.publishTimeoutMs + 5_000,
    waitMs: config.publishTimeoutMs,
    onUnavailable: (error) => {
      unavailable.inc();
      wentDown(error);
    },
  });
  const health = async () =>
    (await redis.ping()) ? { ok: true, detail: 'Redis answers' } : { ok: false, detail: 'Redis does not answer' };
  return { dedupe, health, close: () => redis.close() };
}
