import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { downloadOnce, type FetchOptions, fetchPlan, runMaven } from './maven.js';

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

export interface JarsOptions extends FetchOptions {
  kafkaVersion?: string;
}

/** Makes sure `<home>/kafka-<version>/libs` holds the broker's jars; returns that folder. Fast when already done. */
export async function ensureJars(options: JarsOptions): Promise<string> {
  const version = options.kafkaVersion ?? DEFAULT_KAFKA_VERSION;
  const { log, mvn, dir, tools } = fetchPlan(options, 'kafka', version, /^\d+\.\d+\.\d+$/, 'Kafka');
  const libs = join(dir, 'libs');
  await downloadOnce({ dir, target: libs, what: 'Kafka', tools, log }, async (partial) => {
    const log4j = log4jVersionFor(version);
    const pom = join(dir, 'pom.xml');
    await writeFile(pom, renderPom(version, log4j));
    log(`downloading Apache Kafka ${version} (log4j ${log4j}) from Maven Central with ${mvn}; this may take a few minutes`);
    const started = Date.now();
    const args = ['-B', '-f', pom, `${DEPENDENCY_PLUGIN}:copy-dependencies`, '-DincludeScope=runtime', `-DoutputDirectory=${partial}`];
    await runMaven(mvn, args, log, 'the Kafka jars');
    const jars = (await readdir(partial)).filter((name) => name.endsWith('.jar'));
    log(`Kafka ${version} downloaded: ${jars.length} jars in ${libs} (${Math.round((Date.now() - started) / 1000)} s)`);
    return { kafka: version, log4j, jars: jars.length };
  });
  return libs;
}
