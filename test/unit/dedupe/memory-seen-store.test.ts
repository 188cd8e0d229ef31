import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemorySeenStore } from '../../../src/dedupe/memory-seen-store.js';

/** The obvious version, a Map in insertion order: what the compact store must behave exactly like. */
function mapModel(ttlMs: number, maxEntries: number) {
  const expiries = new Map<string, number>();
  return {
    seen: (id: string, time: number) => (expiries.get(id) ?? Number.NEGATIVE_INFINITY) > time,
    remember(id: string, time: number) {
      for (const [old, expiresAt] of expiries) {
        if (expiresAt > time) break;
        expiries.delete(old);
      }
      expiries.delete(id);
      expiries.set(id, time + ttlMs);
      for (const old of expiries.keys()) {
        if (expiries.size <= maxEntries) break;
        expiries.delete(old);
      }
    },
    size: () => expiries.size,
  };
}

const uuids = Array.from({ length: 12 }, () => randomUUID());
// Lowercase UUIDs take the fast path; the same UUID in capitals, and anything else, is hashed.
const ids = [...uuids, ...uuids.slice(0, 3).map((id) => id.toUpperCase()), 'a', 'b', 'évènement-1', '', '0'.repeat(36)];
type Step = { op: 'remember' | 'seen'; id: string } | { op: 'wait'; ms: number };
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('remember' as const), id: fc.constantFrom(...ids) }),
  fc.record({ op: fc.constant('seen' as const), id: fc.constantFrom(...ids) }),
  fc.record({ op: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 400 }) }),
);

describe('memory seen store', () => {
  it('answers exactly like a Map of ids in insertion order, through TTL expiry, the size bound and re-remembering', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 8 }),
        fc.array(step, { maxLength: 300 }),
        (maxEntries, initialCapacity, steps) => {
          let time = 0;
          const store = createMemorySeenStore({ ttlMs: 1_000, maxEntries, initialCapacity, now: () => time });
          const model = mapModel(1_000, maxEntries);
          for (const s of steps) {
            if (s.op === 'wait') time += s.ms;
            else if (s.op === 'remember') {
              store.remember(s.id);
              model.remember(s.id, time);
              expect(store.size()).toBe(model.size());
            } else expect(store.seen(s.id)).toBe(model.seen(s.id, time));
          }
          for (const id of ids) expect(store.seen(id)).toBe(model.seen(id, time));
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('keeps the newest maxEntries of many ids as it grows past its first capacity, forgetting only older ones', () => {
    const store = createMemorySeenStore({ ttlMs: 60_000, maxEntries: 5_000, now: () => 0 });
    const all = Array.from({ length: 12_000 }, (_, i) => (i % 2 ? randomUUID() : `event-${i}`));
    for (const id of all) store.remember(id);
    expect(store.size()).toBe(5_000);
    expect(all.slice(-5_000).every((id) => store.seen(id))).toBe(true);
    expect(all.slice(0, -5_000).some((id) => store.seen(id))).toBe(false);
  });
});
