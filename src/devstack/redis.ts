import { mkdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { withLock } from './lock.js';
import { isPortOpen } from './probe.js';
import { failureOf, isOurProcess, readPid, removeFile, spawnDetached, waitForExit } from './process.js';

export interface LocalRedisOptions {
  /** The git-ignored devstack folder: one redis-<port>/ per instance. */
  home: string;
  port?: number;
  host?: string;
  /** The redis-server binary (Debian: `apt-get install redis-server`). */
  command?: string;
  log?: (line: string) => void;
  readyTimeoutMs?: number;
}

export interface LocalRedis {
  url: string;
  start(): Promise<{ url: string; reused: boolean; pid: number }>;
  stop(): Promise<void>;
  status(): Promise<{ running: boolean; pid?: number; url: string; logFile: string }>;
}

/**
 * A local redis-server for the shared dedupe store, run like the local broker:
 * detached, reused by the next start, its files in `<home>/redis-<port>/`.
 * Append-only persistence (fsync every second), so a restart keeps what it
 * knew, as a production Redis for dedupe should.
 */
export function createLocalRedis(options: LocalRedisOptions): LocalRedis {
  const { home, host = '127.0.0.1', port = 6379, command = 'redis-server', readyTimeoutMs = 20_000 } = options;
  const log = options.log ?? (() => {});
  const dir = join(home, `redis-${port}`);
  const paths = {
    conf: join(dir, 'redis.conf'),
    pidFile: join(dir, 'redis.pid'),
    logFile: join(dir, 'redis.log'),
    lock: join(dir, 'start.lock'),
  };
  const url = `redis://${host}:${port}`;
  // redis-server rewrites its process title to "redis-server host:port": that is what identifies ours.
  const marker = `${host}:${port}`;
  const locked = <T>(fn: () => Promise<T>) => withLock(paths.lock, { timeoutMs: 60_000 }, fn);

  async function livePid(): Promise<number | undefined> {
    const pid = await readPid(paths.pidFile);
    if (pid !== undefined && isOurProcess(pid, marker)) return pid;
    if (pid !== undefined) await removeFile(paths.pidFile);
    return undefined;
  }

  async function launch(): Promise<{ url: string; reused: boolean; pid: number }> {
    if (await isPortOpen(host, port)) throw new Error(`cannot start the local Redis: ${host}:${port} is in use by another program`);
    await writeFile(
      paths.conf,
      [
        `bind ${host}`,
        `port ${port}`,
        `dir ${dir}`,
        'daemonize no',
        'save ""',
        'appendonly yes',
        'appendfsync everysec',
        'protected-mode yes',
        '',
      ].join('\n'),
    );
    const child = await spawnDetached({
      command,
      args: [paths.conf],
      cwd: dir,
      logFile: paths.logFile,
      pidFile: paths.pidFile,
      banner: `starting Redis on ${marker}`,
    }).catch((error: Error) => {
      throw new Error(`${error.message}: install Redis (Debian: apt-get install redis-server) or set REDIS_URL`);
    });
    const deadline = Date.now() + readyTimeoutMs;
    while (!(await ping(host, port))) {
      if (child.exited() || Date.now() > deadline) {
        if (!child.exited()) process.kill(child.pid, 'SIGKILL');
        await removeFile(paths.pidFile);
        throw new Error(`Redis did not start on ${marker}; from ${paths.logFile}:\n${await failureOf(paths.logFile, child.logFrom)}`);
      }
      await sleep(100);
    }
    log(`Redis ready on ${marker} (pid ${child.pid})`);
    return { url, reused: false, pid: child.pid };
  }

  return {
    url,
    async start() {
      await mkdir(dir, { recursive: true });
      return locked(async () => {
        const pid = await livePid();
        if (pid !== undefined && (await ping(host, port))) return { url, reused: true, pid };
        if (pid !== undefined) process.kill(pid, 'SIGKILL');
        return launch();
      });
    },
    async stop() {
      await mkdir(dir, { recursive: true });
      await locked(async () => {
        const pid = await livePid();
        if (pid === undefined) return;
        process.kill(pid, 'SIGTERM');
        if (!(await waitForExit(pid, 10_000))) process.kill(pid, 'SIGKILL');
        await removeFile(paths.pidFile);
      });
    },
    async status() {
      const pid = await livePid();
      return { running: pid !== undefined, ...(pid !== undefined && { pid }), url, logFile: paths.logFile };
    },
  };
}

/** Whether a Redis answers PING on host:port (RESP inline command). */
export function ping(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
    socket.once('error', () => done(false));
  });
}
