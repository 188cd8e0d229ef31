import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_APICURIO_VERSION, ensureApicurio } from './apicurio.js';
import { withLock } from './lock.js';
import { isPortOpen } from './probe.js';
import { failureOf, fileSize, isOurProcess, readPid, removeFile, spawnDetached, waitForExit } from './process.js';
import { checkJava } from './tools.js';

export interface LocalRegistryOptions {
  /** The git-ignored devstack folder: the application in apicurio-<version>/, one registry-<port>/ per instance. */
  home: string;
  port?: number;
  host?: string;
  version?: string;
  log?: (line: string) => void;
  heap?: string;
  java?: string;
  mvn?: string;
  readyTimeoutMs?: number;
}

export interface LocalRegistry {
  /** The Confluent-compatible API, what SCHEMA_REGISTRY_URL points at. */
  url: string;
  start(): Promise<{ url: string; reused: boolean }>;
  stop(): Promise<void>;
  status(): Promise<{ running: boolean; pid?: number; url: string; logFile: string }>;
}

export const CCOMPAT_PATH = '/apis/ccompat/v7';

/**
 * A real Apicurio Registry (in-memory storage) for development and tests,
 * run like the local broker: detached, reused by the next start, stopped
 * with SIGTERM. Its data lives as long as the process.
 */
export function createLocalRegistry(options: LocalRegistryOptions): LocalRegistry {
  const { home, host = '127.0.0.1', port = 8081, heap = '-Xms64m -Xmx512m', readyTimeoutMs = 120_000 } = options;
  const version = options.version ?? DEFAULT_APICURIO_VERSION;
  const java = options.java ?? 'java';
  const log = options.log ?? (() => {});
  const dir = join(home, `registry-${port}`);
  const logFile = join(dir, 'registry.log');
  const pidFile = join(dir, 'registry.pid');
  // On the command line, so isOurProcess tells our registry from whatever reuses its pid.
  const marker = `-Dpopp-bridge.devstack=${dir}`;
  const url = `http://${host}:${port}${CCOMPAT_PATH}`;
  const onWait = (pid: number | undefined) => log(`waiting for another process (pid ${pid ?? '?'}) using the registry on port ${port}…`);
  const locked = <T>(fn: () => Promise<T>) => withLock(join(dir, 'start.lock'), { timeoutMs: 15 * 60_000, onWait }, fn);

  async function livePid(): Promise<number | undefined> {
    const pid = await readPid(pidFile);
    if (pid !== undefined && isOurProcess(pid, marker)) return pid;
    if (pid !== undefined) await removeFile(pidFile);
    return undefined;
  }

  async function answers(): Promise<boolean> {
    try {
      return (await fetch(`${url}/subjects`, { signal: AbortSignal.timeout(2_000) })).ok;
    } catch {
      return false;
    }
  }

  async function waitReady(pid: number, exited: () => boolean, logFrom: number): Promise<void> {
    const deadline = Date.now() + readyTimeoutMs;
    while (Date.now() < deadline) {
      if (exited() || !isOurProcess(pid, marker)) {
        await removeFile(pidFile);
        throw new Error(`the schema registry exited while starting; from ${logFile}:\n${await failureOf(logFile, logFrom)}`);
      }
      if (await answers()) return;
      await sleep(300);
    }
    await stopPid(pid);
    throw new Error(`the schema registry did not answer on ${url} within ${readyTimeoutMs / 1000} s and was stopped; see ${logFile}`);
  }

  async function launch(): Promise<{ url: string; reused: boolean }> {
    if (await isPortOpen(host, port))
      throw new Error(`cannot start the local schema registry: ${host}:${port} is in use by another program`);
    await checkJava(java);
    const runner = await ensureApicurio({ home, version, log, java, ...(options.mvn && { mvn: options.mvn }) });
    log(`starting Apicurio Registry ${version} on ${url} (log: ${logFile})`);
    const started = Date.now();
    const args = [
      ...heap.split(/\s+/).filter(Boolean),
      marker,
      `-Dquarkus.http.host=${host}`,
      `-Dquarkus.http.port=${port}`,
      // In-memory H2: nothing to clean up, and every start is a fresh registry.
      '-Dapicurio.storage.kind=sql',
      '-Dapicurio.storage.sql.kind=h2',
      '-Dquarkus.http.access-log.enabled=false',
      '-jar',
      runner,
    ];
    const child = await spawnDetached({ command: java, args, cwd: dir, logFile, pidFile, banner: `starting Apicurio Registry ${version}` });
    await waitReady(child.pid, child.exited, child.logFrom);
    log(`schema registry ready on ${url} in ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${child.pid})`);
    return { url, reused: false };
  }

  async function stopPid(pid: number): Promise<void> {
    process.kill(pid, 'SIGTERM');
    if (!(await waitForExit(pid, 20_000))) {
      log(`the schema registry (pid ${pid}) did not stop within 20 s; killing it`);
      process.kill(pid, 'SIGKILL');
      await waitForExit(pid, 5_000);
    }
    await removeFile(pidFile);
  }

  return {
    url,
    start: async () => {
      await mkdir(dir, { recursive: true });
      return locked(async () => {
        const pid = await livePid();
        if (pid === undefined) return launch();
        await waitReady(pid, () => false, Math.max(0, (await fileSize(logFile)) - 20_000));
        return { url, reused: true };
      });
    },
    stop: async () => {
      if (!existsSync(dir)) return;
      await locked(async () => {
        const pid = await livePid();
        if (pid === undefined) return;
        log(`stopping the schema registry on ${url} (pid ${pid})`);
        await stopPid(pid);
      });
    },
    status: async () => {
      const pid = await livePid();
      return { running: pid !== undefined, ...(pid !== undefined && { pid }), url, logFile };
    },
  };
}
