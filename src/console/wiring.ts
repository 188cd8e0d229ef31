import type { Admin } from 'kafkajs';
import type { Config } from '../config.js';
import type { EventCatalogue } from '../contract/catalogue.js';
import type { KafkaParts } from '../kafka/client.js';
import type { Readiness } from '../kafka/health.js';
import type { PartitionFetcher } from '../kafka/partition-fetch.js';
import type { Metrics } from '../metrics.js';
import { registryRequest } from '../registry/http.js';
import type { ConsoleDeps } from './deps.js';
import { listConsumerGroups } from './groups.js';
import { createKafkaLogSource } from './kafka-source.js';
import { createConsoleLog } from './queries.js';
import { createConsoleReplay } from './replay.js';
import { serviceStatus, settingsView } from './status.js';

export interface ConsoleWiring {
  config: Config;
  brokers: string[];
  kafka: Pick<KafkaParts, 'partitionFetcher'>;
  admin: Admin;
  metrics: Metrics;
  readiness: Readiness;
  dedupeHealth: () => Promise<{ ok: boolean; detail: string }>;
  catalogue: Pick<EventCatalogue, 'knownTypes' | 'categoryOf'>;
  schemasDir: string;
  audit: ConsoleDeps['audit'];
}

/** Records of each topic one search examines: a bound on its cost, shown on the page. */
const SEARCH_BUDGET = 100_000;

/** The console's real parts on the bridge's Kafka clients; undefined when no CONSOLE_TOKEN is set. */
export function createConsoleDeps(wiring: ConsoleWiring): { deps: ConsoleDeps; close(): Promise<void> } | undefined {
  const { config, admin } = wiring;
  const token = config.admin.consoleToken;
  if (!token) return undefined;
  let fetcher: Promise<PartitionFetcher> | undefined;
  const getFetcher = () => {
    fetcher ??= wiring.kafka.partitionFetcher().catch((error) => {
      fetcher = undefined;
      throw error;
    });
    return fetcher;
  };
  const topics = { prefix: config.topics.prefix, log: config.topics.eventLog, deadLetter: config.topics.deadLetter };
  // The catalogue's own categories (each schema names its own), so a type added to schemas/ is filed with its peers.
  const categoryOf = (eventType: string) => wiring.catalogue.categoryOf(eventType);
  const categories = [...new Set(wiring.catalogue.knownTypes.flatMap((type) => categoryOf(type) ?? []))].sort();
  const deps: ConsoleDeps = {
    token,
    audit: wiring.audit,
    activity: wiring.metrics.activity,
    services: () =>
      serviceStatus({
        readiness: wiring.readiness,
        registry: config.schemaRegistry,
        dedupeStore: config.dedupe.store,
        dedupeHealth: wiring.dedupeHealth,
        get: (url, headers, timeoutMs) => registryRequest(url, { headers, timeoutMs, tls: config.schemaRegistry?.tls }),
      }),
    settings: settingsView(config, wiring.brokers),
    searchBudget: SEARCH_BUDGET,
    log: createConsoleLog({
      source: createKafkaLogSource(admin, getFetcher),
      logTopic: topics.log,
      deadLetterTopic: topics.deadLetter,
      categoryOf,
      searchBudget: SEARCH_BUDGET,
    }),
    groups: () => listConsumerGroups(admin, { prefix: topics.prefix, logTopic: topics.log, deadLetterTopic: topics.deadLetter }),
    replay: createConsoleReplay({ config, brokers: wiring.brokers, schemasDir: wiring.schemasDir }),
    knownTypes: [...wiring.catalogue.knownTypes].sort(),
    categories,
    categoryOf,
    topics,
  };
  return {
    deps,
    async close() {
      const open = fetcher;
      fetcher = undefined;
      if (open) await (await open.catch(() => undefined))?.close();
    },
  };
}
