import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { newClusterId } from './config.js';

/** The files of one broker instance, `<home>/broker-<port>/`; the jars are shared between instances. */
export interface InstancePaths {
  dir: string;
  props: string;
  log4j: string;
  data: string;
  logFile: string;
  pidFile: string;
  clusterIdFile: string;
}

export function instancePaths(home: string, port: number): InstancePaths {
  const dir = join(home, `broker-${port}`);
  return {
    dir,
    props: join(dir, 'server.properties'),
    log4j: join(dir, 'log4j2.properties'),
    data: join(dir, 'data'),
    logFile: join(dir, 'broker.log'),
    pidFile: join(dir, 'broker.pid'),
    clusterIdFile: join(dir, 'cluster-id'),
  };
}

/** The cluster id the storage was formatted with; meta.properties is what the broker itself trusts. */
export async function readClusterId(paths: InstancePaths): Promise<string | undefined> {
  const text = await readFile(join(paths.data, 'meta.properties'), 'utf8').catch(() => '');
  return /^cluster\.id=(.+)$/m.exec(text)?.[1]?.trim();
}

const run = promisify(execFile);

/** How a node of a cluster is formatted: the cluster's id and its voters (`id@host:port:directoryId,…`), the same for all. */
export interface ClusterFormat {
  clusterId: string;
  initialControllers: string;
}

/**
 * KRaft storage must be formatted once with a cluster id before the first
 * start; later starts find meta.properties and keep their data. A data folder
 * without it holds nothing usable (an interrupted format) and is cleared, as
 * is a cluster node's folder formatted for another cluster. Alone, a node is
 * its own single-voter quorum.
 */
export async function formatOnce(
  paths: InstancePaths,
  java: string,
  libs: string,
  log: (line: string) => void,
  options: {
    /** The cluster this node belongs to; absent, a single node. */
    cluster?: ClusterFormat;
    /** More `format` arguments, e.g. `--add-scram` users, which only a format can create without a running broker. */
    extraArgs?: readonly string[];
  } = {},
): Promise<void> {
  const { cluster, extraArgs = [] } = options;
  const formatted = await readClusterId(paths);
  if (formatted && (!cluster || formatted === cluster.clusterId)) return;
  await rm(paths.data, { recursive: true, force: true });
  const id = cluster?.clusterId ?? newClusterId();
  log(`formatting storage in ${paths.data} (cluster ${id})`);
  const args = ['-cp', join(libs, '*'), `-Dlog4j2.configurationFile=${paths.log4j}`, 'kafka.tools.StorageTool'];
  const quorum = cluster ? ['--initial-controllers', cluster.initialControllers] : ['--standalone'];
  try {
    await run(java, [...args, 'format', '-t', id, '-c', paths.props, ...quorum, ...extraArgs]);
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`formatting Kafka storage failed:\n${`${stdout}${stderr}`.trim().split('\n').slice(-15).join('\n')}`);
  }
  await writeFile(paths.clusterIdFile, `${id}\n`);
}

/** The broker's command line: `kafka.Kafka` with our properties (also what tells our process apart). */
export function brokerArgs(paths: InstancePaths, libs: string, jvm: string[]): string[] {
  return [...jvm, `-Dlog4j2.configurationFile=${paths.log4j}`, '-cp', join(libs, '*'), 'kafka.Kafka', paths.props];
}
