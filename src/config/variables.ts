import { COMPATIBILITY_LEVELS } from '../contract/subjects.js';
import { DEFAULT_MAX_BODY_BYTES } from '../contract/topics.js';
import type { Variable } from './declare.js';

const TOPIC = '^[a-zA-Z0-9._-]{0,249}$';
/** Text never quoted in an error message: a password, or a URL that may carry one. */
const secretText = (help: string) => ({ kind: 'text', secret: true, help }) as const;

const TOPIC_HELP = 'a Kafka topic name (letters, digits, ".", "_" and "-")';

/**
 * Every environment variable the bridge reads, declared once: its type,
 * default, bounds and one line of help. `loadConfig` reads these and nothing
 * else; the table of docs/configuration.md and the Docker files' checks come from here too.
 * Adding a variable is one entry here, then its use in `loadConfig`, then
 * `npm run generate` for that table.
 */
export const VARIABLES = {
  PORT: { kind: 'int', default: 3000, min: 0, max: 65535, help: 'the port the webhook listener binds' },
  HOST: { kind: 'text', default: '0.0.0.0', help: 'the address the webhook listener binds' },
  NODE_ENV: { kind: 'text', help: '`production` refuses to start without a webhook secret and `KAFKA_BROKERS`' },
  POPP_WEBHOOK_SECRET: {
    kind: 'list',
    secret: true,
    shown: 'development: generated once, kept in `.devstack/dev-secret`, printed; production: required',
    help: 'one or more secrets, comma-separated (rotation: any match passes)',
  },
  POPP_WEBHOOK_SECRET_FILE: {
    kind: 'text',
    help: 'a file with one or more secrets (lines or commas), added to `POPP_WEBHOOK_SECRET` (Docker/Kubernetes secrets)',
  },
  KAFKA_BROKERS: {
    kind: 'list',
    item: '^[^\\s:]+:\\d{1,5}$',
    itemHelp: 'host:port',
    shown: 'unset: the local development broker',
    help: 'comma-separated `host:port`',
  },
  KAFKA_CLIENT_ID: { kind: 'text', default: 'popp-bridge', help: 'the client id the bridge gives Kafka' },
  KAFKA_SSL: {
    kind: 'bool',
    default: false,
    shown: '`false`; `true` when any `KAFKA_SSL_*` certificate setting is given',
    help: 'TLS to the brokers (see docs/guides/connecting-to-kafka.md)',
  },
  KAFKA_SSL_CA_FILE: {
    kind: 'text',
    help: "a PEM file of the CA(s) that signed the brokers' certificates (a private CA); replaces Node's bundled CAs; read at start-up",
  },
  KAFKA_SSL_CA_PEM: {
    kind: 'text',
    help: 'the same CA bundle as PEM text (from a secret store); with `KAFKA_SSL_CA_FILE`, both are trusted',
  },
  KAFKA_SSL_CERT_FILE: {
    kind: 'text',
    help: 'a PEM client certificate (chain) for mutual TLS, with `KAFKA_SSL_KEY_FILE`; read at start-up',
  },
  KAFKA_SSL_CERT_PEM: { kind: 'text', help: 'the client certificate as PEM text, instead of `KAFKA_SSL_CERT_FILE`' },
  KAFKA_SSL_KEY_FILE: {
    kind: 'text',
    help: "a PEM private key of the client certificate (PKCS#8 or the key's own format, encrypted or not)",
  },
  KAFKA_SSL_KEY_PEM: secretText('the private key as PEM text, instead of `KAFKA_SSL_KEY_FILE`'),
  KAFKA_SSL_KEY_PASSPHRASE: secretText('the passphrase of an encrypted private key'),
  KAFKA_SSL_SERVERNAME: {
    kind: 'text',
    help: "the name the brokers' certificates are checked against (and sent as SNI) instead of each broker's host",
  },
  KAFKA_SSL_REJECT_UNAUTHORIZED: {
    kind: 'bool',
    default: true,
    help: '`false` accepts any broker certificate: development only, logged as a warning at every start',
  },
  KAFKA_SASL_MECHANISM: {
    kind: 'enum',
    values: ['plain', 'scram-sha-256', 'scram-sha-512', 'oauthbearer'],
    lowercase: true,
    help: 'SASL: `plain` and `scram-*` with `KAFKA_SASL_USERNAME` and `KAFKA_SASL_PASSWORD`; `oauthbearer` with a token file or command',
  },
  KAFKA_SASL_USERNAME: { kind: 'text', help: 'with `KAFKA_SASL_MECHANISM` `plain` or `scram-*`' },
  KAFKA_SASL_PASSWORD: secretText('with `KAFKA_SASL_MECHANISM` `plain` or `scram-*`'),
  KAFKA_SASL_OAUTHBEARER_TOKEN_FILE: {
    kind: 'text',
    help: 'OAUTHBEARER: a file holding the token, read again each time a connection authenticates (a sidecar refreshes it)',
  },
  KAFKA_SASL_OAUTHBEARER_TOKEN_COMMAND: {
    kind: 'text',
    help: 'OAUTHBEARER: a shell command that prints a token, run each time a connection authenticates (e.g. a cloud IAM signer)',
  },
  KAFKA_FAST_ENCODERS: {
    kind: 'bool',
    default: true,
    help: "the project's kafkajs record and produce-request encoders (half the CPU per event); `false` leaves kafkajs as shipped",
  },
  TOPIC_PREFIX: {
    kind: 'text',
    default: 'popp.',
    pattern: '^[a-zA-Z0-9._-]*$',
    patternHelp: 'letters, digits, ".", "_" and "-" only',
    emptyIsValue: true,
    help: 'put before every topic name',
  },
  EVENT_LOG_TOPIC: {
    kind: 'text',
    pattern: TOPIC,
    patternHelp: TOPIC_HELP,
    emptyIsValue: true,
    shown: '`<prefix>events`',
    help: 'the log of every event; empty turns it off',
  },
  DEAD_LETTER_TOPIC: { kind: 'text', pattern: TOPIC, patternHelp: TOPIC_HELP, shown: '`<prefix>dead-letter`', help: 'the dead letters' },
  TOPIC_PARTITIONS: { kind: 'int', default: 6, min: 1, max: 10_000, help: 'partitions of the topics the bridge creates' },
  TOPIC_REPLICATION_FACTOR: { kind: 'int', default: 1, min: 1, max: 100, help: 'replication factor of the topics the bridge creates' },
  UNKNOWN_EVENT_POLICY: {
    kind: 'enum',
    values: ['dead-letter', 'publish'],
    default: 'dead-letter',
    help: '`publish`: an unknown type with a valid envelope goes to its derived topic (created on first use)',
  },
  SCHEMA_REGISTRY_URL: {
    kind: 'url',
    shown: 'unset: values are the plain body',
    help: 'a Confluent-compatible schema registry: values are written in the Confluent wire format',
  },
  SCHEMA_REGISTRY_USERNAME: { kind: 'text', help: 'basic auth for the registry (optional)' },
  SCHEMA_REGISTRY_PASSWORD: secretText('basic auth for the registry (optional)'),
  SCHEMA_REGISTRY_SSL_CA_FILE: { kind: 'text', help: "a PEM file of the CA(s) that signed the registry's certificate (https URLs)" },
  SCHEMA_REGISTRY_SSL_CERT_FILE: { kind: 'text', help: 'a PEM client certificate for the registry, with `SCHEMA_REGISTRY_SSL_KEY_FILE`' },
  SCHEMA_REGISTRY_SSL_KEY_FILE: { kind: 'text', help: 'the PEM private key of `SCHEMA_REGISTRY_SSL_CERT_FILE`' },
  SCHEMA_REGISTRY_SSL_KEY_PASSPHRASE: secretText('the passphrase of an encrypted `SCHEMA_REGISTRY_SSL_KEY_FILE`'),
  SCHEMA_COMPATIBILITY: {
    kind: 'enum',
    values: COMPATIBILITY_LEVELS,
    default: 'FORWARD',
    help: 'the level the bridge sets on the subjects it creates, and that `schemas:check` tests',
  },
  DEDUPE_STORE: {
    kind: 'enum',
    values: ['memory', 'redis', 'off'],
    default: 'memory',
    help: '`redis` is shared by instances and needs `REDIS_URL`',
  },
  REDIS_URL: secretText('for `DEDUPE_STORE=redis`'),
  DEDUPE_TTL_SECONDS: {
    kind: 'int',
    default: 259_200,
    min: 1,
    max: 31_536_000,
    help: 'how long an `eventId` is remembered (3 days); also how old a delivery may be (see docs/guides/replay-protection.md)',
  },
  DEDUPE_MAX_ENTRIES: { kind: 'int', default: 200_000, min: 1, max: 100_000_000, help: 'bound of the in-memory store' },
  DEDUPE_DIR: {
    kind: 'text',
    default: 'dedupe',
    shown: '`dedupe` (relative to the working directory)',
    help: 'where `DEDUPE_STORE=memory` keeps its window across restarts: one directory per instance, on a disk that outlives the process (see docs/guides/replay-protection.md)',
  },
  EVENT_CLOCK_SKEW_SECONDS: {
    kind: 'int',
    default: 300,
    min: 0,
    max: 86_400,
    help: 'how far ahead of our clock an `eventTimestamp` may be; further, or older than `DEDUPE_TTL_SECONDS` less this, is dead-lettered `stale-event`',
  },
  PUBLISH_TIMEOUT_MS: {
    kind: 'int',
    default: 10_000,
    min: 100,
    max: 600_000,
    help: 'how long a webhook waits for Kafka; then 503 (or, with `OUTAGE_POLICY=spool`, the spool)',
  },
  OUTAGE_POLICY: {
    kind: 'enum',
    values: ['reject', 'spool'],
    default: 'reject',
    help: '`reject`: 503 while Kafka cannot take an event; `spool`: a durable local journal takes it, `202 spooled` (see [the local spool](guides/operations.md#the-local-spool))',
  },
  SPOOL_DIR: {
    kind: 'text',
    default: 'spool',
    shown: '`spool` (relative to the working directory)',
    help: "the spool's journal, one directory per instance, on a disk that outlives the process (a volume in a container)",
  },
  SPOOL_MAX_BYTES: {
    kind: 'int',
    default: 1_073_741_824,
    min: 65_536,
    max: 2 ** 50,
    help: 'bytes of journal on disk (1 GiB); past it, 503 `spool_full`',
  },
  MAX_BODY_BYTES: { kind: 'int', default: DEFAULT_MAX_BODY_BYTES, min: 64, max: 104_857_600, help: 'larger bodies get 413' },
  MAX_IN_FLIGHT_REQUESTS: { kind: 'int', default: 5_000, min: 1, max: 1_000_000, help: 'webhooks in flight before 503 `overloaded`' },
  MAX_UNVERIFIED_REQUESTS: {
    kind: 'int',
    default: 1_000,
    min: 1,
    max: 1_000_000,
    help: 'requests whose body is still arriving (not yet proven signed) before 503 `overloaded`; counted apart from those in flight',
  },
  REQUEST_TIMEOUT_MS: {
    kind: 'int',
    default: 10_000,
    min: 500,
    max: 600_000,
    help: "a request's headers and body must arrive within this, else 408 and the connection is closed (checked every second)",
  },
  MAX_EVENT_LOOP_DELAY_MS: {
    kind: 'int',
    default: 1_000,
    min: 10,
    max: 60_000,
    help: 'event-loop delay (p99 over 0.5 s) past which new webhooks get 503 `overloaded`',
  },
  SHUTDOWN_DRAIN_MS: {
    kind: 'int',
    default: 5_000,
    min: 0,
    max: 300_000,
    help: 'on SIGTERM, how long `/readyz` says 503 before the server closes',
  },
  SHUTDOWN_TIMEOUT_MS: { kind: 'int', default: 30_000, min: 1_000, max: 600_000, help: 'bound of the whole shutdown; exit 1 past it' },
  LOG_LEVEL: {
    kind: 'enum',
    values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    default: 'info',
    help: 'pino log level',
  },
  ADMIN_HOST: {
    kind: 'text',
    default: '127.0.0.1',
    help: 'the address the admin listener binds: the console, its JSON API and `/metrics`',
  },
  ADMIN_PORT: { kind: 'int', default: 3001, min: 0, max: 65535, help: 'the port of the admin listener' },
  CONSOLE_TOKEN: {
    kind: 'text',
    secret: true,
    pattern: '^.{16,}$',
    patternHelp: 'at least 16 characters',
    shown: 'unset: the console is off (said at start-up)',
    help: 'the one login of the web console and its API (see [the console](guides/console.md))',
  },
  OTEL_SDK_DISABLED: { kind: 'bool', default: false, help: '`true` turns tracing and OpenTelemetry metrics off even with an endpoint set' },
  OTEL_EXPORTER_OTLP_ENDPOINT: {
    kind: 'url',
    secret: true,
    shown: 'unset: no tracing, nothing of OpenTelemetry loaded',
    help: 'the OTLP/HTTP receiver (`/v1/traces` and `/v1/metrics` are added); see [observability](guides/observability.md)',
  },
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: {
    kind: 'url',
    secret: true,
    help: 'the full URL for spans, instead of the endpoint plus `/v1/traces`',
  },
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: {
    kind: 'url',
    secret: true,
    help: 'the full URL for metrics, instead of the endpoint plus `/v1/metrics`',
  },
  OTEL_EXPORTER_OTLP_PROTOCOL: {
    kind: 'enum',
    values: ['http/protobuf', 'http/json'],
    default: 'http/protobuf',
    help: 'the OTLP encoding (gRPC is not offered)',
  },
  OTEL_EXPORTER_OTLP_HEADERS: {
    kind: 'list',
    secret: true,
    item: '^[^=\\s]+=.*$',
    itemHelp: 'name=value',
    help: 'headers sent with every export (an API key, say), comma-separated `name=value`',
  },
  OTEL_SERVICE_NAME: { kind: 'text', default: 'popp-bridge', help: 'the `service.name` of the spans and metrics' },
  OTEL_RESOURCE_ATTRIBUTES: {
    kind: 'list',
    item: '^[^=\\s]+=.*$',
    itemHelp: 'key=value',
    help: 'more resource attributes (`deployment.environment.name=prod`, say)',
  },
  OTEL_TRACES_SAMPLER: {
    kind: 'enum',
    values: ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'],
    default: 'parentbased_always_on',
    help: "which requests are traced; `parentbased_*` follows the caller's sampled flag",
  },
  OTEL_TRACES_SAMPLER_ARG: {
    kind: 'text',
    pattern: '^(0(\\.\\d+)?|1(\\.0+)?)$',
    patternHelp: 'a ratio from 0 to 1',
    shown: '1',
    help: 'the ratio of the `*traceidratio` samplers',
  },
  OTEL_METRICS_EXPORTER: {
    kind: 'enum',
    values: ['otlp', 'none'],
    default: 'otlp',
    help: '`none`: spans only; the Prometheus `/metrics` is there either way',
  },
  OTEL_METRIC_EXPORT_INTERVAL: { kind: 'int', default: 60_000, min: 1_000, max: 3_600_000, help: 'milliseconds between metric exports' },
} as const satisfies Record<string, Variable>;

export type VariableName = keyof typeof VARIABLES;
