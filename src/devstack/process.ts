import { execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive } from '../disk/lock.js';

/** The pid recorded in a pid file, if the file exists and holds one. */
export async function readPid(file: string): Promise<number | undefined> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const pid = Number.parseInt(text, 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * Whether `pid` is alive and still the process we started: after a reboot
 * the old pid may belong to anything, and stop() must never signal that. The
 * command line must mention `marker` (our server.properties path). Where
 * neither /proc nor `ps` can tell, being alive has to do.
 */
export function isOurProcess(pid: number, marker: string): boolean {
  if (!isAlive(pid)) return false;
  const command = commandLine(pid);
  return command === undefined || command.includes(marker);
}

function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    // not Linux (or already gone): ask ps, as on macOS
  }
  try {
    return execFileSync('ps', ['-p', String(pid), '-o', 'args='], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (error) {
    // ps exits 1 when the pid is gone; ENOENT when there is no ps at all.
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : '';
  }
}

/** Resolves true once `pid` is gone, false if it is still there after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(200);
  }
  return true;
}

export async function removeFile(file: string): Promise<void> {
  await unlink(file).catch(() => {});
}

/**
 * Why a start failed, in the broker's own words: its ERROR lines with the
 * exception line that follows each (the cause; a fatal error is followed by
 * a stack trace and pages of orderly shutdown), then the last lines (what the
 * JVM itself said), from `fromByte` on so earlier runs stay out.
 */
export async function failureOf(file: string, fromByte = 0): Promise<string> {
  const text = (await readFile(file).catch(() => Buffer.alloc(0))).subarray(fromByte).toString('utf8');
  const lines = text.trimEnd().split('\n');
  const picked = new Set<number>();
  for (let i = 0; i < lines.length && picked.size < 8; i++) {
    if (!/ (ERROR|FATAL) /.test(lines[i] ?? '')) continue;
    picked.add(i);
    if (/^\S/.test(lines[i + 1] ?? '') && !/^\[/.test(lines[i + 1] ?? '')) picked.add(i + 1);
  }
  const errors = [...picked].map((i) => lines[i] ?? '');
  const tail = lines.slice(-5).filter((line) => !errors.includes(line) && !/^\s+at /.test(line));
  return [...errors, ...(errors.length && tail.length ? ['…'] : []), ...tail]
    .map((line) => (line.length > 400 ? `${line.slice(0, 400)}…` : line))
    .join('\n');
}

export const fileSize = (file: string): Promise<number> =>
  stat(file).then(
    (s) => s.size,
    () => 0,
  );

export interface Spawned {
  pid: number;
  /** True once the process is gone, known without polling while we are its parent. */
  exited(): boolean;
  /** Where this run's output begins in the log, so errors quote this run only. */
  logFrom: number;
}

/**
 * Starts a server detached, in its own process group, with its output
 * appended to `logFile` and its pid in `pidFile`: it lives on after `npm
 * start` or a test run ends, and Ctrl-C in the terminal does not reach it.
 */
export async function spawnDetached(options: {
  command: string;
  args: string[];
  cwd: string;
  logFile: string;
  pidFile: string;
  banner: string;
}): Promise<Spawned> {
  // One old log is kept as <log>.1, so a long-lived dev folder does not grow without bound.
  if ((await fileSize(options.logFile)) > 20e6) await rename(options.logFile, `${options.logFile}.1`);
  const logFrom = await fileSize(options.logFile);
  const fd = openSync(options.logFile, 'a');
  writeSync(fd, `\n--- popp-bridge: ${options.banner}, ${new Date().toISOString()} ---\n`);
  const child = spawn(options.command, options.args, { cwd: options.cwd, detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  child.once('error', () => {
    exited = true;
  });
  child.unref();
  if (child.pid === undefined) throw new Error(`could not run ${options.command}`);
  await writeFile(options.pidFile, `${child.pid}\n`);
  return { pid: child.pid, exited: () => exited, logFrom };
}
