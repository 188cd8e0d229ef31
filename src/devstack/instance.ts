import { execFile, spawn } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
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
  lock: string;
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
    lock: join(dir, 'start.lock'),
    clusterIdFile: join(dir, 'cluster-id'),
  };
}

/** The cluster id the storage was formatted with; meta.properties is what the broker itself trusts. */
export async function readClusterId(paths: InstancePaths): Promise<string | undefined> {
  const text = await readFile(join(paths.data, 'meta.properties'), 'utf8').catch(() => '');
  return /^cluster\.id=(.+)$/m.exec(text)?.[1]?.trim();
}

export const logSize = (paths: InstancePaths): Promise<number> =>
  stat(paths.logFile).then(
    (s) => s.size,
    () => 0,
  );

const run = promisify(execFile);

/**
 * KRaft storage must be formatted once with a cluster id before the first
 * start; later starts find meta.properties and keep their data. A data folder
 * without it holds nothing usable (an interrupted format) and is cleared.
 */
export async function formatOnce(paths: InstancePaths, java: string, libs: string, log: (line: string) => void): Promise<void> {
  if (await readClusterId(paths)) return;
  await rm(paths.data, { recursive: true, force: true });
  const id = newClusterId();
  log(`formatting storage in ${paths.data} (cluster ${id})`);
  const args = ['-cp', join(libs, '*'), `-Dlog4j2.configurationFile=${paths.log4j}`, 'kafka.tools.StorageTool'];
  try {
    await run(java, [...args, 'format', '-t', id, '-c', paths.props, '--standalone']);
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`formatting Kafka storage failed:\n${`${stdout}${stderr}`.trim().split('\n').slice(-15).join('\n')}`);
  }
  await writeFile(paths.clusterIdFile, `${id}\n`);
}

export interface Spawned {
  pid: number;
  /** True once the process is gone, known without polling while we are its parent. */
  exited(): boolean;
  /** Where this run's output begins in the log, so errors quote this run only. */
  logFrom: number;
}

/**
 * Starts `kafka.Kafka` detached, in its own process group, with its output
 * appended to the log: it lives on after `npm start` or a test run ends, and
 * Ctrl-C in the terminal does not reach it.
 */
export async function spawnBroker(
  paths: InstancePaths,
  options: { java: string; libs: string; jvm: string[]; banner: string },
): Promise<Spawned> {
  // One old log is kept as broker.log.1, so a long-lived dev folder does not grow without bound.
  if ((await logSize(paths)) > 20e6) await rename(paths.logFile, `${paths.logFile}.1`);
  const logFrom = await logSize(paths);
  const fd = openSync(paths.logFile, 'a');
  writeSync(fd, `\n--- popp-bridge: ${options.banner}, ${new Date().toISOString()} ---\n`);
  const args = [...options.jvm, `-Dlog4j2.configurationFile=${paths.log4j}`, '-cp', join(options.libs, '*'), 'kafka.Kafka', paths.props];
  const child = spawn(options.java, args, { cwd: paths.dir, detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  child.once('error', () => {
    exited = true;
  });
  child.unref();
  if (child.pid === undefined) throw new Error(`could not run ${options.java}`);
  await writeFile(paths.pidFile, `${child.pid}\n`);
  return { pid: child.pid, exited: () => exited, logFrom };
}
