import { open, readFile, stat, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive } from '../disk/lock.js';

export interface LockOptions {
  /** How long to wait for another process's lock before giving up. */
  timeoutMs: number;
  /** Told once when we start waiting, so a long wait is visible. */
  onWait?: (holderPid: number | undefined) => void;
}

/**
 * Runs `fn` while holding an exclusive lock file, so two processes (two
 * vitest workers, a test run next to `npm start`) never start two brokers or
 * download into the same folder at once. `open(…, 'wx')` is atomic on local
 * file systems; the holder writes its pid so a lock left by a dead process
 * is recognised and taken over instead of blocking forever.
 */
export async function withLock<T>(file: string, options: LockOptions, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let told = false;
  for (;;) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await lockHolder(file);
    if (holder.stale) {
      await unlink(file).catch(() => {});
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${file} (held by pid ${holder.pid ?? 'unknown'}); delete it if no other popp-bridge is running`,
      );
    }
    if (!told) options.onWait?.(holder.pid);
    told = true;
    await sleep(250);
  }
  try {
    return await fn();
  } finally {
    await unlink(file).catch(() => {});
  }
}

async function lockHolder(file: string): Promise<{ pid: number | undefined; stale: boolean }> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const pid = Number.parseInt(text, 10);
  if (Number.isInteger(pid) && pid > 0) return { pid, stale: !isAlive(pid) };
  // No pid yet: either being written this instant, or the writer died in between. Age tells them apart.
  const age = await stat(file).then(
    (s) => Date.now() - s.mtimeMs,
    () => 0,
  );
  return { pid: undefined, stale: age > 5_000 };
}
