import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withLock } from './lock.js';
import { checkTools } from './tools.js';

/** 4.1.1 is tested here; any 4.x served by Maven Central works the same way. */
export const DEFAULT_KAFKA_VERSION = '4.1.1';

/**
 * `kafka_2.13` leaves out the SLF4J binding (the Kafka distribution adds it
 * from its own build), so without `log4j-slf4j-impl` the broker logs nothing.
 * All its poms use slf4j-api 1.7.36, hence the SLF4J 1.x binding, not
 * `log4j-slf4j2-impl`. The log4j version follows what each release's
 * `kafka-server` pom declares (4.0.x declares none; its distribution ships
 * 2.24.3); the three log4j jars must share one version.
 */
const LOG4J_BY_KAFKA: Record<string, string> = {
  '4.0': '2.24.3',
  '4.1.0': '2.24.3',
  '4.1.1': '2.24.3',
  '4.1': '2.25.3',
  '4.2.0': '2.25.3',
  '4.2.1': '2.25.4',
  '4.2': '2.25.5',
  '4.3': '2.25.4',
  '4.4': '2.25.5',
};
const LOG4J_NEWEST = '2.25.5';
const UNITS: Record<string, number> = { B: 1, kB: 1e3, MB: 1e6, GB: 1e9 };
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';

export function log4jVersionFor(kafkaVersion: string): string {
  const minor = kafkaVersion.split('.').slice(0, 2).join('.');
  return LOG4J_BY_KAFKA[kafkaVersion] ?? LOG4J_BY_KAFKA[minor] ?? LOG4J_NEWEST;
}

export function renderPom(kafkaVersion: string, log4jVersion: string): string {
  const dep = (group: string, artifact: string, version: string) =>
    `    <dependency><groupId>${group}</groupId><artifactId>${artifact}</artifactId><version>${version}</version></dependency>`;
  const log4j = (artifact: string) => dep('org.apache.logging.log4j', artifact, log4jVersion);
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by popp-bridge: the jars of the local development Kafka broker. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.popp-bridge</groupId>
  <artifactId>devstack-kafka</artifactId>
  <version>${kafkaVersion}</version>
  <packaging>pom</packaging>
  <dependencies>
${dep('org.apache.kafka', 'kafka_2.13', kafkaVersion)}
${log4j('log4j-api')}
${log4j('log4j-core')}
${log4j('log4j-slf4j-impl')}
  </dependencies>
</project>
`;
}

export interface JarsOptions {
  home: string;
  kafkaVersion?: string;
  log?: (line: string) => void;
  java?: string;
  mvn?: string;
}

/** Makes sure `<home>/kafka-<version>/libs` holds the broker's jars; returns that folder. Fast when already done. */
export async function ensureJars(options: JarsOptions): Promise<string> {
  const version = options.kafkaVersion ?? DEFAULT_KAFKA_VERSION;
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`not a Kafka version: ${version}`);
  const log = options.log ?? (() => {});
  const dir = join(options.home, `kafka-${version}`);
  const libs = join(dir, 'libs');
  const marker = join(dir, '.complete');
  if (existsSync(marker)) return libs;

  await checkTools({ java: options.java ?? 'java', mvn: options.mvn ?? 'mvn' });
  await mkdir(dir, { recursive: true });
  const onWait = () => log('waiting for another process that is downloading Kafka…');
  // Another process may be downloading the same version; wait for it rather than racing it.
  await withLock(join(dir, 'download.lock'), { timeoutMs: 20 * 60_000, onWait }, async () => {
    if (existsSync(marker)) return;
    const log4j = log4jVersionFor(version);
    const pom = join(dir, 'pom.xml');
    await writeFile(pom, renderPom(version, log4j));
    // Copy into a side folder and rename at the end: a broken download never looks like a finished one.
    const partial = join(dir, 'libs.partial');
    await rm(partial, { recursive: true, force: true });
    log(
      `downloading Apache Kafka ${version} (log4j ${log4j}) from Maven Central with ${options.mvn ?? 'mvn'}; this may take a few minutes`,
    );
    const started = Date.now();
    const args = ['-B', '-f', pom, `${DEPENDENCY_PLUGIN}:copy-dependencies`, '-DincludeScope=runtime', `-DoutputDirectory=${partial}`];
    await runMaven(options.mvn ?? 'mvn', args, log);
    const jars = (await readdir(partial)).filter((name) => name.endsWith('.jar'));
    await rm(libs, { recursive: true, force: true });
    await rename(partial, libs);
    await writeFile(marker, `${JSON.stringify({ kafka: version, log4j, jars: jars.length, at: new Date().toISOString() })}\n`);
    log(`Kafka ${version} downloaded: ${jars.length} jars in ${libs} (${Math.round((Date.now() - started) / 1000)} s)`);
  });
  return libs;
}

/**
 * Maven in batch mode prints `[INFO] Downloaded from central: <url> (size …)`
 * per file, a few hundred of them: one summary line at most every 1.5 s keeps
 * a multi-minute first run visibly moving without flooding the terminal, and
 * a heartbeat covers a long single file (batch mode shows no byte progress).
 * The tail of the output explains a failure.
 */
export function runMaven(mvn: string, args: string[], log: (line: string) => void, what = 'the Kafka jars', cwd?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(mvn, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd });
    const tail: string[] = [];
    let files = 0;
    let bytes = 0;
    let lastLog = Date.now();
    let rest = '';
    const onData = (chunk: Buffer) => {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        tail.push(line);
        if (tail.length > 40) tail.shift();
        const match = /Downloaded from [\w.-]+: \S*\/([^/\s]+) \((\S+) (B|kB|MB|GB)/.exec(line);
        if (!match) continue;
        files++;
        bytes += Number(match[2]) * (UNITS[match[3] ?? 'B'] ?? 1);
        if (Date.now() - lastLog < 1_500) continue;
        lastLog = Date.now();
        log(`  fetched ${files} files, ${(bytes / 1e6).toFixed(1)} MB (${match[1]})`);
      }
    };
    const heartbeat = setInterval(() => {
      if (Date.now() - lastLog < 10_000) return;
      lastLog = Date.now();
      log(`  still downloading… (${files} files, ${(bytes / 1e6).toFixed(1)} MB so far)`);
    }, 2_000);
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error) => {
      clearInterval(heartbeat);
      reject(error);
    });
    child.on('close', (code) => {
      clearInterval(heartbeat);
      if (code === 0) return resolve();
      // Maven's own advice (-e, -X, wiki links) after the real error is noise here.
      const errors = tail.filter((line) => /\[ERROR\] \S/.test(line) && !/\[ERROR\] (To see|Re-run|For more|\[Help)/.test(line));
      reject(new Error(`Maven could not fetch ${what} (exit ${code}):\n${(errors.length ? errors : tail.slice(-15)).join('\n')}`));
    });
  });
}
