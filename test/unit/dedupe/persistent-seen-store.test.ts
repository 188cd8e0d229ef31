import { randomUUID } from 'node:crypto';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { openPersistentSeenStore, type PersistentSeenStoreOptions } from '../../../src/dedupe/persistent-seen-store.js';
import { ENTRY_BYTES, logPath, snapshotPath } from '../../../src/dedupe/seen-files.js';
import { allocFrame, sealFrame } from '../../../src/disk/frame.js';

const dirs: string[] = [];
const newDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'popp-dedupe-unit-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const errors: string[] = [];
const open = (dir: string, options: Partial<PersistentSeenStoreOptions> = {}) =>
  openPersistentSeenStore({ dir, ttlMs: 60_000, maxEntries: 10_000, onError: (_error, what) => errors.push(what), ...options });

const size = (path: string) => statSync(path).size;
/** The log holds its header frame and nothing else. */
const HEADER_ONLY = 8 + 'popp-bridge dedupe window 1'.length;

/** Waits until the log on disk has grown past `bytes`: a group commit has been written and fsynced. */
async function committedPast(dir: string, bytes: number): Promise<void> {
  while (size(logPath(dir)) <= bytes) await sleep(5);
}

describe('the dedupe window on disk', () => {
  it('remembers every id across a clean close and a new open, and nothing else', async () => {
    const dir = newDir();
    const ids = Array.from({ length: 500 }, (_, i) => (i % 2 ? randomUUID() : `evt-${i}`));
    const first = await open(dir);
    for (const id of ids) first.remember(id);
    await first.close();

    const second = await open(dir);
    expect(ids.filter((id) => !second.seen(id))).toEqual([]);
    expect(second.seen(randomUUID())).toBe(false);
    expect(second.size()).toBe(500);
    await second.close();
  });

  it('keeps what a group commit wrote when the process dies without closing (the files as a SIGKILL leaves them)', async () => {
    const dir = newDir();
    const store = await open(dir, { commitIntervalMs: 10 });
    const before = size(logPath(dir));
    store.remember('committed-1');
    store.remember('committed-2');
    await committedPast(dir, before);
    // A copy of the directory now is what a crash leaves behind (this process still holds the original).
    const crashed = newDir();
    cpSync(dir, crashed, { recursive: true });
    rmSync(join(crashed, 'lock'));
    await store.close();

    const reopened = await open(crashed);
    expect([reopened.seen('committed-1'), reopened.seen('committed-2'), reopened.seen('never')]).toEqual([true, true, false]);
    await reopened.close();
  });

  it('cuts a torn final write cleanly: the ids before it are kept, and the log takes new ids after it', async () => {
    const dir = newDir();
    const store = await open(dir, { commitIntervalMs: 10 });
    const before = size(logPath(dir));
    store.remember('whole');
    await committedPast(dir, before);
    const crashed = newDir();
    cpSync(dir, crashed, { recursive: true });
    rmSync(join(crashed, 'lock'));
    await store.close();
    // A frame of one entry cut short in its payload, as a crash mid-write leaves it.
    const torn = sealFrame(allocFrame(ENTRY_BYTES).fill(7, 8));
    appendFileSync(logPath(crashed), torn.subarray(0, torn.length - 5));
    const logged = size(logPath(crashed));

    const warnings: unknown[] = [];
    const reopened = await open(crashed, { commitIntervalMs: 10, onLoaded: ({ log }) => warnings.push(log.cut) });
    expect(warnings).toEqual([{ bytes: torn.length - 5, reason: 'short' }]);
    expect(reopened.seen('whole')).toBe(true);
    expect(size(logPath(crashed))).toBe(HEADER_ONLY);
    expect(logged).toBeGreaterThan(HEADER_ONLY);
    reopened.remember('after');
    await committedPast(crashed, HEADER_ONLY);
    const again = newDir();
    cpSync(crashed, again, { recursive: true });
    rmSync(join(again, 'lock'));
    await reopened.close();

    const third = await open(again);
    expect([third.seen('whole'), third.seen('after')]).toEqual([true, true]);
    await third.close();
  });

  it('drops a frame that fails its check, and everything after it', async () => {
    const dir = newDir();
    const store = await open(dir, { commitIntervalMs: 10 });
    const before = size(logPath(dir));
    store.remember('kept');
    await committedPast(dir, before);
    const middle = size(logPath(dir));
    store.remember('damaged');
    await committedPast(dir, middle);
    const crashed = newDir();
    cpSync(dir, crashed, { recursive: true });
    rmSync(join(crashed, 'lock'));
    await store.close();
    const bytes = readFileSync(logPath(crashed));
    bytes[middle + 10] = (bytes[middle + 10] as number) ^ 0xff;
    writeFileSync(logPath(crashed), bytes);

    const cuts: unknown[] = [];
    const reopened = await open(crashed, { onLoaded: ({ log }) => cuts.push(log.cut?.reason) });
    expect(cuts).toEqual(['corrupt']);
    expect([reopened.seen('kept'), reopened.seen('damaged')]).toEqual([true, false]);
    await reopened.close();
  });

  it('forgets ids whose window has passed while it was down, and holds none longer than the window of today', async () => {
    const dir = newDir();
    let now = 1_000_000;
    const first = await open(dir, { now: () => now, ttlMs: 60_000 });
    first.remember('early');
    now += 30_000;
    first.remember('late');
    await first.close();

    now += 40_000;
    const reopened = await open(dir, { now: () => now, ttlMs: 60_000 });
    expect([reopened.seen('early'), reopened.seen('late')]).toEqual([false, true]);
    await reopened.close();

    // The window shortened to 5 s: `late` (20 s left) is kept 5 s more at most.
    const shorter = await open(dir, { now: () => now, ttlMs: 5_000 });
    now += 5_001;
    expect(shorter.seen('late')).toBe(false);
    await shorter.close();
  });

  it('keeps the newest ids within DEDUPE_MAX_ENTRIES when it loads', async () => {
    const dir = newDir();
    const first = await open(dir);
    for (let i = 0; i < 50; i++) first.remember(`id-${i}`);
    await first.close();
    const smaller = await open(dir, { maxEntries: 10 });
    expect(smaller.size()).toBe(10);
    expect([smaller.seen('id-39'), smaller.seen('id-40'), smaller.seen('id-49')]).toEqual([false, true, true]);
    await smaller.close();
  });

  it('folds its log into a snapshot once the log holds as many ids as the store may, so disk stays bounded', async () => {
    const dir = newDir();
    const store = await open(dir, { maxEntries: 1_024, commitIntervalMs: 10 });
    for (let i = 0; i < 3_000; i++) store.remember(`id-${i}`);
    // One commit of 3,000 entries, then the fold: the snapshot holds the 1,024 the store keeps.
    while (size(snapshotPath(dir)) < 1_024 * ENTRY_BYTES || size(logPath(dir)) !== HEADER_ONLY) await sleep(5);
    expect(size(snapshotPath(dir))).toBeLessThan(1_100 * ENTRY_BYTES);
    await store.close();
    expect(errors).toEqual([]);
  });

  it('refuses a second store on the same directory, in one line naming DEDUPE_DIR', async () => {
    const dir = newDir();
    const store = await open(dir);
    await expect(open(dir)).rejects.toThrow(/^DEDUPE_DIR .* is in use by another popp-bridge/);
    await store.close();
    const after = await open(dir);
    await after.close();
  });

  it('refuses a directory it cannot create, in one line naming DEDUPE_DIR', async () => {
    const file = join(newDir(), 'a-file');
    writeFileSync(file, '');
    await expect(open(join(file, 'dedupe'))).rejects.toThrow(/^DEDUPE_DIR: cannot write .*a-file\/dedupe \(ENOTDIR\)$/);
  });
});
