import { mkdtemp, readdir, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutgoingRecord } from '../../src/contract/record.js';
import { lockDir } from '../../src/disk/lock.js';
import { encodeEntry } from '../../src/spool/entry.js';
import { listSegmentIds, segmentPath } from '../../src/spool/files.js';
import { createJournal, type Journal, type Window } from '../../src/spool/journal.js';
import { recoverJournal } from '../../src/spool/recovery.js';

/** The journal on a real file system (a fresh temporary directory per test): fsync, truncation and deletion are the point. */
const open: Journal[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((journal) => journal.close()));
});

const record = (id: string): OutgoingRecord => ({
  topic: 'popp.events',
  key: `conv_${id.slice(0, 2)}`,
  value: Buffer.from(JSON.stringify({ eventId: id, pad: 'x'.repeat(200) })),
  headers: { 'event-id': id },
});

async function journalIn(dir: string, options: { maxBytes?: number; segmentBytes?: number } = {}) {
  const recovery = await recoverJournal(dir);
  let commits = 0;
  const journal = createJournal({
    dir,
    maxBytes: options.maxBytes ?? 10_000_000,
    segmentBytes: options.segmentBytes ?? 1_000_000,
    recovery,
    onCommit: () => void commits++,
  });
  open.push(journal);
  return { journal, recovery, commits: () => commits };
}

async function drainAll(journal: Journal): Promise<string[]> {
  const ids: string[] = [];
  for (;;) {
    const window: Window | undefined = await journal.read({ maxEntries: 7, maxBytes: 4_096 });
    if (!window) return ids;
    ids.push(...window.entries.map((entry) => entry.records[0]?.headers['event-id'] ?? '?'));
    journal.acknowledge(window);
  }
}

const ids = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `evt-${String(from + i).padStart(5, '0')}`);
const tempDir = () => mkdtemp(join(tmpdir(), 'popp-spool-'));

describe('the spool journal on disk', () => {
  it('makes concurrent appends durable with fewer fsyncs than appends (group commit), in append order', async () => {
    const dir = await tempDir();
    const { journal, commits } = await journalIn(dir);
    const wanted = ids(300);
    await Promise.all(wanted.map((id) => journal.append(encodeEntry([record(id), record(id)], Date.now()), 2)));
    expect(commits()).toBeLessThan(wanted.length / 2);
    expect(journal.status()).toMatchObject({ entries: 300, records: 600 });
    await journal.close();

    const reopened = await journalIn(dir);
    expect(reopened.recovery).toMatchObject({ entries: 300, records: 600, cut: [] });
    expect(await drainAll(reopened.journal)).toEqual(wanted);
  });

  it('deletes every segment once all its records are acknowledged, and remembers the cursor across a restart', async () => {
    const dir = await tempDir();
    const { journal } = await journalIn(dir, { segmentBytes: 2_000 });
    for (const id of ids(40)) await journal.append(encodeEntry([record(id)], Date.now()), 1);
    expect((await listSegmentIds(dir)).length).toBeGreaterThan(3);

    // Half of it drained, then a restart: the drained half is not sent again.
    const first = await journal.read({ maxEntries: 20, maxBytes: 1_000_000 });
    if (!first) throw new Error('nothing to read');
    journal.acknowledge(first);
    await journal.close();
    const again = await journalIn(dir, { segmentBytes: 2_000 });
    expect(again.recovery.entries).toBe(40 - first.entries.length);
    expect(await drainAll(again.journal)).toEqual(ids(40).slice(first.entries.length));
    expect(again.journal.isEmpty()).toBe(true);
    await again.journal.close();
    expect(await listSegmentIds(dir)).toEqual([]);

    // New segments come after the ones the cursor has passed, so a restart never takes them for drained ones.
    const later = await journalIn(dir, { segmentBytes: 2_000 });
    await later.journal.append(encodeEntry([record('evt-later')], Date.now()), 1);
    await later.journal.close();
    expect((await journalIn(dir)).recovery.entries).toBe(1);
  });

  it('keeps every complete record of a journal cut in the middle of a record, and drops only the torn one', async () => {
    const dir = await tempDir();
    const { journal } = await journalIn(dir);
    for (const id of ids(10)) await journal.append(encodeEntry([record(id), record(id)], Date.now()), 2);
    await journal.close();
    const [segment] = await listSegmentIds(dir);
    const file = segmentPath(dir, segment ?? 0);
    const { size } = await stat(file);
    await truncate(file, size - 100);

    const reopened = await journalIn(dir);
    expect(reopened.recovery.entries).toBe(9);
    expect(reopened.recovery.cut).toEqual([{ segment, bytes: expect.any(Number), reason: 'short' }]);
    // Appends after the cut follow the last whole record.
    await reopened.journal.append(encodeEntry([record('evt-after')], Date.now()), 1);
    expect(await drainAll(reopened.journal)).toEqual([...ids(9), 'evt-after']);
  });

  it('drops a record whose bytes changed on disk (CRC mismatch) and everything after it in that segment', async () => {
    const dir = await tempDir();
    const { journal } = await journalIn(dir);
    for (const id of ids(5)) await journal.append(encodeEntry([record(id)], Date.now()), 1);
    await journal.close();
    const file = segmentPath(dir, (await listSegmentIds(dir))[0] ?? 0);
    const { size } = await stat(file);
    const handle = await import('node:fs/promises').then((fs) => fs.open(file, 'r+'));
    await handle.write(Buffer.from('!'), 0, 1, Math.floor((size * 3) / 5) + 40);
    await handle.close();

    const reopened = await journalIn(dir);
    expect(reopened.recovery.cut[0]?.reason).toBe('corrupt');
    expect(await drainAll(reopened.journal)).toEqual(ids(3));
  });

  it('refuses an append past SPOOL_MAX_BYTES with spool_full, and takes appends again once drained', async () => {
    const dir = await tempDir();
    const { journal } = await journalIn(dir, { maxBytes: 65_536, segmentBytes: 8_192 });
    const frame = (id: string) => encodeEntry([record(id)], Date.now());
    let accepted = 0;
    for (;;) {
      try {
        await journal.append(frame(`evt-${accepted}`), 1);
        accepted++;
      } catch (error) {
        expect(error).toMatchObject({ code: 'spool_full', status: 503 });
        break;
      }
    }
    expect(journal.status().bytes).toBeLessThanOrEqual(65_536);
    expect(accepted).toBeGreaterThan(100);
    await drainAll(journal);
    await expect(journal.append(frame('evt-again'), 1)).resolves.toBeUndefined();
  });

  it('lets one bridge at a time use a spool directory, and takes over the lock of a process that died', async () => {
    const dir = await tempDir();
    const release = await lockDir(dir, 'SPOOL_DIR');
    await expect(lockDir(dir, 'SPOOL_DIR')).rejects.toThrow(/SPOOL_DIR .* is in use by another popp-bridge/);
    await release();

    // A pid that cannot be alive: the lock of a crashed bridge.
    await writeFile(join(dir, 'lock'), '2147483646\n');
    const again = await lockDir(dir, 'SPOOL_DIR');
    await again();
    expect(await readdir(dir)).toEqual([]);
  });
});
