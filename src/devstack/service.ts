import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { withLock } from './lock.js';
import { failureOf, fileSize, isOurProcess, readPid, removeFile, spawnDetached, waitForExit } from './process.js';

/** What one local service (the broker, the registry, Redis) is; the lifecycle around it is the same for all. */
export interface ServiceSpec {
  /** For messages: `Kafka`, `the schema registry`, `Redis`. */
  name: string;
  /** Where it answers, for messages: `127.0.0.1:9092`, a URL. */
  address: string;
  /** Its instance folder: pid file, log, lock and whatever else it keeps. */
  dir: string;
  pidFile: string;
  logFile: string;
  /** On its command line: tells our process apart from whatever later reuses its pid. */
  marker: string;
  /** A first start may wait behind another process's download. */
  lockTimeoutMs: number;
  readyTimeoutMs: number;
  /** How long SIGTERM is given before SIGKILL. */
  stopGraceMs: number;
  pollMs?: number;
  /** Whether it answers as ours (right cluster id, registry API, PONG). */
  answers(): Promise<boolean>;
  /** Before a launch: checks ports and tools, fetches what it needs, writes its configuration; says what to run. */
  prepare(): Promise<{ command: string; args: string[]; banner: string; missingHint?: string }>;
  log(line: string): void;
}

export interface LocalService {
  start(): Promise<{ reused: boolean; pid: number }>;
  stop(): Promise<void>;
  status(): Promise<{ running: boolean; pid?: number; logFile: string }>;
}

/**
 * A server that outlives the process that started it and is reused by the
 * next one: its pid file says which process is ours, a lock keeps two
 * processes from starting or stopping it at once, a start waits until it
 * answers (quoting its log if it dies), and a stop gives it a grace period
 * before SIGKILL. A live process that does not answer yet is waited for, not killed.
 */
export function createLocalService(spec: ServiceSpec): LocalService {
  const { name, address, pidFile, logFile } = spec;
  const onWait = (pid: number | undefined) => spec.log(`waiting for another process (pid ${pid ?? '?'}) using ${name} on ${address}…`);
  const locked = <T>(fn: () => Promise<T>) => withLock(join(spec.dir, 'start.lock'), { timeoutMs: spec.lockTimeoutMs, onWait }, fn);

  /** Our live process's pid; a pid file left by a dead (or recycled) pid is removed. */
  async function livePid(): Promise<number | undefined> {
    const pid = await readPid(pidFile);
    if (pid !== undefined && isOurProcess(pid, spec.marker)) return pid;
    if (pid !== undefined) await removeFile(pidFile);
    return undefined;
  }

  /**
   * Polls until it answers; fails early, quoting its log, if the process dies.
   * `exited` is known for a child we just started (its command line may not
   * show the marker yet: redis-server retitles itself once running); for a
   * process found by its pid file the marker must still match.
   */
  async function waitReady(pid: number, exited: (() => boolean) | undefined, logFrom: number): Promise<void> {
    const deadline = Date.now() + spec.readyTimeoutMs;
    while (Date.now() < deadline) {
      if (exited ? exited() : !isOurProcess(pid, spec.marker)) {
        await removeFile(pidFile);
        throw new Error(`${name} exited while starting; from ${logFile}:\n${await failureOf(logFile, logFrom)}`);
      }
      if (await spec.answers()) return;
      await sleep(spec.pollMs ?? 300);
    }
    // Half-started is worse than stopped: the next start begins clean.
    await stopPid(pid);
    const why = await failureOf(logFile, logFrom);
    throw new Error(
      `${name} did not answer on ${address} within ${spec.readyTimeoutMs / 1000} s and was stopped; from ${logFile}:\n${why}`,
    );
  }

  async function stopPid(pid: number): Promise<void> {
    process.kill(pid, 'SIGTERM');
    if (!(await waitForExit(pid, spec.stopGraceMs))) {
      spec.log(`${name} (pid ${pid}) did not stop within ${spec.stopGraceMs / 1000} s; killing it`);
      process.kill(pid, 'SIGKILL');
      await waitForExit(pid, 5_000);
    }
    await removeFile(pidFile);
  }

  async function launch(): Promise<{ reused: boolean; pid: number }> {
    const run = await spec.prepare();
    spec.log(`${run.banner} (log: ${logFile})`);
    const started = Date.now();
    const child = await spawnDetached({ ...run, cwd: spec.dir, logFile, pidFile }).catch((error: Error) => {
      throw new Error(run.missingHint ? `${error.message}: ${run.missingHint}` : error.message);
    });
    await waitReady(child.pid, child.exited, child.logFrom);
    spec.log(`${name} ready on ${address} in ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${child.pid})`);
    return { reused: false, pid: child.pid };
  }

  return {
    async start() {
      await mkdir(spec.dir, { recursive: true });
      return locked(async () => {
        const pid = await livePid();
        if (pid === undefined) return launch();
        // Ours and alive: usually answering at once; still starting if its starter was interrupted, so wait.
        await waitReady(pid, undefined, Math.max(0, (await fileSize(logFile)) - 20_000));
        return { reused: true, pid };
      });
    },
    async stop() {
      // Nothing was ever started here: leave no folder behind.
      if (!existsSync(spec.dir)) return;
      await locked(async () => {
        const pid = await livePid();
        if (pid === undefined) return;
        spec.log(`stopping ${name} on ${address} (pid ${pid})`);
        await stopPid(pid);
      });
    },
    async status() {
      const pid = await livePid();
      return { running: pid !== undefined, ...(pid !== undefined && { pid }), logFile };
    },
  };
}
