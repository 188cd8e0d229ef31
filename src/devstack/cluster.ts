import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LocalBrokerOptions } from './broker.js';
import { newClusterId, renderLog4j, renderServerProperties } from './config.js';
import { brokerArgs, type ClusterFormat, formatOnce, instancePaths } from './instance.js';
import { DEFAULT_KAFKA_VERSION, ensureJars } from './jars.js';
import { portUser, probeClusterId } from './probe.js';
import { createLocalService } from './service.js';
import { checkJava } from './tools.js';

/** The single broker's options (home, host, version, JVM, tools, timeouts), but ports and size for several nodes. */
export interface LocalClusterOptions extends Omit<LocalBrokerOptions, 'port' | 'controllerPort'> {
  /** The git-ignored devstack folder: one broker-<port>/ per node, the cluster's identity in cluster-<port>/. */
  home: string;
  /** The first node's broker port; node n listens on `port + 100·n`, its controller one above. */
  port?: number;
  /** Nodes, each broker and controller (a quorum of all of them). */
  size?: number;
  minInsyncReplicas?: number;
}

/** One node of the cluster, for tests that kill, freeze and restart it. */
export interface ClusterNode {
  nodeId: number;
  address: string;
  /** Starts it if it is not running (reusing its data), and waits until it answers. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Its live process, if any. */
  pid(): Promise<number | undefined>;
  /** SIGKILL (a crash), SIGSTOP (frozen: no answers, no heartbeats), SIGCONT (resumed). */
  signal(signal: 'SIGKILL' | 'SIGSTOP' | 'SIGCONT'): Promise<void>;
}

export interface LocalCluster {
  brokers: string[];
  nodes: ClusterNode[];
  start(): Promise<{ brokers: string[]; reused: boolean }>;
  stop(): Promise<void>;
  /** Stops it and deletes its data: the next start formats a new, empty cluster. */
  reset(): Promise<void>;
  status(): Promise<{ running: boolean; pids: (number | undefined)[]; brokers: string[]; logFiles: string[] }>;
}

/** Where a cluster started with defaults listens: clear of the single broker's 9092. */
export const LOCAL_CLUSTER_PORT = 19092;

/**
 * A replicated KRaft cluster of `size` local processes from the same jars as
 * the single broker: replication factor `size` for every topic made without
 * one, `min.insync.replicas` 2. Every node is broker and controller, so the
 * controller quorum survives one node down and is lost with two of three.
 * Nodes start together (one alone cannot elect a controller) and outlive the
 * process that started them, like the single broker.
 */
export function createLocalCluster(options: LocalClusterOptions): LocalCluster {
  const { home, host = '127.0.0.1', port = LOCAL_CLUSTER_PORT, size = 3, heap = '-Xms128m -Xmx512m', readyTimeoutMs = 120_000 } = options;
  const minInsyncReplicas = options.minInsyncReplicas ?? Math.min(2, size);
  const version = options.kafkaVersion ?? DEFAULT_KAFKA_VERSION;
  const java = options.java ?? 'java';
  const log = options.log ?? (() => {});
  const ids = Array.from({ length: size }, (_, index) => index + 1);
  const brokerPort = (id: number) => port + 100 * (id - 1);
  const controllers = ids.map((id) => `${host}:${brokerPort(id) + 1}`);
  const brokers = ids.map((id) => `${host}:${brokerPort(id)}`);
  const identityFile = join(home, `cluster-${port}`, 'cluster.json');
  let identity: Promise<ClusterFormat> | undefined;

  /** One id and one set of voter directories for all nodes, kept so restarts keep their data. */
  function clusterFormat(): Promise<ClusterFormat> {
    identity ??= (async () => {
      const known = await readFile(identityFile, 'utf8').then(
        (text) => JSON.parse(text) as ClusterFormat & { size: number },
        () => undefined,
      );
      if (known?.size === size) return known;
      const made = {
        size,
        clusterId: newClusterId(),
        initialControllers: ids.map((id, index) => `${id}@${controllers[index]}:${newClusterId()}`).join(','),
      };
      await mkdir(join(home, `cluster-${port}`), { recursive: true });
      await writeFile(identityFile, `${JSON.stringify(made, null, 2)}\n`);
      return made;
    })();
    return identity;
  }

  const nodes = ids.map((id): ClusterNode => {
    const nodePort = brokerPort(id);
    const paths = instancePaths(home, nodePort);
    const address = `${host}:${nodePort}`;
    const service = createLocalService({
      name: `Kafka node ${id}`,
      address,
      dir: paths.dir,
      pidFile: paths.pidFile,
      logFile: paths.logFile,
      marker: paths.props,
      lockTimeoutMs: 15 * 60_000,
      readyTimeoutMs,
      stopGraceMs: 20_000,
      log,
      answers: async () => (await probeClusterId([address], 3_000)) === (await clusterFormat()).clusterId,
      async prepare() {
        const format = await clusterFormat();
        for (const p of [nodePort, nodePort + 1]) {
          const user = await portUser(host, p, format.clusterId);
          if (user) throw new Error(`cannot start Kafka node ${id}: port ${host}:${p} is in use by ${user}; stop it or choose other ports`);
        }
        await checkJava(java);
        const libs = await ensureJars({ home, kafkaVersion: version, log, java, ...(options.mvn && { mvn: options.mvn }) });
        const cluster = { nodeId: id, controllers, replicationFactor: size, minInsyncReplicas };
        await writeFile(
          paths.props,
          renderServerProperties({ host, port: nodePort, controllerPort: nodePort + 1, dataDir: paths.data, cluster }),
        );
        await writeFile(paths.log4j, renderLog4j());
        await formatOnce(paths, java, libs, log, { cluster: format });
        const jvm = [...heap.split(/\s+/).filter(Boolean), '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-Djava.awt.headless=true'];
        return {
          command: java,
          args: brokerArgs(paths, libs, jvm),
          banner: `starting Kafka ${version} node ${id} of ${size} on ${address}`,
        };
      },
    });
    const pid = async () => (await service.status()).pid;
    return {
      nodeId: id,
      address,
      start: async () => {
        await service.start();
      },
      stop: () => service.stop(),
      pid,
      async signal(signal) {
        const live = await pid();
        if (live === undefined) throw new Error(`Kafka node ${id} is not running`);
        process.kill(live, signal);
      },
    };
  });

  async function stop(): Promise<void> {
    // A frozen node would not hear its SIGTERM.
    await Promise.all(nodes.map((node) => node.signal('SIGCONT').catch(() => {})));
    await Promise.all(nodes.map((node) => node.stop()));
  }

  return {
    brokers,
    nodes,
    async start() {
      const before = await Promise.all(nodes.map((node) => node.pid()));
      await mkdir(home, { recursive: true });
      // Together: a node waits for a controller, which needs a majority of the nodes up.
      await Promise.all(nodes.map((node) => node.start()));
      return { brokers, reused: before.every((pid) => pid !== undefined) };
    },
    stop,
    async reset() {
      await stop();
      identity = undefined;
      const dirs = [...ids.map((id) => instancePaths(home, brokerPort(id)).dir), join(home, `cluster-${port}`)];
      await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
    },
    async status() {
      const pids = await Promise.all(nodes.map((node) => node.pid()));
      return {
        running: pids.every((pid) => pid !== undefined),
        pids,
        brokers,
        logFiles: ids.map((id) => instancePaths(home, brokerPort(id)).logFile),
      };
    },
  };
}
