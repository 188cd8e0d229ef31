import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../config/declare.js';

/** Directories this process holds: a second bridge in the same process must not share one either. */
const held = new Set<string>();

/**
 * One bridge per directory (the spool's, the dedupe store's): two appending
 * to one journal would interleave frames. `setting` names the variable that
 * chose the directory, for the one-line error. The lock file holds the owner's pid; a lock whose pid
 * is dead (a crash, SIGKILL) is taken over. A pid equal to ours that we do
 * not hold is a leftover of an earlier process that had our pid (pid 1 in a
 * restarted container), so it is taken over too.
 */
export async function lockDir(dir: string, setting: string): Promise<() => Promise<void>> {
  const file = join(dir, 'lock');
  if (held.has(dir)) throw inUse(dir, setting, process.pid);
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(file, 'wx');
      try {
        await handle.writeFile(`${process.pid}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      const pid = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) throw inUse(dir, setting, pid);
      await unlink(file).catch(() => {});
    }
  }
  held.add(dir);
  return async () => {
    held.delete(dir);
    await unlink(file).catch(() => {});
  };
}

/** Stops start-up with one line, like a bad setting. */
function inUse(dir: string, setting: string, pid: number): ConfigError {
  return new ConfigError(`${setting} ${dir} is in use by another popp-bridge (pid ${pid}); each instance needs a directory of its own`);
}

/** The pid named in a directory's lock file, and whether it runs: for `popp-bridge spool status`. */
export async function lockHolder(dir: string): Promise<{ pid: number; alive: boolean } | undefined> {
  const pid = Number.parseInt(await readFile(join(dir, 'lock'), 'utf8').catch(() => ''), 10);
  return Number.isInteger(pid) && pid > 0 ? { pid, alive: isAlive(pid) } : undefined;
}

/** Signal 0 only asks the kernel whether the pid exists (EPERM: it does, but belongs to someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
