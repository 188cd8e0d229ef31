import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { withLock } from '../../../src/devstack/lock.js';

const tempLock = async () => join(await mkdtemp(join(tmpdir(), 'devstack-lock-')), 'x.lock');

describe('start lock', () => {
  it('runs holders one after another, never at once', async () => {
    const lock = await tempLock();
    const events: string[] = [];
    const hold = (name: string) =>
      withLock(lock, { timeoutMs: 5_000 }, async () => {
        events.push(`${name} in`);
        await sleep(50);
        events.push(`${name} out`);
      });
    await Promise.all([hold('a'), hold('b')]);
    // Either may win the race for the lock; what matters is that they never overlap.
    const first = events[0]?.[0] as string;
    const second = first === 'a' ? 'b' : 'a';
    expect(events).toEqual([`${first} in`, `${first} out`, `${second} in`, `${second} out`]);
  });

  it('takes over a lock left behind by a process that no longer exists', async () => {
    const lock = await tempLock();
    await writeFile(lock, '999999999\n');
    await expect(withLock(lock, { timeoutMs: 1_000 }, async () => readFile(lock, 'utf8'))).resolves.toBe(`${process.pid}\n`);
  });

  it('gives up with a message naming the lock when its live holder does not let go', async () => {
    const lock = await tempLock();
    await writeFile(lock, `${process.ppid}\n`);
    await expect(withLock(lock, { timeoutMs: 300 }, async () => {})).rejects.toThrow(/timed out waiting for .*x\.lock/);
  });
});
