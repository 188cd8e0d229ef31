/** Where published eventIds are remembered. Memory here; Redis can implement the same. */
export interface SeenStore {
  seen(eventId: string): boolean | Promise<boolean>;
  remember(eventId: string): void | Promise<void>;
}

export type DedupeOutcome = 'published' | 'duplicate';

export interface Dedupe {
  /**
   * Runs `publish` once per eventId. Concurrent calls with the same id wait for
   * the first one's outcome; the id is remembered only after `publish`
   * resolved, so a failed publish can be retried.
   */
  once(eventId: string, publish: () => Promise<void>): Promise<DedupeOutcome>;
}

export function createDedupe(store: SeenStore): Dedupe {
  return coalesced(async (eventId, publish) => {
    if (await store.seen(eventId)) return 'duplicate';
    await publish();
    await store.remember(eventId);
    return 'published';
  });
}

/** Concurrent calls with one eventId in this process share the first one's attempt (a later one is a duplicate). */
export function coalesced(attempt: Dedupe['once']): Dedupe {
  const inFlight = new Map<string, Promise<DedupeOutcome>>();
  return {
    async once(eventId, publish) {
      const pending = inFlight.get(eventId);
      if (pending) {
        await pending;
        return 'duplicate';
      }
      const current = attempt(eventId, publish);
      inFlight.set(eventId, current);
      try {
        return await current;
      } finally {
        inFlight.delete(eventId);
      }
    },
  };
}

/** `DEDUPE_STORE=off`: every event is published. */
export const noDedupe: Dedupe = {
  async once(_eventId, publish) {
    await publish();
    return 'published';
  },
};

/**
 * Remembers ids for `ttlMs`, at most `maxEntries` of them (oldest forgotten
 * first), so memory stays bounded whatever the traffic.
 */
export function createMemorySeenStore(options: { ttlMs: number; maxEntries: number; now?: () => number }): SeenStore & { size(): number } {
  const now = options.now ?? Date.now;
  // Insertion order is expiry order: all entries share one TTL.
  const expiries = new Map<string, number>();

  function evict(time: number): void {
    for (const [id, expiresAt] of expiries) {
      if (expiresAt > time && expiries.size <= options.maxEntries) break;
      expiries.delete(id);
    }
  }

  return {
    seen(eventId) {
      const expiresAt = expiries.get(eventId);
      if (expiresAt === undefined) return false;
      if (expiresAt > now()) return true;
      expiries.delete(eventId);
      return false;
    },
    remember(eventId) {
      const time = now();
      expiries.delete(eventId);
      expiries.set(eventId, time + options.ttlMs);
      evict(time);
    },
    size: () => expiries.size,
  };
}
