import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { projectRoot } from '../src/paths.js';
import { signedBodies } from './bodies.js';
import { runLoad } from './load.js';
import { BENCH_SECRET, startBridgeChild } from './setup.js';

const run = promisify(execFile);

export interface ConsumerRow {
  eventsPerSec: number;
  seconds: number;
  cpuUsPerEvent: number;
}

export interface ConsumerRows {
  raw: ConsumerRow;
  sdk: ConsumerRow;
  rebuild: ConsumerRow;
  /** Records in the log topic that every row read. */
  events: number;
  ratios: { sdkOverRaw: number; rebuildOverRaw: number };
}

/**
 * The downstream rows: `events` unique events sent through the bridge (so
 * the log topic holds what it holds in production: the bodies, keys and
 * headers the bridge writes), then each consumer in a process of its own
 * over that same topic, in a fresh group, one after another.
 */
export async function consumerRows(options: {
  brokers: string[];
  prefix: string;
  events: number;
  connections: number;
  log: (line: string) => void;
}): Promise<ConsumerRows> {
  const { brokers, prefix } = options;
  options.log(`  consumers: sending ${options.events} events through the bridge into ${prefix}events…\n`);
  await fillLog(options);
  const events = await logSize(brokers, `${prefix}events`);
  const rows: Record<string, ConsumerRow> = {};
  for (const mode of ['raw', 'sdk', 'rebuild'] as const) {
    options.log(`  consumers: ${mode}… `);
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bench/consumer-row.ts', mode, brokers.join(','), prefix], {
      cwd: projectRoot,
      maxBuffer: 16 * 1024 * 1024,
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as ConsumerRow & { events: number };
    if (result.events !== events) throw new Error(`the ${mode} row read ${result.events} events, the log holds ${events}`);
    rows[mode] = { eventsPerSec: result.eventsPerSec, seconds: result.seconds, cpuUsPerEvent: result.cpuUsPerEvent };
    options.log(`    ${result.eventsPerSec} events/s, ${result.cpuUsPerEvent} CPU-µs per event\n`);
  }
  const { raw, sdk, rebuild } = rows as { raw: ConsumerRow; sdk: ConsumerRow; rebuild: ConsumerRow };
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  return {
    raw,
    sdk,
    rebuild,
    events,
    ratios: { sdkOverRaw: ratio(sdk.eventsPerSec, raw.eventsPerSec), rebuildOverRaw: ratio(rebuild.eventsPerSec, raw.eventsPerSec) },
  };
}

/** Unique signed events through a bridge of its own, a chunk of pre-signed bodies at a time. */
export async function fillLog(options: { brokers: string[]; prefix: string; events: number; connections: number }): Promise<void> {
  const bridge = await startBridgeChild({ brokers: options.brokers, port: 3106, prefix: options.prefix });
  try {
    const chunk = 50_000;
    for (let sent = 0; sent < options.events; sent += chunk) {
      const amount = Math.min(chunk, options.events - sent);
      const load = await runLoad('http://127.0.0.1:3106/webhooks/popp', signedBodies(amount, BENCH_SECRET), {
        connections: options.connections,
        amount,
      });
      if (load.non2xx + load.errors > 0) throw new Error(`${load.non2xx + load.errors} of ${amount} events were not published`);
    }
  } finally {
    await bridge.stop();
  }
}

async function logSize(brokers: string[], topic: string): Promise<number> {
  const admin = new Kafka({ clientId: 'bench-consumers', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, o) => sum + Number(BigInt(o.high) - BigInt(o.low)), 0);
  } finally {
    await admin.disconnect();
  }
}
