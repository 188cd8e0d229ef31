import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Everything the bridge can be told, read once from the environment and validated. */
export interface Config {
  port: number;
  host: string;
  production: boolean;
  /** Active webhook secrets; any match passes (rotation). Empty: development, use the generated dev secret. */
  secrets: string[];
  /** Undefined: use the local development broker. */
  kafkaBrokers: string[] | undefined;
  kafka: {
    clientId: string;
    ssl: boolean;
    sasl: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string } | undefined;
  };
  topics: {
    prefix: string;
    /** Empty string: no log topic. */
    eventLog: string;
    deadLetter: string;
    partitions: number;
    replicationFactor: number;
  };
  unknownEventPolicy: 'dead-letter' | 'publish';
  /** Set: values are written in the Confluent wire format, schemas registered under `compatibility`. */
  schemaRegistry: { url: string; username: string | undefined; password: string | undefined; compatibility: Compatibility } | undefined;
  dedupe: { store: 'memory' | 'redis' | 'off'; redisUrl: string | undefined; ttlSeconds: number; maxEntries: number };
  publishTimeoutMs: number;
  /** `reject`: 503 while Kafka cannot take an event. `spool`: a durable local journal takes it (202 spooled). */
  outagePolicy: 'reject' | 'spool';
  /** The journal's directory (absolute) and its bound; past it, 503 as with `reject`. */
  spool: { dir: string; maxBytes: number };
  maxBodyBytes: number;
  /** Backpressure: past either bound new webhooks get 503 `overloaded` instead of queueing without end. */
  limits: { maxInFlightRequests: number; maxEventLoopDelayMs: number };
  /** SIGTERM: readiness 503 for `drainMs` (the load balancer stops sending), then close, all within `timeoutMs`. */
  shutdown: { drainMs: number; timeoutMs: number };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export type Env = Record<string, string | undefined>;

/** Every variable the bridge reads (checked against the code and docker-compose.yml by tests). */
export const ENV_VARIABLES = [
  'PORT',
  'HOST',
  'NODE_ENV',
  'POPP_WEBHOOK_SECRET',
  'POPP_WEBHOOK_SECRET_FILE',
  'KAFKA_BROKERS',
  'KAFKA_CLIENT_ID',
  'KAFKA_SSL',
  'KAFKA_SASL_MECHANISM',
  'KAFKA_SASL_USERNAME',
  'KAFKA_SASL_PASSWORD',
  'TOPIC_PREFIX',
  'EVENT_LOG_TOPIC',
  'DEAD_LETTER_TOPIC',
  'TOPIC_PARTITIONS',
  'TOPIC_REPLICATION_FACTOR',
  'UNKNOWN_EVENT_POLICY',
  'SCHEMA_REGISTRY_URL',
  'SCHEMA_REGISTRY_USERNAME',
  'SCHEMA_REGISTRY_PASSWORD',
  'SCHEMA_COMPATIBILITY',
  'DEDUPE_STORE',
  'REDIS_URL',
  'DEDUPE_TTL_SECONDS',
  'DEDUPE_MAX_ENTRIES',
  'PUBLISH_TIMEOUT_MS',
  'OUTAGE_POLICY',
  'SPOOL_DIR',
  'SPOOL_MAX_BYTES',
  'MAX_BODY_BYTES',
  'MAX_IN_FLIGHT_REQUESTS',
  'MAX_EVENT_LOOP_DELAY_MS',
  'SHUTDOWN_DRAIN_MS',
  'SHUTDOWN_TIMEOUT_MS',
  'LOG_LEVEL',
] as const;

/** A bad value: start-up stops with this one line. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
/** The registry's compatibility levels (Confluent's names, which Apicurio's ccompat API shares). */
export const COMPATIBILITY_LEVELS = [
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
  'NONE',
] as const;
export type Compatibility = (typeof COMPATIBILITY_LEVELS)[number];

