import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../src/config.js';
import { createLocalBroker } from '../../src/devstack/broker.js';
import { createLocalRedis } from '../../src/devstack/redis.js';
import { createLocalRegistry } from '../../src/devstack/registry.js';
import { missingTestTools } from '../../src/devstack/tools.js';
import { buildImages } from '../../src/images/build.js';
import { createDockerCli } from '../../src/images/docker.js';
import { LOCAL_IMAGES } from '../../src/images/names.js';
import { devstackHome, projectRoot } from '../../src/paths.js';
import { startKafkaContainer } from '../../src/testing/kafka-container.js';
import { removeOrphans } from '../../src/testing/owner.js';
import { CONTAINER_PORTS, freePort } from '../support/containers.js';
import { type ContainerOutcome, chooseKafka, type Engine } from '../support/kafka-choice.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string[];
    /** A real Confluent-compatible schema registry, never one written here. */
    schemaRegistryUrl: string;
    /** A real Redis for DEDUPE_STORE=redis. */
    redisUrl: string;
    /** Whether an engine answered and the local images could be built: the container tests run only then, and say why not. */
    dockerEngine: Engine;
  }
}

/** Kafka, the schema registry and Redis, started side by side; each teardown stops only what it started. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The fault tests run brokers and Redis of their own whatever is configured: every tool is needed.
  const missing = await missingTestTools();
  if (missing.length > 0) {
    for (const line of missing) console.error(`[prerequisites] ${line}`);
    throw new Error(`the integration tests need ${missing.length === 1 ? 'a tool' : 'tools'} this machine lacks (see the lines above)`);
  }
  const containers = await containerPath();
  project.provide('dockerEngine', containers);
  const started = await Promise.allSettled([kafka(project, containers), schemaRegistry(project), redis(project)]);
  const teardowns = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const teardown = async () => {
    await Promise.all(teardowns.map((stop) => stop()));
  };
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await teardown();
    throw failed.reason;
  }
  return teardown;
}

/** REDIS_URL if set; otherwise the local redis-server (started here, stopped after unless it was running). */
async function redis(project: TestProject): Promise<() => Promise<void>> {
  const given = loadConfig(process.env).dedupe.redisUrl;
  if (given) {
    console.log('[redis] using REDIS_URL');
    project.provide('redisUrl', given);
    return async () => {};
  }
  const local = createLocalRedis({ home: devstackHome, log: (line) => console.log(`[redis] ${line}`) });
  const { url, reused } = await local.start();
  console.log(`[redis] local Redis ${reused ? 'reused' : 'started'} at ${url}`);
  project.provide('redisUrl', url);
  return async () => {
    if (!reused) await local.stop();
  };
}

/**
 * SCHEMA_REGISTRY_URL if set; otherwise the local Apicurio Registry (fetched
 * with Maven on first use), started here and stopped after unless it was
 * already running. No test is skipped for want of a registry.
 */
async function schemaRegistry(project: TestProject): Promise<() => Promise<void>> {
  const given = loadConfig(process.env).schemaRegistry?.url;
  if (given) {
    console.log('[registry] using SCHEMA_REGISTRY_URL');
    project.provide('schemaRegistryUrl', given);
    return async () => {};
  }
  const registry = createLocalRegistry({ home: devstackHome, log: (line) => console.log(`[registry] ${line}`) });
  const { url, reused } = await registry.start();
  console.log(`[registry] local Apicurio Registry ${reused ? 'reused' : 'started'} at ${url}`);
  project.provide('schemaRegistryUrl', url);
  return async () => {
    if (!reused) await registry.stop();
  };
}

/** The broker for the integration tests: see chooseKafka. */
async function kafka(project: TestProject, engine: Engine): Promise<() => Promise<void>> {
  const log = (line: string) => console.log(`[kafka] ${line}`);
  const chosen = await chooseKafka({
    given: loadConfig(process.env).kafkaBrokers,
    engine,
    container: kafkaContainer,
    log,
    async local() {
      const broker = createLocalBroker({ home: devstackHome, log });
      const { brokers, reused } = await broker.start();
      log(`local broker ${reused ? 'reused' : 'started'} on ${brokers.join(',')}`);
      // Stop only what this run started: a developer's running broker stays up.
      return { brokers, stop: async () => (reused ? undefined : broker.stop()) };
    },
  });
  project.provide('kafkaBrokers', chosen.brokers);
  return chosen.stop;
}

/**
 * Whether the container tests can run: an engine answers and the local Kafka
 * image is built, or reused (nothing is pulled: registries may be out of
 * reach). The base image needs debootstrap and root: where that fails the
 * reason is given once, and every container test is skipped with it.
 */
async function containerPath(): Promise<Engine> {
  const engine = await dockerEngine();
  if (!engine.ok) return { ok: false, reason: `no Docker engine answered (${engine.reason})` };
  // Ryuk's image would have to be pulled; containers are stopped by whoever started them (src/testing/owner.ts).
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  const removed = await removeOrphans();
  if (removed.length > 0) console.log(`[containers] removed ${removed.length} left by runs that died: ${removed.join(', ')}`);
  const log = (line: string) => console.log(`[images] ${line}`);
  try {
    await buildImages({ docker: createDockerCli(), root: projectRoot, home: devstackHome, log, only: ['kafka'] });
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `a Docker engine answered but the image ${LOCAL_IMAGES.kafka} could not be built (${firstLine(error)})` };
  }
}

/** Starts the Kafka container; a start that fails is the reason for the fallback, in one line. */
async function kafkaContainer(): Promise<ContainerOutcome> {
  try {
    const kafka = await startKafkaContainer({ hostPort: await freePort(CONTAINER_PORTS.kafka) });
    console.log(
      `[kafka] Testcontainers started ${LOCAL_IMAGES.kafka} (container ${kafka.container.getName().replace(/^\//, '')}) on ${kafka.brokers.join(',')}`,
    );
    return { ok: true, brokers: kafka.brokers, stop: kafka.stop };
  } catch (error) {
    return { ok: false, reason: `the Kafka container from ${LOCAL_IMAGES.kafka} did not start (${firstLine(error)})` };
  }
}

function firstLine(error: unknown): string {
  return String((error as Error).message ?? error).split('\n')[0] ?? '';
}

async function dockerEngine(): Promise<Engine> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}
