import type { IdempotencyStore } from './types.js';

/**
 * Remembers eventIds in this process only, up to `maxEntries` (oldest
 * forgotten first): enough to skip the redeliveries of one run, not across
 * restarts. Services whose effects must apply once keep the ids in their own
 * database, in the transaction of the effect (see the examples).
 */
export function createMemoryIdempotencyStore(options: { maxEntries?: number } = {}): IdempotencyStore & { size(): number } {
  const maxEntries = options.maxEntries ?? 100_000;
  const ids = new Set<string>();
  return {
    seen: (eventId) => ids.has(eventId),
    remember(eventId) {
      ids.add(eventId);
      // A Set iterates in insertion order: the first one is the oldest.
      if (ids.size > maxEntries) ids.delete(ids.values().next().value as string);
    },
    size: () => ids.size,
  };
}
