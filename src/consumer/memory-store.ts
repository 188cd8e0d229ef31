import type { IdempotencyStore } from './types.js';

/**
 * Remembers eventIds in this process only, up to `maxEntries` (oldest
 * forgotten first): enough to skip the redeliveries of one run, not across
 * restarts. Services whose effects must apply once keep the ids in their own
 * database, in the transaction of the effect (see the examples). It answers
 * for a whole run of records at once, so the SDK makes one call per run.
 */
export function createMemoryIdempotencyStore(options: { maxEntries?: number } = {}): IdempotencyStore & { size(): number } {
  const maxEntries = options.maxEntries ?? 100_000;
  const ids = new Set<string>();
  const remember = (eventId: string) => {
    if (ids.has(eventId)) return;
    ids.add(eventId);
    // A Set iterates in insertion order: the first one is the oldest.
    if (ids.size > maxEntries) ids.delete(ids.values().next().value as string);
  };
  return {
    seen: (eventId) => ids.has(eventId),
    remember,
    seenAmong(eventIds) {
      const seen = new Set<string>();
      for (const id of eventIds) if (ids.has(id)) seen.add(id);
      return seen;
    },
    rememberAll(eventIds) {
      for (const id of eventIds) remember(id);
    },
    size: () => ids.size,
  };
}
