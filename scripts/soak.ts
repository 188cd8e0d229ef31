/**
 * `npm run soak -- --minutes N`: N minutes of steady webhook load on two
 * bridges (separate processes, shared Redis dedupe) with faults injected at
 * random — the broker killed or frozen, a bridge killed or stopped with
 * SIGTERM, Redis killed — then every acknowledged eventId is read back from
 * Kafka. Ends with a report; exits 1 if anything acknowledged is missing.
 * Uses a broker (49092) and a Redis (46379) of its own, stopped at the end
 * (`--broker-port`, `--redis-port` move them).
 * `--outage-policy spool` gives each bridge a spool of its own (kept across
 * its restarts): then every answer but those of a bridge restart must be 2xx.
 * `--brokers 3` runs a fresh three-node cluster instead (49092, 49192, 49292;
 * replication factor 3, min.insync.replicas 2): each broker fault hits one
 * node, half the time the leader of the busiest partition.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createLocalBroker } from '../src/devstack/broker.js';
import { type ClusterNode, createLocalCluster } from '../src/devstack/cluster.js';
import { createLocalRedis } from '../src/devstack/redis.js';
import { devstackHome } from '../src/paths.js';
import { type BridgeProcess, killBridge, spawnBridge } from '../test/support/bridge-process.js';
import { leaderOfBusiest } from '../test/support/cluster.js';
import { startLoad } from '../test/support/load.js';
import { readBack } from '../test/support/readback.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '5' },
    workers: { type: 'string', default: '8' },
    'fault-every': { type: 'string', default: '20' },
    'outage-policy': { type: 'string', default: 'reject' },
    brokers: { type: 'string', default: '1' },
    // Another soak (or another worktree's) may hold the default ports.
    'broker-port': { type: 'string', default: '49092' },
    'redis-port': { type: 'string', default: '46379' },
  },
});
const minutes = Number(values.minutes);
const workers = Number(values.workers);
const faultEverySeconds = Number(values['fault-every']);
const outagePolicy = values['outage-policy'];
const brokerCount = Number(values.brokers);
if (
  !(minutes > 0) ||
  !(workers > 0) ||
  !(faultEverySeconds > 0) ||
  (outagePolicy !== 'reject' && outagePolicy !== 'spool') ||
  (brokerCount !== 1 && brokerCount !== 3)
) {
  console.error(
    'usage: npm run soak -- [--minutes N] [--workers N] [--fault-every SECONDS] [--outage-policy reject|spool] [--brokers 1|3] [--broker-port P] [--redis-port P]',
  );
  process.exit(2);
}

const log = (line: string) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}`);
const brokerPort = Number(values['broker-port']);
const kafka = brokerCount === 3 ? soakCluster() : soakBroker();
const redis = createLocalRedis({ home: devstackHome, port: Number(values['redis-port']) });
const prefix = `soak.${randomUUID().slice(0, 8)}.`;
const random = (min: number, max: number) => min + Math.random() * (max - min);

/** The Kafka the soak runs on, and the broker a fault hits: the only one, or one node of the cluster. */
interface SoakKafka {
  start(): Promise<string[]>;
  /** The pid to signal, its name for the log, and how to bring it back after a kill. */
  victim(): Promise<{ pid: number; name: string; restart: () => Promise<unknown> }>;
  stop(): Promise<void>;
}

function soakBroker(): SoakKafka {
  const broker = createLocalBroker({ home: devstackHome, port: brokerPort, controllerPort: brokerPort + 1 });
  return {
    start: async () => (await broker.start()).brokers,
    victim: async () => ({ pid: (await broker.status()).pid as number, name: 'the broker', restart: () => broker.start() }),
    stop: () => broker.stop(),
  };
}

function soakCluster(): SoakKafka {
  const cluster = createLocalCluster({ home: devstackHome, port: brokerPort });
  return {
    async start() {
      // Fresh each run: old soaks' topics would make every node restart recover their partitions too.
      await cluster.reset();
      return (await cluster.start()).brokers;
    },
    async victim() {
      const pick = async (): Promise<ClusterNode> => {
        if (Math.random() < 0.5) return cluster.nodes[Math.floor(Math.random() * cluster.nodes.length)] as ClusterNode;
        return leaderOfBusiest(cluster, `${prefix}events`).catch(() => cluster.nodes[0] as ClusterNode);
      };
      const node = await pick();
      return { pid: (await node.pid()) as number, name: `node ${node.nodeId}`, restart: () => node.start() };
    },
    stop: () => cluster.stop(),
  };
}

