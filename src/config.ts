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
  schemaRegistry: { url: string; username: string | undefined; password: string | undefined } | undefined;
  dedupe: { store: 'memory' | 'redis' | 'off'; redisUrl: string | undefined; ttlSeconds: number; maxEntries: number };
  publishTimeoutMs: number;
  maxBodyBytes: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export type Env = Record<string, string | undefined>;

/** Every variable the bridge reads (checked against the code and docker-compose.yml by tests). */
export const ENV_VARIABLES = [
  'PORT',
  'HOST',
  'NODE_ENV',
  'POPP_WEBHOOK_SECRET',
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
  'DEDUPE_STORE',
  'REDIS_URL',
  'DEDUPE_TTL_SECONDS',
  'DEDUPE_MAX_ENTRIES',
  'PUBLISH_TIMEOUT_MS',
  'MAX_BODY_BYTES',
  'LOG_LEVEL',
] as const;

/** A bad value: start-up stops with this one line. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

export function loadConfig(env: Env = process.env): Config {
  const production = env.NODE_ENV === 'production';
  const secretList = list(env.POPP_WEBHOOK_SECRET);
  const brokers = list(env.KAFKA_BROKERS);
  if (production && secretList.length === 0) fail('POPP_WEBHOOK_SECRET is required when NODE_ENV=production');
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
    unknownEventPolicy: oneOf(env, 'UNKNOWN_EVENT_POLICY', ['dead-letter', 'publish'] as const, 'dead-letter'),
    schemaRegistry: env.SCHEMA_REGISTRY_URL
      ? {
          url: url(env, 'SCHEMA_REGISTRY_URL'),
          username: env.SCHEMA_REGISTRY_USERNAME || undefined,
          password: env.SCHEMA_REGISTRY_PASSWORD || undefined,
        }
      : undefined,
    dedupe: {
      store: dedupeStore,
      redisUrl: env.REDIS_URL || undefined,
      ttlSeconds: int(env, 'DEDUPE_TTL_SECONDS', 259_200, 1, 31_536_000),
      maxEntries: int(env, 'DEDUPE_MAX_ENTRIES', 200_000, 1, 100_000_000),
    },
    publishTimeoutMs: int(env, 'PUBLISH_TIMEOUT_MS', 10_000, 100, 600_000),
    maxBodyBytes: int(env, 'MAX_BODY_BYTES', 1_048_576, 64, 104_857_600),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
  };
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
