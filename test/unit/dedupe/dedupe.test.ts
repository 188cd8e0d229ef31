import { describe, expect, it } from 'vitest';
import { createDedupe, noDedupe } from '../../../src/dedupe/dedupe.js';
import { createMemorySeenStore } from '../../../src/dedupe/memory-seen-store.js';

const store = (now = () => 0) => createMemorySeenStore({ ttlMs: 1_000, maxEntries: 3, now });

describe('dedupe by eventId', () => {
  it('publishes the first delivery and calls the second a duplicate', async () => {
    const dedupe = createDedupe(store());
    let published = 0;
    const publish = async () => {
      published++;
    };
    expect(await dedupe.once('e1', publish)).toBe('published');
    expect(await dedupe.once('e1', publish)).toBe('duplicate');
    expect(published).toBe(1);
  });

  it('collapses concurrent copies into one publish that they all wait for', async () => {
    const dedupe = createDedupe(store());
    let published = 0;
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const publish = async () => {
      published++;
      await gate;
    };
    const answers = Array.from({ length: 10 }, () => dedupe.once('e1', publish));
    release();
    const outcomes = await Promise.all(answers);
    expect(published).toBe(1);
    expect(outcomes.filter((o) => o === 'published')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(9);
  });

  it('remembers nothing when the publish failed, so a retry publishes', async () => {
    const dedupe = createDedupe(store());
    const failing = Promise.all([
      dedupe.once('e1', async () => {
        throw new Error('kafka down');
      }),
      dedupe.once('e1', async () => {}),
    ]);
    await expect(failing).rejects.toThrow('kafka down');
    expect(await dedupe.once('e1', async () => {})).toBe('published');
  });

  it('forgets ids after the TTL and beyond the size bound, oldest first', () => {
    let time = 0;
    const seen = store(() => time);
    for (const id of ['a', 'b', 'c', 'd']) seen.remember(id);
    expect(seen.size()).toBe(3);
    expect(seen.seen('a')).toBe(false);
    expect(seen.seen('d')).toBe(true);
    time = 1_001;
    expect(seen.seen('d')).toBe(false);
  });

  it('publishes every delivery when dedupe is off', async () => {
    let published = 0;
    await noDedupe.once('e1', async () => void published++);
    expect(await noDedupe.once('e1', async () => void published++)).toBe('published');
    expect(published).toBe(2);
  });
});
