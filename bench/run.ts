/**
 * `npm run bench` (the README's Performance section): in one run, under the same load, the
 * ceiling (bare Fastify), the bridge (full pipeline, acks=all) and the naive
 * design (verify + one awaited send per request); then webhook-to-consumer
 * latency at a fixed rate, and the bridge's memory over a million events;
 * and the bridge spooling to its local journal while its own broker is frozen.
 * Prints a table and writes bench/results/<UTC>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../src/paths.js';
import { testKafkaAdmin } from './admin.js';
import { signedBodies } from './bodies.js';
import { startChild } from './children.js';
import { consoleBench } from './console.js';
import { endToEnd } from './end-to-end.js';
import { type LoadResult, runLoad } from './load.js';
import { rssOverEvents } from './memory.js';
import { BENCH_SECRET, benchKafka, startBridgeChild } from './setup.js';
import { spoolingRow } from './spooling.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    rate: { type: 'string', default: '500' },
    'e2e-seconds': { type: 'string', default: '10' },
    events: { type: 'string', default: '1000000' },
    'no-spooling': { type: 'boolean', default: false },
    'console-events': { type: 'string', default: '1000000' },
  },
});
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
const connections = Number(values.connections);
// Unique events for the ceiling's 3 s warm-up and 10 s at up to 30,000 requests/s.
const WARMUP_POOL = 100_000;
const POOL = 300_000;

const { brokers, stamp } = await benchKafka();
const prefix = `bench.${stamp}.`;
const naivePrefix = `bench.${stamp}.naive.`;
const admin = await testKafkaAdmin(brokers);
await admin.createBridgeTopics(naivePrefix);
const tsx = ['--import', 'tsx'];
console.log(`popp-bridge benchmark: ${connections} connections, ${warmup} s warm-up + ${seconds} s per row, Kafka ${brokers.join(',')}`);

async function measure(name: string, url: string): Promise<LoadResult> {
  // Signed afresh for each row and dropped after it: held through the end-to-end phase, a heap of
  // this size would put this process's garbage-collection pauses into the latencies it measures.
  const bodies = signedBodies(WARMUP_POOL + POOL, BENCH_SECRET);
  process.stdout.write(`  ${name}: warming up… `);
  await runLoad(url, bodies.slice(POOL), { connections, seconds: warmup });
  process.stdout.write('measuring… ');
  const result = await runLoad(url, bodies.slice(0, POOL), { connections, seconds });
  console.log(`${result.requestsPerSec} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, non-2xx ${result.non2xx}`);
  return result;
}

const rows: ({ name: string } & LoadResult)[] = [];
const ceiling = await startChild(process.execPath, [...tsx, 'bench/servers/ceiling.ts', '3101'], {}, /listening/);
rows.push({ name: 'ceiling', ...(await measure('ceiling', 'http://127.0.0.1:3101/webhooks/popp')) });
await ceiling.stop();

const bridge = await startBridgeChild({ brokers, port: 3102, prefix });
rows.push({ name: 'bridge', ...(await measure('bridge', 'http://127.0.0.1:3102/webhooks/popp')) });
const rowRssMb = bridge.rssMb();
process.stdout.write(`  end-to-end at ${values.rate} events/s… `);
const e2e = await endToEnd({
  url: 'http://127.0.0.1:3102/webhooks/popp',
  brokers,
  topic: `${prefix}events`,
  secret: BENCH_SECRET,
  ratePerSec: Number(values.rate),
  seconds: Number(values['e2e-seconds']),
});
console.log(`p50 ${e2e.p50Ms} ms, p99 ${e2e.p99Ms} ms (${e2e.received}/${e2e.sent} received)`);
const events = Number(values.events);
process.stdout.write(`  bridge memory over ${events} more events (RSS MB):`);
const memory = await rssOverEvents('http://127.0.0.1:3102/webhooks/popp', bridge, {
  events,
  chunk: Math.max(1, Math.min(100_000, Math.ceil(events / 10))),
  connections,
  secret: BENCH_SECRET,
  onSample: (sample) => process.stdout.write(` ${sample.rssMb}`),
});
console.log(memory.failed > 0 ? ` (${memory.failed} requests failed)` : '');
const bridgeRssMb = memory.samples.at(-1)?.rssMb ?? rowRssMb;
await bridge.stop();

// OUTAGE_POLICY=spool with its broker frozen: every event to the local journal, fsync on.
if (!values['no-spooling'])
  rows.push({ name: 'spooling', ...(await spoolingRow(measure, { port: 3105, prefix: `bench.${stamp}.spool.` })) });

const naive = await startChild(
  process.execPath,
  [...tsx, 'bench/servers/naive.ts', '3103', brokers.join(','), naivePrefix, BENCH_SECRET],
  {},
  /listening/,
);
rows.push({ name: 'naive', ...(await measure('naive', 'http://127.0.0.1:3103/webhooks/popp')) });
await naive.stop();

process.stdout.write(`  console: events page on a log topic of ${values['console-events']} events… filling`);
const consoleResult = await consoleBench({
  brokers,
  prefix: `bench.${stamp}.console.`,
  events: Number(values['console-events']),
  port: 3104,
});
const newest = consoleResult.timings[0];
console.log(` in ${consoleResult.fillSeconds} s; newest page p50 ${newest?.p50Ms} ms, p95 ${newest?.p95Ms} ms`);

await admin.deleteBenchTopics(`bench.${stamp}.`);
await admin.close();

const rate = (name: string) => rows.find((row) => row.name === name)?.requestsPerSec ?? Number.NaN;
const ratios = {
  bridgeOverCeiling: Math.round((rate('bridge') / rate('ceiling')) * 100) / 100,
  bridgeOverNaive: Math.round((rate('bridge') / rate('naive')) * 100) / 100,
};
const report = {
  startedAt: stamp,
  settings: { connections, seconds, warmup, brokers, nodeVersion: process.version },
  rows: rows.map(({ name, requestsPerSec, p50Ms, p99Ms, non2xx, errors, requests }) => ({
    name,
    requestsPerSec,
    p50Ms,
    p99Ms,
    non2xx,
    errors,
    requests,
  })),
  ratios,
  endToEnd: { ratePerSec: e2e.ratePerSec, p50Ms: e2e.p50Ms, p99Ms: e2e.p99Ms, sent: e2e.sent, received: e2e.received },
  bridgeRssMb,
  bridgeRss: { afterRowMb: rowRssMb, events, failed: memory.failed, samples: memory.samples },
  console: consoleResult,
};

console.log('');
console.log('| row | requests/s | p50 ms | p99 ms | non-2xx |');
console.log('|---|---:|---:|---:|---:|');
for (const row of report.rows) console.log(`| ${row.name} | ${row.requestsPerSec} | ${row.p50Ms} | ${row.p99Ms} | ${row.non2xx} |`);
console.log('');
console.log('| console page | p50 ms | p95 ms | max ms | records examined |');
console.log('|---|---:|---:|---:|---:|');
for (const t of consoleResult.timings) console.log(`| ${t.name} | ${t.p50Ms} | ${t.p95Ms} | ${t.maxMs} | ${t.scanned} |`);
console.log('');
console.log(
  `bridge/ceiling ${ratios.bridgeOverCeiling} · bridge/naive ${ratios.bridgeOverNaive} · end-to-end p50 ${e2e.p50Ms} ms p99 ${e2e.p99Ms} ms at ${e2e.ratePerSec}/s · bridge RSS ${bridgeRssMb} MB after ${events} events`,
);
const dir = join(projectRoot, 'bench', 'results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `${stamp}.json`);
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
console.log(`wrote ${file.slice(projectRoot.length + 1)}`);
