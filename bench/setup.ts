import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { createLocalBroker } from '../src/devstack/broker.js';
import { devstackHome } from '../src/paths.js';
import { type Child, startChild } from './children.js';

export const BENCH_SECRET = 'bench-secret';

/** KAFKA_BROKERS, or the local broker (started or reused), and a UTC stamp that names this run's topics and files. */
export async function benchKafka(): Promise<{ brokers: string[]; stamp: string }> {
  const config = loadConfig();
  const brokers =
    config.kafkaBrokers ?? (await createLocalBroker({ home: devstackHome, log: (l) => console.log(`  ${l}`) }).start()).brokers;
  return { brokers, stamp: new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, 'Z') };
}

/** A dedupe window of its own for each bench bridge: two may run at once, and a directory has one owner. */
export const benchDedupeDir = (): string => mkdtempSync(join(tmpdir(), 'popp-bench-dedupe-'));

/** The bridge as it ships (`popp-bridge serve`), on its own port and topic prefix; `nodeArgs` go before the script. */
export function startBridgeChild(options: {
  brokers: string[];
  port: number;
  prefix: string;
  nodeArgs?: string[];
  env?: Record<string, string>;
}): Promise<Child> {
  return startChild(
    process.execPath,
    [...(options.nodeArgs ?? []), 'bin/popp-bridge.js', 'serve'],
    {
      KAFKA_BROKERS: options.brokers.join(','),
      PORT: String(options.port),
      HOST: '127.0.0.1',
      // The admin listener on a free port: a developer's bridge may hold 3001.
      ADMIN_PORT: '0',
      TOPIC_PREFIX: options.prefix,
      POPP_WEBHOOK_SECRET: BENCH_SECRET,
      LOG_LEVEL: 'warn',
      DEDUPE_DIR: benchDedupeDir(),
      ...options.env,
    },
    /listening on/,
  );
}
