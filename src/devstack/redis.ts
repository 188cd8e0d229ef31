import { writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { isPortOpen } from './probe.js';
import { createLocalService } from './service.js';

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
  const dir = join(home, `redis-${port}`);
  const conf = join(dir, 'redis.conf');
  const url = `redis://${host}:${port}`;
  const service = createLocalService({
    name: 'Redis',
    address: `${host}:${port}`,
    dir,
    pidFile: join(dir, 'redis.pid'),
    logFile: join(dir, 'redis.log'),
    // redis-server rewrites its process title to "redis-server host:port": that is what identifies ours.
    marker: `${host}:${port}`,
    lockTimeoutMs: 60_000,
    readyTimeoutMs,
    stopGraceMs: 10_000,
    pollMs: 100,
    log: options.log ?? (() => {}),
    answers: () => ping(host, port),
    async prepare() {
      if (await isPortOpen(host, port)) throw new Error(`cannot start the local Redis: ${host}:${port} is in use by another program`);
      const settings = [`bind ${host}`, `port ${port}`, `dir ${dir}`, 'daemonize no', 'save ""', 'appendonly yes', 'appendfsync everysec'];
      await writeFile(conf, [...settings, 'protected-mode yes', ''].join('\n'));
      return {
        command,
        args: [conf],
        banner: `starting Redis on ${host}:${port}`,
        missingHint: 'install Redis (Debian: apt-get install redis-server) or set REDIS_URL',
      };
    },
  });
  return {
    url,
    start: async () => ({ url, ...(await service.start()) }),
    stop: () => service.stop(),
    status: async () => ({ ...(await service.status()), url }),
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
