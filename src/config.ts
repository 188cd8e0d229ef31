import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, createReader, type Env } from './config/declare.js';
import { kafkaSecurity, registryTls } from './config/kafka.js';
import { VARIABLES } from './config/variables.js';
import { defaultDeadLetterTopic, defaultLogTopic } from './contract/topics.js';

export { ConfigError, type Env } from './config/declare.js';
export { VARIABLES } from './config/variables.js';

const readVariables = createReader(VARIABLES);

/** Everything the bridge can be told, grouped for the parts that use it (see loadConfig). */
export type Config = ReturnType<typeof loadConfig>;

/**
 * The environment (every variable declared in config/variables.ts, nothing
 * else), read and checked once. Single values are checked by their
 * declaration; what involves several is checked here. A bad value throws a
 * ConfigError of one line naming it.
 */
export function loadConfig(env: Env = process.env) {
  const v = readVariables(env);
  const production = v.NODE_ENV === 'production';
  const secrets = webhookSecrets(v.POPP_WEBHOOK_SECRET, v.POPP_WEBHOOK_SECRET_FILE);
  if (production && secrets.length === 0) {
    fail('POPP_WEBHOOK_SECRET or POPP_WEBHOOK_SECRET_FILE is required when NODE_ENV=production');
  }
  if (production && v.KAFKA_BROKERS.length === 0) fail('KAFKA_BROKERS is required when NODE_ENV=production');
  const security = kafkaSecurity(v, env);
  if (v.DEDUPE_STORE === 'redis' && !v.REDIS_URL) fail('REDIS_URL is required with DEDUPE_STORE=redis');
  // The age window is the dedupe window less the skew: a copy the bridge accepts always arrives while the first is remembered.
  if (v.EVENT_CLOCK_SKEW_SECONDS >= v.DEDUPE_TTL_SECONDS) fail('EVENT_CLOCK_SKEW_SECONDS must be less than DEDUPE_TTL_SECONDS');
  // An event without a schema has no schema id: it cannot be written in the wire format.
  if (v.UNKNOWN_EVENT_POLICY === 'publish' && v.SCHEMA_REGISTRY_URL) {
    fail('UNKNOWN_EVENT_POLICY=publish cannot be used with SCHEMA_REGISTRY_URL');
  }
  const prefix = v.TOPIC_PREFIX;

  return {
    port: v.PORT,
    host: v.HOST,
    production,
    /** Active webhook secrets; any match passes (rotation). Empty: development, use the generated dev secret. */
    secrets,
    /** Undefined: use the local development broker. */
    kafkaBrokers: v.KAFKA_BROKERS.length > 0 ? v.KAFKA_BROKERS : undefined,
    kafka: {
      clientId: v.KAFKA_CLIENT_ID,
      /** kafkajs-shaped: `true`, or the CA, client certificate and checks of TLS; `false` for plaintext. */
      ssl: security.ssl,
      /** kafkajs-shaped; OAUTHBEARER carries a provider that reads the token file or runs the token command. */
      sasl: security.sasl,
      fastEncoders: v.KAFKA_FAST_ENCODERS,
    },
    topics: {
      prefix,
      /** Empty string: no log topic. */
      eventLog: v.EVENT_LOG_TOPIC ?? defaultLogTopic(prefix),
      deadLetter: v.DEAD_LETTER_TOPIC ?? defaultDeadLetterTopic(prefix),
      partitions: v.TOPIC_PARTITIONS,
      replicationFactor: v.TOPIC_REPLICATION_FACTOR,
    },
    unknownEventPolicy: v.UNKNOWN_EVENT_POLICY,
    /** Set: values are written in the Confluent wire format, schemas registered under `compatibility`. */
    schemaRegistry: v.SCHEMA_REGISTRY_URL
      ? {
          url: v.SCHEMA_REGISTRY_URL,
          username: v.SCHEMA_REGISTRY_USERNAME,
          password: v.SCHEMA_REGISTRY_PASSWORD,
          /** CA and client certificate for an https registry (read at start-up). */
          tls: registryTls(v),
          compatibility: v.SCHEMA_COMPATIBILITY,
        }
      : undefined,
    dedupe: {
      store: v.DEDUPE_STORE,
      redisUrl: v.REDIS_URL,
      ttlSeconds: v.DEDUPE_TTL_SECONDS,
      maxEntries: v.DEDUPE_MAX_ENTRIES,
      /** The memory store's window on disk (absolute), kept across restarts. */
      dir: resolve(v.DEDUPE_DIR),
    },
    /**
     * A signed delivery whose eventTimestamp is outside [now - maxAgeMs, now + maxFutureMs] is dead-lettered
     * `stale-event` (docs/guides/replay-protection.md): older than the dedupe window less the skew allowance, a
     * copy could arrive after the first one is forgotten.
     */
    eventAge: {
      maxAgeMs: (v.DEDUPE_TTL_SECONDS - v.EVENT_CLOCK_SKEW_SECONDS) * 1000,
      maxFutureMs: v.EVENT_CLOCK_SKEW_SECONDS * 1000,
    },
    publishTimeoutMs: v.PUBLISH_TIMEOUT_MS,
    /** `reject`: 503 while Kafka cannot take an event. `spool`: a durable local journal takes it (202 spooled). */
    outagePolicy: v.OUTAGE_POLICY,
    /** The journal's directory (absolute) and its bound; past it, 503 as with `reject`. */
    spool: { dir: resolve(v.SPOOL_DIR), maxBytes: v.SPOOL_MAX_BYTES },
    maxBodyBytes: v.MAX_BODY_BYTES,
    /**
     * Backpressure: past any bound new webhooks get 503 `overloaded` instead of queueing without end.
     * Requests whose body is still arriving (not yet proven signed) count apart from those being published,
     * and must arrive whole within `requestTimeoutMs`.
     */
    limits: {
      maxInFlightRequests: v.MAX_IN_FLIGHT_REQUESTS,
      maxUnverifiedRequests: v.MAX_UNVERIFIED_REQUESTS,
      maxEventLoopDelayMs: v.MAX_EVENT_LOOP_DELAY_MS,
      requestTimeoutMs: v.REQUEST_TIMEOUT_MS,
    },
    /** SIGTERM: readiness 503 for `drainMs` (the load balancer stops sending), then close, all within `timeoutMs`. */
    shutdown: { drainMs: v.SHUTDOWN_DRAIN_MS, timeoutMs: v.SHUTDOWN_TIMEOUT_MS },
    logLevel: v.LOG_LEVEL,
    /** The admin listener (console, its API, /metrics), apart from the webhook port. No token: the console is off. */
    admin: { host: v.ADMIN_HOST, port: v.ADMIN_PORT, consoleToken: v.CONSOLE_TOKEN || undefined },
    /** Undefined: no tracing and nothing of OpenTelemetry loaded (no endpoint, or OTEL_SDK_DISABLED=true). */
    telemetry: telemetrySettings(v),
  };
}