log(`starting ${brokerCount === 3 ? 'three nodes' : 'a broker'} on ${brokerPort} and Redis on ${values['redis-port']} (prefix ${prefix})`);
const brokers = await kafka.start();
await redis.start();
const env = {
  ...(brokerCount === 3 && { TOPIC_REPLICATION_FACTOR: '3' }),
  KAFKA_BROKERS: brokers.join(','),
  TOPIC_PREFIX: prefix,
  DEDUPE_STORE: 'redis',
  REDIS_URL: redis.url,
  PUBLISH_TIMEOUT_MS: '3000',
  SHUTDOWN_DRAIN_MS: '500',
  LOG_LEVEL: 'warn',
  OUTAGE_POLICY: outagePolicy,
};
const spoolRoot = await mkdtemp(join(tmpdir(), 'popp-soak-spool-'));
/** Each bridge has its own spool directory, which its restarts reuse (a node's disk). */
const bridgeEnv = (index: number) => ({ ...env, SPOOL_DIR: join(spoolRoot, `bridge-${index}`) });
const spawned: BridgeProcess[] = [];
const spawnIndexed = async (index: number) => {
  const bridge = await spawnBridge(bridgeEnv(index));
  spawned.push(bridge);
  return bridge;
};
const bridges: (BridgeProcess | undefined)[] = await Promise.all([spawnIndexed(0), spawnIndexed(1)]);
let turn = 0;
const target = () => {
  const up = bridges.filter((bridge): bridge is BridgeProcess => bridge !== undefined);
  // While both restart, requests go to a closed port and count as errors, like Popp's would.
  return up[turn++ % Math.max(1, up.length)]?.url ?? 'http://127.0.0.1:9';
};
const load = startLoad({ target, workers, backoffMs: 200 });

/** One fault, chosen at random; each ends with everything running again. */
const faults: Record<string, () => Promise<void>> = {
  async 'broker SIGKILL'() {
    const victim = await kafka.victim();
    log(`  killing ${victim.name}`);
    process.kill(victim.pid, 'SIGKILL');
    await sleep(random(2_000, 8_000));
    await victim.restart();
  },
  async 'broker SIGSTOP'() {
    const victim = await kafka.victim();
    log(`  freezing ${victim.name}`);
    process.kill(victim.pid, 'SIGSTOP');
    await sleep(random(2_000, 6_000));
    process.kill(victim.pid, 'SIGCONT');
  },
  async 'bridge SIGKILL'() {
    await restartBridge('SIGKILL');
  },
  async 'bridge SIGTERM'() {
    await restartBridge('SIGTERM');
  },
  async 'redis SIGKILL'() {
    process.kill((await redis.status()).pid as number, 'SIGKILL');
    await sleep(random(1_000, 5_000));
    await redis.start();
  },
};

async function restartBridge(signal: NodeJS.Signals): Promise<void> {
  const index = Math.floor(Math.random() * bridges.length);
  const bridge = bridges[index];
  if (!bridge) return;
  bridges[index] = undefined;
  bridge.child.kill(signal);
  const { code, signal: ended } = await bridge.exited;
  if (signal === 'SIGTERM' && code !== 0) log(`  bridge exited ${code ?? ended} after SIGTERM (expected 0)`);
  bridges[index] = await spawnIndexed(index);
}

const ends = Date.now() + minutes * 60_000;
const injected: string[] = [];
const progress = setInterval(
  () =>
    log(
      `requests ${load.report.requests}, acknowledged ${load.report.acknowledged.size}, statuses ${JSON.stringify(load.report.statuses)}`,
    ),
  15_000,
);
try {
  while (Date.now() < ends) {
    await sleep(Math.min(random(0.5, 1.5) * faultEverySeconds * 1_000, Math.max(0, ends - Date.now())));
    if (Date.now() >= ends - 5_000) break;
    const names = Object.keys(faults);
    const name = names[Math.floor(Math.random() * names.length)] as string;
    log(`fault: ${name}`);
    injected.push(name);
    await faults[name]?.();
    log(`  recovered from ${name}`);
  }
} finally {
  clearInterval(progress);
}

const report = await load.stop();
log(`load stopped; reading back ${report.acknowledged.size} acknowledged events`);
const back = await readBack(brokers, `${prefix}events`, report.acknowledged, { timeoutMs: 60_000, settleMs: 3_000 });
await Promise.all(bridges.map((bridge) => killBridge(bridge)));
await redis.stop();
await kafka.stop();
await rm(spoolRoot, { recursive: true, force: true });

// Answers with a status but not 2xx; a bridge being stopped (SIGTERM) answers `shutting_down` by design.
const non2xx = Object.entries(report.statuses)
  .filter(([status]) => /^\d+$/.test(status) && !status.startsWith('2'))
  .reduce((sum, [, count]) => sum + count, 0);
const non2xxBesidesRestarts = non2xx - (report.errors.shutting_down ?? 0);

/** What the bridges logged at error level, once each (the message, not the fields: they may name ids). */
const bridgeErrors = [
  ...new Set(
    spawned.flatMap((bridge) =>
      bridge.lines.flatMap((line) => {
        const entry = (line.startsWith('{') ? JSON.parse(line) : {}) as { level?: number; msg?: string; error?: string };
        return (entry.level ?? 0) >= 50 ? [`${entry.msg}${entry.error ? `: ${entry.error}` : ''}`] : [];
      }),
    ),
  ),
];

const summary = {
  minutes,
  brokers: brokerCount,
  outagePolicy,
  faults: injected,
  requests: report.requests,
  statuses: report.statuses,
  acknowledged: report.acknowledged.size,
  readBack: back.seen.size,
  recordsRead: back.records,
  missing: back.missing.length,
  duplicates: back.duplicates,
  non2xx,
  non2xxBesidesRestarts,
  errors: report.errors,
  bridgeErrors: bridgeErrors.slice(0, 20),
};
console.log(JSON.stringify(summary, null, 2));
if (back.missing.length > 0) console.log(`missing eventIds (first 20): ${back.missing.slice(0, 20).join(', ')}`);
const failed = back.missing.length > 0 || (outagePolicy === 'spool' && non2xxBesidesRestarts > 0);
process.exit(failed ? 1 : 0);
