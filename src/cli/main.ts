import { parseArgs } from 'node:util';
import { kafkaCommand } from '../commands/kafka.js';
import { redisCommand } from '../commands/redis.js';
import { registryCommand } from '../commands/registry.js';
import { replayCommand } from '../commands/replay-dead-letters.js';
import { serve } from '../commands/serve.js';
import { spoolCommand } from '../commands/spool.js';
import { tailCommand } from '../commands/tail.js';
import { trigger } from '../commands/trigger.js';
import { ConfigError, loadConfig } from '../config.js';
import { devSecret } from '../devstack/secret.js';
import { createCatalogue } from '../events/catalogue.js';
import { devstackHome, schemasDir } from '../paths.js';
import { WEBHOOK_PATH } from '../webhook/route.js';

const USAGE = `usage: popp-bridge <command>

  serve                          run the bridge (starts the local Kafka when KAFKA_BROKERS is unset)
  trigger <EVENT_TYPE>           send signed sample events to a running bridge
      [--count N] [--record-id ID] [--url URL] [--secret S]
  kafka start|stop|status        the local development broker
  registry start|stop|status     the local development schema registry (Apicurio)
  redis start|stop|status        the local Redis for DEDUPE_STORE=redis (needs redis-server)
  replay-dead-letters [--dry-run]  publish the dead letters that pass the current schemas
  tail [--event TYPE] [--from-beginning] [--group G]
                                 print the events in the topics, one line each (payload fields included)
  spool status [--dir DIR] [--json]
                                 what the local spool (OUTAGE_POLICY=spool) holds, read from SPOOL_DIR

Configuration comes from the environment: see the README.`;

/** Argument parsing only: each command lives in src/commands/. */
export async function main(argv: string[], print: (line: string) => void = console.log): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        await serve(loadConfig(), print);
        return -1; // keeps running
      case 'trigger':
        return await runTrigger(rest, print);
      case 'kafka':
        return await kafkaCommand(rest[0], print);
      case 'registry':
        return await registryCommand(rest[0], print);
      case 'redis':
        return await redisCommand(rest[0], print);
      case 'replay-dead-letters':
        return await replayCommand(rest, print);
      case 'tail':
        return await tailCommand(rest, print);
      case 'spool':
        return await spoolCommand(rest, print);
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
      return 78;
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
      'record-id': { type: 'string' },
      url: { type: 'string' },
      secret: { type: 'string' },
    },
  });
  const eventType = positionals[0];
  const count = Number(values.count);
  if (!eventType || !Number.isInteger(count) || count < 1) {
    print('usage: popp-bridge trigger <EVENT_TYPE> [--count N] [--record-id ID] [--url URL] [--secret S]');
    return 2;
  }
  const config = loadConfig();
  const failures = await trigger({
    eventType,
    count,
    recordId: values['record-id'],
    url: values.url ?? `http://127.0.0.1:${config.port}${WEBHOOK_PATH}`,
    secret: values.secret ?? config.secrets[0] ?? devSecret(devstackHome),
    catalogue: createCatalogue({ schemasDir, topicPrefix: config.topics.prefix }),
    print,
  });
  return failures === 0 ? 0 : 1;
}
