import { join } from 'node:path';
import { DEFAULT_APICURIO_VERSION, ensureApicurio } from './apicurio.js';
import { isPortOpen } from './probe.js';
import { createLocalService } from './service.js';
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
  // On the command line, so the lifecycle tells our registry from whatever reuses its pid.
  const marker = `-Dpopp-bridge.devstack=${dir}`;
  const url = `http://${host}:${port}${CCOMPAT_PATH}`;

  const service = createLocalService({
    name: 'the schema registry',
    address: url,
    dir,
    pidFile: join(dir, 'registry.pid'),
    logFile: join(dir, 'registry.log'),
    marker,
    lockTimeoutMs: 15 * 60_000,
    readyTimeoutMs,
    stopGraceMs: 20_000,
    log,
    async answers() {
      try {
        return (await fetch(`${url}/subjects`, { signal: AbortSignal.timeout(2_000) })).ok;
      } catch {
        return false;
      }
    },
    async prepare() {
      if (await isPortOpen(host, port)) {
        throw new Error(`cannot start the local schema registry: ${host}:${port} is in use by another program`);
      }
      await checkJava(java);
      const runner = await ensureApicurio({ home, version, log, java, ...(options.mvn && { mvn: options.mvn }) });
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
      return { command: java, args, banner: `starting Apicurio Registry ${version} on ${url}` };
    },
  });

  return {
    url,
    start: async () => ({ url, reused: (await service.start()).reused }),
    stop: () => service.stop(),
    status: async () => ({ ...(await service.status()), url }),
  };
}
