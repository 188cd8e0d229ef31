import { describe, expect, it } from 'vitest';
import { createMemoryIdempotencyStore } from '../../../src/consumer/memory-store.js';

describe('the in-memory idempotency store', () => {
  it('answers for a whole run at once: which of these ids were applied', async () => {
    const store = createMemoryIdempotencyStore();
    await store.rememberAll?.(['a', 'b']);
    expect([...((await store.seenAmong?.(['a', 'c', 'b'])) ?? [])]).toEqual(['a', 'b']);
    expect(await store.seen('c')).toBe(false);
  });

  it('forgets the oldest ids beyond its bound, and counts an id remembered twice once', async () => {
    const store = createMemoryIdempotencyStore({ maxEntries: 2 });
    await store.rememberAll?.(['a', 'b', 'b', 'c']);
    expect(store.size()).toBe(2);
    expect([await store.seen('a'), await store.seen('b'), await store.seen('c')]).toEqual([false, true, true]);
  });
});
