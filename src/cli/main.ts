import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import { EXIT_CONFIG, KafkaSetupError } from '../errors.js';
import { devstackHome, schemasDir } from '../paths.js';
import { WEBHOOK_PATH } from '../webhook/route.js';

const USAGE = `usage: popp-bridge <command>

  serve                          run the bridge (starts the local Kafka when KAFKA_BROKERS is unset)
  trigger <EVENT_TYPE>|--all     send signed sample events to a running bridge (--all: one of each type)
      [--count N] [--record-id ID] [--url URL] [--secret S]
  trigger --list                 the event types by category, with their topics
  kafka start|stop|status [--brokers 3] [--secured]
                                 the local development broker (--brokers 3: a replicated cluster;
                                 --secured: one with a private CA, SASL_SSL, mutual TLS,
                                 SASL_PLAINTEXT and OAUTHBEARER listeners)
  registry start|stop|status     the local development schema registry (Apicurio)
  redis start|stop|status        the local Redis for DEDUPE_STORE=redis (needs redis-server)
  replay-dead-letters [--dry-run]  publish the dead letters that pass the current schemas
  tail [--event TYPE] [--from-beginning] [--group G]
                                 print the events in the topics, one line each (payload fields included)
  images build [NAME...]|status  the Docker images for tests and compose, built from Debian packages (no registry)
  spool status [--dir DIR] [--json]
                                 what the local spool (OUTAGE_POLICY=spool) holds, read from SPOOL_DIR

Configuration comes from the environment: see docs/configuration.md.`;

/**
 * Argument parsing only: each command lives in src/commands/ and is loaded
 * when run, so `serve` on a remote Kafka never loads the local devstack.
 */
export async function main(argv: string[], print: (line: string) => void = console.log): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        await (await import('../commands/serve.js')).serve(loadConfig(), print);
        return -1; // keeps running
      case 'trigger':
        return await runTrigger(rest, print);
      case 'kafka':
        return await (await import('../commands/kafka.js')).kafkaCommand(rest, print);
      case 'registry':
        return await (await import('../commands/registry.js')).registryCommand(rest[0], print);
      case 'redis':
        return await (await import('../commands/redis.js')).redisCommand(rest[0], print);
      case 'replay-dead-letters':
        return await (await import('../commands/replay-dead-letters.js')).replayCommand(rest, print);
      case 'tail':
        return await (await import('../commands/tail.js')).tailCommand(rest, print);
      case 'images':
        return await (await import('../commands/images.js')).imagesCommand(rest, print);
      case 'spool':
        return await (await import('../commands/spool.js')).spoolCommand(rest, print);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        print(USAGE);
        return command === undefined ? 2 : 0;
      default:
        print(`unknown command: ${command}\n\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      print(`configuration error: ${error.message}`);
      return EXIT_CONFIG;
    }
    // Kafka refused a setting (credentials, a certificate): as much a configuration error, and as final.
    if (error instanceof KafkaSetupError) {
      print(`error: ${error.message}`);
      return EXIT_CONFIG;
    }
    print(`error: ${(error as Error).message}`);
    return 1;
  }
}

async function runTrigger(args: string[], print: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      count: { type: 'string', default: '1' },
      all: { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      'record-id': { type: 'string' },
      url: { type: 'string' },
      secret: { type: 'string' },
    },
  });
  const count = Number(values.count);
  const config = loadConfig();
  const { listEventTypes, trigger } = await import('../commands/trigger.js');
  const { createCatalogue } = await import('../contract/catalogue.js');
  const catalogue = createCatalogue({ schemasDir, topicPrefix: config.topics.prefix });
  if (values.list) {
    for (const line of listEventTypes(catalogue)) print(line);
    return 0;
  }
  const eventTypes = values.all ? catalogue.knownTypes : positionals.slice(0, 1);
  if (eventTypes.length === 0 || (values.all && positionals.length > 0) || !Number.isInteger(count) || count < 1) {
    print('usage: popp-bridge trigger <EVENT_TYPE>|--all [--count N] [--record-id ID] [--url URL] [--secret S]   or   trigger --list');
    return 2;
  }
  const { devSecret } = await import('../devstack/secret.js');
  const failures = await trigger({
    eventTypes,
    count,
    recordId: values['record-id'],
    url: values.url ?? `http://127.0.0.1:${config.port}${WEBHOOK_PATH}`,
    secret: values.secret ?? config.secrets[0] ?? devSecret(devstackHome),
    catalogue,
    print,
  });
  return failures === 0 ? 0 : 1;
}
