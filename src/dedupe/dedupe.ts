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
