import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../src/config.js';
import { createLocalBroker } from '../../src/devstack/broker.js';
import { createLocalRedis } from '../../src/devstack/redis.js';
import { createLocalRegistry } from '../../src/devstack/registry.js';
import { missingTestTools } from '../../src/devstack/tools.js';
import { devstackHome } from '../../src/paths.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string[];
    /** A real Confluent-compatible schema registry, never one written here. */
    schemaRegistryUrl: string;
    /** A real Redis for DEDUPE_STORE=redis. */
    redisUrl: string;
  }
}

const TESTCONTAINERS_IMAGE = 'confluentinc/cp-kafka:7.9.1';

/** Kafka, the schema registry and Redis, started side by side; each teardown stops only what it started. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The fault tests run brokers and Redis of their own whatever is configured: every tool is needed.
  const missing = await missingTestTools();
  if (missing.length > 0) {
    for (const line of missing) console.error(`[prerequisites] ${line}`);
    throw new Error(`the integration tests need ${missing.length === 1 ? 'a tool' : 'tools'} this machine lacks (see the lines above)`);
  }
  const started = await Promise.allSettled([kafka(project), schemaRegistry(project), redis(project)]);
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

/**
 * The broker for the integration tests, in the order CONTRIBUTING.md (Tests) gives:
 * KAFKA_BROKERS if set; Testcontainers' Kafka when a Docker engine answers;
 * otherwise the local development broker (started here, stopped after).
 */
async function kafka(project: TestProject): Promise<() => Promise<void>> {
  const given = loadConfig(process.env).kafkaBrokers;
  if (given) {
    console.log(`[kafka] using KAFKA_BROKERS=${given.join(',')}`);
    project.provide('kafkaBrokers', given);
    return async () => {};
  }

  const docker = await dockerEngine();
  if (docker.ok) {
    const { KafkaContainer } = await import('@testcontainers/kafka');
    console.log(`[kafka] Docker engine found: starting ${TESTCONTAINERS_IMAGE} with Testcontainers`);
    const container = await new KafkaContainer(TESTCONTAINERS_IMAGE).withKraft().start();
    project.provide('kafkaBrokers', [`${container.getHost()}:${container.getMappedPort(9093)}`]);
    return async () => {
      await container.stop();
    };
  }

  console.log(`[kafka] Testcontainers path skipped: no Docker engine answered (${docker.reason}); using the local development broker`);
  const broker = createLocalBroker({ home: devstackHome, log: (line) => console.log(`[kafka] ${line}`) });
  const { brokers, reused } = await broker.start();
  console.log(`[kafka] local broker ${reused ? 'reused' : 'started'} on ${brokers.join(',')}`);
  project.provide('kafkaBrokers', brokers);
  // Stop only what this run started: a developer's running broker stays up.
  return async () => {
    if (!reused) await broker.stop();
  };
}

async function dockerEngine(): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}
