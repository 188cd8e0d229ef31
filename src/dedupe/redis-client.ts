import { Redis } from 'ioredis';
import type { DedupeRedis } from './redis-dedupe.js';
import { PUBLISHED } from './redis-dedupe.js';

const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

export interface RedisConnection extends DedupeRedis {
  /** Resolves true once connected, false after `timeoutMs` (commands fail fast until then). */
  ready(timeoutMs: number): Promise<boolean>;
  /** Whether Redis answers now (fails fast like every command). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * ioredis tuned to fail fast: no offline queue and one short attempt per
 * command, so a Redis outage costs a webhook milliseconds (then it is
 * published without dedupe) instead of the seconds ioredis would queue it.
 * It reconnects in the background on its own.
 */
export function connectRedis(url: string, events: { onError: (error: Error) => void; onReady: () => void }): RedisConnection {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 500,
    connectTimeout: 1_000,
    retryStrategy: (times) => Math.min(times * 100, 1_000),
    lazyConnect: false,
  });
  // Without a listener ioredis prints every failed reconnect; the caller logs once instead.
  client.on('error', events.onError);
  client.on('ready', events.onReady);
  return {
    ready(timeoutMs) {
      if (client.status === 'ready') return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        client.once('ready', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    },
    async ping() {
      return (await client.ping().catch(() => '')) === 'PONG';
    },
    async claim(key, value, ttlMs) {
      return (await client.set(key, value, 'PX', ttlMs, 'NX')) === 'OK';
    },
    get: (key) => client.get(key),
    async markPublished(key, ttlMs) {
      await client.set(key, PUBLISHED, 'PX', ttlMs);
    },
    async release(key, value) {
      await client.eval(RELEASE, 1, key, value);
    },
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
