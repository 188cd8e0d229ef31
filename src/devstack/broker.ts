import { writeFile } from 'node:fs/promises';
import { renderLog4j, renderServerProperties } from './config.js';
import { brokerArgs, formatOnce, instancePaths, readClusterId } from './instance.js';
import { DEFAULT_KAFKA_VERSION, ensureJars } from './jars.js';
import { portUser, probeClusterId } from './probe.js';
import { createLocalService } from './service.js';
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

/** The address of the local development broker, for commands that only need to know where it would be. */
export const LOCAL_BROKERS = ['127.0.0.1:9092'];

/** A single-node KRaft Kafka that outlives the process that started it, reused by the next one. */
export function createLocalBroker(options: LocalBrokerOptions): LocalBroker {
  const { home, host = '127.0.0.1', port = 9092, controllerPort = 9093, heap = '-Xms256m -Xmx1g', readyTimeoutMs = 60_000 } = options;
  const version = options.kafkaVersion ?? DEFAULT_KAFKA_VERSION;
  const java = options.java ?? 'java';
  const log = options.log ?? (() => {});
  const paths = instancePaths(home, port);
  const brokers = [`${host}:${port}`];

  const service = createLocalService({
    name: 'Kafka',
    address: `${host}:${port}`,
    dir: paths.dir,
    pidFile: paths.pidFile,
    logFile: paths.logFile,
    marker: paths.props,
    // A first start may wait for another process's jar download.
    lockTimeoutMs: 15 * 60_000,
    readyTimeoutMs,
    // A clean shutdown writes .kafka_cleanshutdown, so the next start skips log recovery.
    stopGraceMs: 30_000,
    log,
    // Our broker answers with the cluster id its storage was formatted with; any other Kafka on the port does not.
    answers: async () => (await probeClusterId(brokers, 3_000)) === (await readClusterId(paths)),
    async prepare() {
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
      const jvm = [...heap.split(/\s+/).filter(Boolean), '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-Djava.awt.headless=true'];
      return { command: java, args: brokerArgs(paths, libs, jvm), banner: `starting Kafka ${version} on ${brokers[0]}` };
    },
  });

  return {
    brokers,
    start: async () => ({ brokers, reused: (await service.start()).reused }),
    stop: () => service.stop(),
    status: async () => ({ ...(await service.status()), brokers }),
  };
}
