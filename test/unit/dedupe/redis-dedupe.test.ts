import { describe, expect, it } from 'vitest';
import { createRedisDedupe, type DedupeRedis } from '../../../src/dedupe/redis-dedupe.js';
import { BridgeError } from '../../../src/errors.js';

/** Redis' SET NX PX semantics in memory, shared by several "instances"; `down` makes every call fail. */
function fakeRedis() {
  const keys = new Map<string, { value: string; expiresAt: number }>();
  const state = { down: false };
  const live = (key: string) => {
    const entry = keys.get(key);
    if (entry && entry.expiresAt <= Date.now()) keys.delete(key);
    return keys.get(key);
  };
  const check = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    if (state.down) throw new Error('connect ECONNREFUSED');
  };
  const redis: DedupeRedis = {
    async claim(key, value, ttlMs) {
      await check();
      if (live(key)) return false;
      keys.set(key, { value, expiresAt: Date.now() + ttlMs });
      return true;
    },
    async get(key) {
      await check();
      return live(key)?.value ?? null;
    },
    async markPublished(key, ttlMs) {
      await check();
      keys.set(key, { value: 'published', expiresAt: Date.now() + ttlMs });
    },
    async release(key, value) {
      await check();
      if (live(key)?.value === value) keys.delete(key);
    },
  };
  return { redis, keys, state };
}

function instance(redis: DedupeRedis, unavailable: Error[] = [], claimTtlMs = 5_000) {
  return createRedisDedupe({
    redis,
    keyPrefix: 'p.dedupe:',
    ttlMs: 60_000,
    claimTtlMs,
    waitMs: 2_000,
    pollMs: 5,
    onUnavailable: (error) => unavailable.push(error),
  });
}

const slowPublish = (log: string[], name: string) => async () => {
  await new Promise((resolve) => setTimeout(resolve, 30));
  log.push(name);
};

describe('the Redis dedupe shared by instances', () => {
  it('publishes an event sent to three instances at once exactly once; the others answer duplicate', async () => {
    const { redis } = fakeRedis();
    const published: string[] = [];
    const outcomes = await Promise.all(['a', 'b', 'c'].map((name) => instance(redis).once('evt-1', slowPublish(published, name))));
    expect(published).toHaveLength(1);
    expect(outcomes.sort()).toEqual(['duplicate', 'duplicate', 'published']);
  });

  it('releases the claim when the publish fails, so a retry publishes', async () => {
    const { redis, keys } = fakeRedis();
    const dedupe = instance(redis);
    await expect(dedupe.once('evt-2', async () => Promise.reject(new BridgeError('kafka_unavailable')))).rejects.toThrow(BridgeError);
    expect(keys.has('p.dedupe:evt-2')).toBe(false);
    const published: string[] = [];
    expect(await dedupe.once('evt-2', slowPublish(published, 'retry'))).toBe('published');
    expect(await dedupe.once('evt-2', slowPublish(published, 'again'))).toBe('duplicate');
    expect(published).toEqual(['retry']);
  });

  it('lets a claim left by a crashed instance expire instead of blocking the eventId forever', async () => {
    const { redis } = fakeRedis();
    await redis.claim('p.dedupe:evt-3', 'claim:crashed', 50);
    const published: string[] = [];
    expect(await instance(redis).once('evt-3', slowPublish(published, 'survivor'))).toBe('published');
    expect(published).toEqual(['survivor']);
  });

  it('answers 503 when another instance holds the claim longer than it may wait', async () => {
    const { redis } = fakeRedis();
    await redis.claim('p.dedupe:evt-4', 'claim:busy', 60_000);
    const dedupe = createRedisDedupe({
      redis,
      keyPrefix: 'p.dedupe:',
      ttlMs: 1,
      claimTtlMs: 1,
      waitMs: 50,
      pollMs: 5,
      onUnavailable: () => {},
    });
    await expect(dedupe.once('evt-4', async () => {})).rejects.toMatchObject({ code: 'publish_timeout', status: 503 });
  });

  it('keeps publishing while Redis is down, and says so', async () => {
    const { redis, state } = fakeRedis();
    state.down = true;
    const unavailable: Error[] = [];
    const published: string[] = [];
    const dedupe = instance(redis, unavailable);
    expect(await dedupe.once('evt-5', slowPublish(published, 'first'))).toBe('published');
    expect(await dedupe.once('evt-5', slowPublish(published, 'second'))).toBe('published');
    expect(published).toEqual(['first', 'second']);
    expect(unavailable.length).toBeGreaterThanOrEqual(2);
  });
});