export function loadConfig(env: Env = process.env): Config {
  const production = env.NODE_ENV === 'production';
  const secretList = webhookSecrets(env);
  const brokers = list(env.KAFKA_BROKERS);
  if (production && secretList.length === 0) {
    fail('POPP_WEBHOOK_SECRET or POPP_WEBHOOK_SECRET_FILE is required when NODE_ENV=production');
  }
  if (production && brokers.length === 0) fail('KAFKA_BROKERS is required when NODE_ENV=production');
  for (const broker of brokers) {
    if (!/^[^\s:]+:\d{1,5}$/.test(broker)) fail(`KAFKA_BROKERS: "${broker}" is not host:port`);
  }

  const prefix = env.TOPIC_PREFIX ?? 'popp.';
  if (!/^[a-zA-Z0-9._-]*$/.test(prefix)) fail('TOPIC_PREFIX may hold only letters, digits, ".", "_" and "-"');
  const eventLog = env.EVENT_LOG_TOPIC ?? `${prefix}events`;
  const deadLetter = env.DEAD_LETTER_TOPIC || `${prefix}dead-letter`;
  for (const [name, topic] of [
    ['EVENT_LOG_TOPIC', eventLog],
    ['DEAD_LETTER_TOPIC', deadLetter],
  ] as const) {
    if (!/^[a-zA-Z0-9._-]{0,249}$/.test(topic)) fail(`${name}: "${topic}" is not a valid Kafka topic name`);
  }

  const mechanism = env.KAFKA_SASL_MECHANISM?.toLowerCase();
  if (mechanism && !includes(SASL_MECHANISMS, mechanism)) {
    fail(`KAFKA_SASL_MECHANISM must be one of ${SASL_MECHANISMS.join(', ')}`);
  }
  if (mechanism && (!env.KAFKA_SASL_USERNAME || !env.KAFKA_SASL_PASSWORD)) {
    fail('KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required with KAFKA_SASL_MECHANISM');
  }

  const dedupeStore = oneOf(env, 'DEDUPE_STORE', ['memory', 'redis', 'off'] as const, 'memory');
  if (dedupeStore === 'redis' && !env.REDIS_URL) fail('REDIS_URL is required with DEDUPE_STORE=redis');
  const unknownEventPolicy = oneOf(env, 'UNKNOWN_EVENT_POLICY', ['dead-letter', 'publish'] as const, 'dead-letter');
  // An event without a schema has no schema id: it cannot be written in the wire format.
  if (unknownEventPolicy === 'publish' && env.SCHEMA_REGISTRY_URL)
    fail('UNKNOWN_EVENT_POLICY=publish cannot be used with SCHEMA_REGISTRY_URL');

  return {
    port: int(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || '0.0.0.0',
    production,
    secrets: secretList,
    kafkaBrokers: brokers.length > 0 ? brokers : undefined,
    kafka: {
      clientId: env.KAFKA_CLIENT_ID || 'popp-bridge',
      ssl: bool(env, 'KAFKA_SSL', false),
      sasl:
        mechanism && includes(SASL_MECHANISMS, mechanism)
          ? { mechanism, username: env.KAFKA_SASL_USERNAME ?? '', password: env.KAFKA_SASL_PASSWORD ?? '' }
          : undefined,
    },
    topics: {
      prefix,
      eventLog,
      deadLetter,
      partitions: int(env, 'TOPIC_PARTITIONS', 6, 1, 10_000),
      replicationFactor: int(env, 'TOPIC_REPLICATION_FACTOR', 1, 1, 100),
    },
    unknownEventPolicy,
    schemaRegistry: env.SCHEMA_REGISTRY_URL
      ? {
          url: url(env, 'SCHEMA_REGISTRY_URL'),
          username: env.SCHEMA_REGISTRY_USERNAME || undefined,
          password: env.SCHEMA_REGISTRY_PASSWORD || undefined,
          compatibility: oneOf(env, 'SCHEMA_COMPATIBILITY', COMPATIBILITY_LEVELS, 'FORWARD'),
        }
      : undefined,
    dedupe: {
      store: dedupeStore,
      redisUrl: env.REDIS_URL || undefined,
      ttlSeconds: int(env, 'DEDUPE_TTL_SECONDS', 259_200, 1, 31_536_000),
      maxEntries: int(env, 'DEDUPE_MAX_ENTRIES', 200_000, 1, 100_000_000),
    },
    publishTimeoutMs: int(env, 'PUBLISH_TIMEOUT_MS', 10_000, 100, 600_000),
    outagePolicy: oneOf(env, 'OUTAGE_POLICY', ['reject', 'spool'] as const, 'reject'),
    spool: {
      dir: resolve(env.SPOOL_DIR || 'spool'),
      maxBytes: int(env, 'SPOOL_MAX_BYTES', 1_073_741_824, 65_536, 2 ** 50),
    },
    maxBodyBytes: int(env, 'MAX_BODY_BYTES', 1_048_576, 64, 104_857_600),
    limits: {
      maxInFlightRequests: int(env, 'MAX_IN_FLIGHT_REQUESTS', 5_000, 1, 1_000_000),
      maxEventLoopDelayMs: int(env, 'MAX_EVENT_LOOP_DELAY_MS', 1_000, 10, 60_000),
    },
    shutdown: {
      drainMs: int(env, 'SHUTDOWN_DRAIN_MS', 5_000, 0, 300_000),
      timeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 30_000, 1_000, 600_000),
    },
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
  };
}

/**
 * POPP_WEBHOOK_SECRET and the file named by POPP_WEBHOOK_SECRET_FILE (Docker
 * and Kubernetes secrets), together: during a rotation the new secret may sit
 * in one and the old in the other. A file holds secrets separated by commas
 * or lines. Errors name the variable and the path, never the contents.
 */
function webhookSecrets(env: Env): string[] {
  const fromEnv = list(env.POPP_WEBHOOK_SECRET);
  const file = env.POPP_WEBHOOK_SECRET_FILE;
  if (!file) return fromEnv;
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    fail(`POPP_WEBHOOK_SECRET_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const fromFile = list(text.replace(/\r?\n/g, ','));
  if (fromFile.length === 0) fail(`POPP_WEBHOOK_SECRET_FILE: ${file} holds no secret`);
  return [...new Set([...fromFile, ...fromEnv])];
}

function fail(message: string): never {
  throw new ConfigError(message);
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

function includes<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  return fail(`${name} must be true or false, got "${env[name]}"`);
}

function oneOf<T extends string>(env: Env, name: string, values: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!includes(values, raw)) fail(`${name} must be one of ${values.join(', ')}, got "${raw}"`);
  return raw;
}

function url(env: Env, name: string): string {
  const raw = env[name] ?? '';
  try {
    return new URL(raw).toString().replace(/\/$/, '');
  } catch {
    // The value may carry credentials: name the variable, not the value.
    return fail(`${name} is not a URL`);
  }
}