/**
 * POPP_WEBHOOK_SECRET and the file named by POPP_WEBHOOK_SECRET_FILE (Docker
 * and Kubernetes secrets), together: during a rotation the new secret may sit
 * in one and the old in the other. A file holds secrets separated by commas
 * or lines. Errors name the variable and the path, never the contents.
 */
function webhookSecrets(fromEnv: string[], file: string | undefined): string[] {
  if (!file) return fromEnv;
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    fail(`POPP_WEBHOOK_SECRET_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const fromFile = text
    .split(/\r?\n|,/)
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  if (fromFile.length === 0) fail(`POPP_WEBHOOK_SECRET_FILE: ${file} holds no secret`);
  return [...new Set([...fromFile, ...fromEnv])];
}

/** The OTEL_* variables the bridge reads (docs/guides/observability.md); the SDK reads the rest of them itself. */
function telemetrySettings(v: ReturnType<typeof readVariables>) {
  const base = v.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, '');
  const traces = v.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base && `${base}/v1/traces`);
  if (v.OTEL_SDK_DISABLED || !traces) return undefined;
  const metrics = v.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT ?? (base && `${base}/v1/metrics`);
  return {
    tracesUrl: traces,
    /** Undefined: no OpenTelemetry metrics (OTEL_METRICS_EXPORTER=none, or only a traces endpoint). */
    metricsUrl: v.OTEL_METRICS_EXPORTER === 'otlp' ? metrics : undefined,
    metricIntervalMs: v.OTEL_METRIC_EXPORT_INTERVAL,
    protocol: v.OTEL_EXPORTER_OTLP_PROTOCOL,
    headers: pairs(v.OTEL_EXPORTER_OTLP_HEADERS),
    serviceName: v.OTEL_SERVICE_NAME,
    resourceAttributes: pairs(v.OTEL_RESOURCE_ATTRIBUTES),
    sampler: v.OTEL_TRACES_SAMPLER,
    samplerRatio: v.OTEL_TRACES_SAMPLER_ARG === undefined ? 1 : Number(v.OTEL_TRACES_SAMPLER_ARG),
  };
}

/** `a=1,b=2` as the OTEL_* variables write them (values percent-encoded). */
function pairs(items: string[]): Record<string, string> {
  const entries = items.map((item) => {
    const at = item.indexOf('=');
    return [item.slice(0, at).trim(), safeDecode(item.slice(at + 1).trim())] as const;
  });
  return Object.fromEntries(entries);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function fail(message: string): never {
  throw new ConfigError(message);
}
