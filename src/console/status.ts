import type { Config } from '../config.js';
import type { Readiness } from '../kafka/health.js';

export interface ServiceStatus {
  name: string;
  state: 'ok' | 'down' | 'off';
  detail: string;
}

export interface StatusDeps {
  readiness: Readiness;
  registry: Config['schemaRegistry'];
  dedupeStore: Config['dedupe']['store'];
  dedupeHealth: () => Promise<{ ok: boolean; detail: string }>;
  /** The registry probe's HTTP GET (fetch), passed in. */
  get: (url: string, headers: Record<string, string>, timeoutMs: number) => Promise<{ status: number; body: string }>;
}

/** Kafka, the schema registry and the dedupe store, each asked now with a short deadline. */
export async function serviceStatus(deps: StatusDeps): Promise<ServiceStatus[]> {
  const [kafka, registry, dedupe] = await Promise.all([kafkaStatus(deps), registryStatus(deps), dedupeStatus(deps)]);
  return [kafka, registry, dedupe];
}

async function kafkaStatus(deps: StatusDeps): Promise<ServiceStatus> {
  const { ready, detail } = await deps.readiness.check();
  return { name: 'Kafka', state: ready ? 'ok' : 'down', detail: ready ? 'every topic has a leader' : detail };
}

async function registryStatus(deps: StatusDeps): Promise<ServiceStatus> {
  const settings = deps.registry;
  if (!settings) return { name: 'Schema registry', state: 'off', detail: 'not configured: values are plain JSON' };
  const headers: Record<string, string> = {};
  if (settings.username) {
    headers.authorization = `Basic ${Buffer.from(`${settings.username}:${settings.password ?? ''}`).toString('base64')}`;
  }
  const where = withoutCredentials(settings.url);
  try {
    const answer = await deps.get(`${settings.url}/subjects`, headers, 2_000);
    if (answer.status >= 200 && answer.status < 300) {
      const subjects = JSON.parse(answer.body) as unknown[];
      return { name: 'Schema registry', state: 'ok', detail: `${where}: ${subjects.length} subjects` };
    }
    return { name: 'Schema registry', state: 'down', detail: `${where} answered ${answer.status}` };
  } catch (error) {
    return { name: 'Schema registry', state: 'down', detail: `${where}: ${(error as Error).message}` };
  }
}

async function dedupeStatus(deps: StatusDeps): Promise<ServiceStatus> {
  if (deps.dedupeStore === 'off') return { name: 'Dedupe store', state: 'off', detail: 'DEDUPE_STORE=off' };
  const { ok, detail } = await deps.dedupeHealth();
  return { name: 'Dedupe store', state: ok ? 'ok' : 'down', detail: `${deps.dedupeStore}: ${detail}` };
}

/** A URL as it may be shown: user and password removed. */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '(not a URL)';
  }
}

/** Everything the bridge was configured with, as label and value, secrets left out (only how many there are). */
export function settingsView(config: Config, brokers: readonly string[]): [string, string][] {
  const { topics, kafka, dedupe, admin } = config;
  return [
    ['Webhook listener', `${config.host}:${config.port}`],
    ['Admin listener', `${admin.host}:${admin.port}`],
    ['Webhook secrets', `${config.secrets.length || 'development'} (values never shown)`],
    ['Kafka brokers', brokers.join(', ')],
    ['Kafka client id', kafka.clientId],
    [
      'Kafka TLS / SASL',
      `${kafka.ssl ? 'TLS' : 'plaintext'} / ${kafka.sasl ? `${kafka.sasl.mechanism}${'username' in kafka.sasl ? ` as ${kafka.sasl.username}` : ''}` : 'none'}`,
    ],
    ['Topic prefix', topics.prefix || '(none)'],
    ['Log topic', topics.eventLog || '(off)'],
    ['Dead-letter topic', topics.deadLetter],
    ['Partitions / replication', `${topics.partitions} / ${topics.replicationFactor}`],
    ['Unknown event policy', config.unknownEventPolicy],
    [
      'Schema registry',
      config.schemaRegistry ? `${withoutCredentials(config.schemaRegistry.url)} (${config.schemaRegistry.compatibility})` : '(off)',
    ],
    ['Dedupe store', `${dedupe.store}${dedupe.redisUrl && dedupe.store === 'redis' ? ` at ${withoutCredentials(dedupe.redisUrl)}` : ''}`],
    ['Dedupe window', `${dedupe.ttlSeconds} s, at most ${dedupe.maxEntries} ids in memory`],
    ['Publish timeout', `${config.publishTimeoutMs} ms`],
    ['Max body', `${config.maxBodyBytes} bytes`],
    ['Backpressure', `${config.limits.maxInFlightRequests} in flight, ${config.limits.maxEventLoopDelayMs} ms event-loop delay`],
    ['Shutdown', `drain ${config.shutdown.drainMs} ms, at most ${config.shutdown.timeoutMs} ms`],
    ['Log level', config.logLevel],
  ];
}
