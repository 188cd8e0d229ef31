import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { renderLog4j, renderServerProperties } from './config.js';
import { formatOnce, instancePaths, logSize, readClusterId, spawnBroker } from './instance.js';
import { DEFAULT_KAFKA_VERSION, ensureJars } from './jars.js';
import { withLock } from './lock.js';
import { portUser, probeClusterId } from './probe.js';
import { failureOf, isOurProcess, readPid, removeFile, waitForExit } from './process.js';
import { checkJava } from './tools.js';

export interface LocalBrokerOptions {
  /** The git-ignored devstack folder: jars in kafka-<version>/, one broker-<port>/ per instance. */
  home: string;
  port?: number;
  controllerPort?: number;
  host?: string;
  kafkaVersion?: string;
  log?: (line: string) => void;
  /** JVM heap flags; bounded so a forgotten broker cannot take the machine. */
  heap?: string;
  java?: string;
  mvn?: string;
  readyTimeoutMs?: number;
}

export interface LocalBroker {
  brokers: string[];
  start(): Promise<{ brokers: string[]; reused: boolean }>;
  stop(): Promise<void>;
  status(): Promise<{ running: boolean; pid?: number; brokers: string[]; logFile: string }>;
}

/** A single-node KRaft Kafka that outlives the process that started it, reused by the next one. */
export function createLocalBroker(options: LocalBrokerOptions): LocalBroker {
  const { home, host = '127.0.0.1', port = 9092, controllerPort = 9093, heap = '-Xms256m -Xmx1g', readyTimeoutMs = 60_000 } = options;
  const version = options.kafkaVersion ?? DEFAULT_KAFKA_VERSION;
  const java = options.java ?? 'java';
  const log = options.log ?? (() => {});
  const paths = instancePaths(home, port);
  const brokers = [`${host}:${port}`];
  const onWait = (pid: number | undefined) => log(`waiting for another process (pid ${pid ?? '?'}) using the broker on port ${port}…`);
  // Held for a whole start or stop, across processes; a first start may wait for a jar download.
  const locked = <T>(fn: () => Promise<T>) => withLock(paths.lock, { timeoutMs: 15 * 60_000, onWait }, fn);

  /** Our live broker's pid; a pid file left by a dead (or recycled) pid is removed. */
  async function livePid(): Promise<number | undefined> {
    const pid = await readPid(paths.pidFile);
    if (pid !== undefined && isOurProcess(pid, paths.props)) return pid;
    if (pid !== undefined) await removeFile(paths.pidFile);
    return undefined;
  }

  /** Polls until the broker answers with our cluster id; fails early, quoting its log, if the process dies. */
  async function waitReady(pid: number, exited: () => boolean, logFrom: number): Promise<void> {
    const expected = await readClusterId(paths);
    const deadline = Date.now() + readyTimeoutMs;
    while (Date.now() < deadline) {
      if (exited() || !isOurProcess(pid, paths.props)) {
        await removeFile(paths.pidFile);
        throw new Error(`Kafka exited while starting; from ${paths.logFile}:\n${await failureOf(paths.logFile, logFrom)}`);
      }
      if ((await probeClusterId(brokers, 3_000)) === expected) return;
      await sleep(300);
    }
    // Half-started is worse than stopped: the next start begins clean.
    await stopPid(pid);
    const why = await failureOf(paths.logFile, logFrom);
    throw new Error(
      `Kafka did not answer on ${brokers[0]} within ${readyTimeoutMs / 1000} s and was stopped; from ${paths.logFile}:\n${why}`,
    );
  }

  async function launch(): Promise<{ brokers: string[]; reused: boolean }> {
    for (const [name, p] of [['port', port] as const, ['controller port', controllerPort] as const]) {
      const user = await portUser(host, p, await readClusterId(paths));
      if (user) throw new Error(`cannot start the local Kafka: ${name} ${host}:${p} is in use by ${user}; stop it or choose other ports`);
    }
    await checkJava(java);
    const libs = await ensureJars({ home, kafkaVersion: version, log, java, ...(options.mvn && { mvn: options.mvn }) });
    // Rewritten each time so changes to these settings reach existing instances; the data stays.
    await writeFile(paths.props, renderServerProperties({ host, port, controllerPort, dataDir: paths.data }));
    await writeFile(paths.log4j, renderLog4j());
    await formatOnce(paths, java, libs, log);
    log(`starting Kafka ${version} on ${brokers[0]} (log: ${paths.logFile})`);
    const started = Date.now();
    const jvm = [...heap.split(/\s+/).filter(Boolean), '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-Djava.awt.headless=true'];
    const child = await spawnBroker(paths, { java, libs, jvm, banner: `starting Kafka ${version} on ${brokers[0]}` });
    await waitReady(child.pid, child.exited, child.logFrom);
    log(`Kafka ready on ${brokers[0]} in ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${child.pid})`);
    return { brokers, reused: false };
  }

  async function stopPid(pid: number): Promise<void> {
    process.kill(pid, 'SIGTERM');
    // A clean shutdown writes .kafka_cleanshutdown, so the next start skips log recovery.
    if (!(await waitForExit(pid, 30_000))) {
      log(`Kafka (pid ${pid}) did not stop within 30 s; killing it`);
      process.kill(pid, 'SIGKILL');
      await waitForExit(pid, 5_000);
    }
    await removeFile(paths.pidFile);
  }

  return {
    brokers,
    start: async () => {
      await mkdir(paths.dir, { recursive: true });
      return locked(async () => {
        const pid = await livePid();
        if (pid === undefined) return launch();
        // Ours and alive: usually answering at once; still starting if its starter was interrupted, so wait.
        await waitReady(pid, () => false, Math.max(0, (await logSize(paths)) - 20_000));
        return { brokers, reused: true };
      });
    },
    stop: async () => {
      if (!existsSync(paths.dir)) return;
      await locked(async () => {
        const pid = await livePid();
        if (pid === undefined) return;
        log(`stopping Kafka on ${brokers[0]} (pid ${pid})`);
        await stopPid(pid);
      });
    },
    status: async () => {
      const pid = await livePid();
      return { running: pid !== undefined, ...(pid !== undefined && { pid }), brokers, logFile: paths.logFile };
    },
  };
}
