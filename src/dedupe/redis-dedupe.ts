import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { BridgeError } from '../errors.js';
import { coalesced, type Dedupe, type DedupeOutcome } from './dedupe.js';

/** The few Redis operations the shared dedupe needs (ioredis in redis-client.ts; a fake in unit tests). */
export interface DedupeRedis {
  /** SET key value NX PX ttlMs: true when we now hold the claim. */
  claim(key: string, value: string, ttlMs: number): Promise<boolean>;
  get(key: string): Promise<string | null>;
  /** SET key "published" PX ttlMs. */
  markPublished(key: string, ttlMs: number): Promise<void>;
  /** Deletes the key only while it still holds `value` (our claim, not someone else's). */
  release(key: string, value: string): Promise<void>;
}

export interface RedisDedupeOptions {
  redis: DedupeRedis;
  /** Keys are `<keyPrefix><eventId>`; the topic prefix keeps deployments sharing a Redis apart. */
  keyPrefix: string;
  /** How long a published eventId is remembered (DEDUPE_TTL_SECONDS). */
  ttlMs: number;
  /** A claim outlives any publish; a process that died mid-publish blocks the id at most this long. */
  claimTtlMs: number;
  /** How long a copy waits for another instance's publish of the same id before answering 503. */
  waitMs: number;
  pollMs?: number;
  /** Redis did not answer: the event is published without dedupe (a duplicate is possible, a refusal is not). */
  onUnavailable: (error: Error) => void;
}

export const PUBLISHED = 'published';

/**
 * Dedupe shared by every instance through Redis. An eventId is claimed
 * atomically while in flight (SET NX PX) and marked published only after
 * Kafka acknowledged it; a failed publish releases the claim so Popp's retry
 * can publish; a crash leaves a claim that expires. A copy that finds the
 * claim of another instance waits for its outcome. Without Redis the bridge
 * keeps publishing: availability over exactly-once (docs/guarantees.md asks
 * consumers to dedupe by eventId anyway).
 */
export function createRedisDedupe(options: RedisDedupeOptions): Dedupe {
  const { redis, pollMs = 25 } = options;

  async function unguarded(publish: () => Promise<void>, error: unknown): Promise<DedupeOutcome> {
    options.onUnavailable(error as Error);
    await publish();
    return 'published';
  }

  async function attempt(eventId: string, publish: () => Promise<void>): Promise<DedupeOutcome> {
    const key = options.keyPrefix + eventId;
    const claim = `claim:${randomUUID()}`;
    const deadline = Date.now() + options.waitMs;
    for (;;) {
      let claimed: boolean;
      let holder: string | null = null;
      try {
        claimed = await redis.claim(key, claim, options.claimTtlMs);
        if (!claimed) holder = await redis.get(key);
      } catch (error) {
        return unguarded(publish, error);
      }
      if (claimed) break;
      if (holder === PUBLISHED) return 'duplicate';
      // Claimed by another instance (or gone since): wait for its outcome, then look again.
      if (Date.now() > deadline) throw new BridgeError('publish_timeout', { message: 'another instance is still publishing this eventId' });
      if (holder !== null) await sleep(pollMs);
    }

    try {
      await publish();
    } catch (error) {
      await redis.release(key, claim).catch((failure: unknown) => options.onUnavailable(failure as Error));
      throw error;
    }
    // Kafka has it: from now on every copy is a duplicate. If Redis is gone now, the claim expires and a later copy may publish again.
    await redis.markPublished(key, options.ttlMs).catch((failure: unknown) => options.onUnavailable(failure as Error));
    return 'published';
  }

  return coalesced(attempt);
}
