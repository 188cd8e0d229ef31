/**
 * `npm run bench` (bench/README.md): in one run, under the same load, the ceiling (bare
 * Fastify), the bridge (full pipeline, acks=all) and the naive design (verify
 * + one awaited send per request), each with the server process's CPU time
 * per request; then webhook-to-consumer latency at a fixed rate, the bridge's
 * memory over a million events, the bridge spooling to its local journal
 * while its own broker is frozen, and the downstream rows: a bare kafkajs
 * consumer, the consumer SDK and the timeline rebuild over one log topic;
 * and the console's events page on a log of a million events. `-- --only
 * http|consumers|console` runs one part. Prints tables and writes
 * bench/results/<UTC>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../src/paths.js';
import { testKafkaAdmin } from './admin.js';
import { signedBodies } from './bodies.js';
import { type Child, startChild } from './children.js';
import { consoleBench } from './console.js';
import { type ConsumerRows, consumerRows } from './consumers.js';
import { endToEnd } from './end-to-end.js';
import { type LoadResult, runLoad } from './load.js';
import { rssOverEvents } from './memory.js';
import { BENCH_SECRET, benchKafka, startBridgeChild } from './setup.js';
import { spoolingRow } from './spooling.js';
import { tracingRow } from './tracing.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    rate: { type: 'string', default: '500' },
    'e2e-seconds': { type: 'string', default: '10' },
    events: { type: 'string', default: '1000000' },
    'consumer-events': { type: 'string', default: '200000' },
    'no-spooling': { type: 'boolean', default: false },
    'no-tracing': { type: 'boolean', default: false },
    'port-base': { type: 'string', default: '3100' },
    'console-events': { type: 'string', default: '1000000' },
    only: { type: 'string' },
  },
});
if (values.only !== undefined && !['http', 'consumers', 'console'].includes(values.only)) {
  throw new Error('--only takes http, consumers or console');
}
const runs = (part: string) => values.only === undefined || values.only === part;
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
const connections = Number(values.connections);
// Unique events for the ceiling's 3 s warm-up and 10 s at up to 30,000 requests/s.
const WARMUP_POOL = 100_000;
const POOL = 300_000;
/** The HTTP rows' servers listen on base+1 (ceiling), +2 (bridge), +3 (naive), +4 (console), +5 (spooling), +7 and +8 (tracing and its sink). */
const portBase = Number(values['port-base']);
const port = (offset: number) => portBase + offset;

const { brokers, stamp } = await benchKafka();
const prefix = `bench.${stamp}.`;
const naivePrefix = `bench.${stamp}.naive.`;
const admin = await testKafkaAdmin(brokers);
const tsx = ['--import', 'tsx'];
console.log(`popp-bridge benchmark: ${connections} connections, ${warmup} s warm-up + ${seconds} s per row, Kafka ${brokers.join(',')}`);

type Row = { name: string; cpuUsPerRequest: number } & LoadResult;

/** The row's load, and the server's CPU time over the measured part (not the warm-up) per request. */
async function measure(name: string, url: string, server: Child): Promise<Row> {
  // Signed afresh for each row and dropped after it: held through the end-to-end phase, a heap of
  // this size would put this process's garbage-collection pauses into the latencies it measures.
  const bodies = signedBodies(WARMUP_POOL + POOL, BENCH_SECRET);
  process.stdout.write(`  ${name}: warming up… `);
  await runLoad(url, bodies.slice(POOL), { connections, seconds: warmup });
  process.stdout.write('measuring… ');
  const cpuBefore = server.cpuUs();
  const result = await runLoad(url, bodies.slice(0, POOL), { connections, seconds });
  const cpuUsPerRequest = Math.round((server.cpuUs() - cpuBefore) / Math.max(1, result.requests));
  console.log(
    `${result.requestsPerSec} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, non-2xx ${result.non2xx}, ${cpuUsPerRequest} CPU-µs/request`,
  );
  return { name, cpuUsPerRequest, ...result };
}

const rows: Row[] = [];
let http: Awaited<ReturnType<typeof httpRows>> | undefined;
if (runs('http')) http = await httpRows();
let consumers: ConsumerRows | undefined;
if (runs('consumers')) {
  consumers = await consumerRows({
    brokers,
    prefix: `bench.${stamp}.consumers.`,
    events: Number(values['consumer-events']),
    connections,
    log: (line) => process.stdout.write(line),
  });
}

let consoleResult: Awaited<ReturnType<typeof consoleBench>> | undefined;
if (runs('console')) {
  process.stdout.write(`  console: events page on a log topic of ${values['console-events']} events… filling`);
  consoleResult = await consoleBench({
    brokers,
    prefix: `bench.${stamp}.console.`,
    events: Number(values['console-events']),
    port: port(4),
  });
  const newest = consoleResult.timings[0];
  console.log(` in ${consoleResult.fillSeconds} s; newest page p50 ${newest?.p50Ms} ms, p95 ${newest?.p95Ms} ms`);
}

async function httpRows() {
  await admin.createBridgeTopics(naivePrefix);
  const ceiling = await startChild(process.execPath, [...tsx, 'bench/servers/ceiling.ts', String(port(1))], {}, /listening/);
  rows.push(await measure('ceiling', `http://127.0.0.1:${port(1)}/webhooks/popp`, ceiling));
  await ceiling.stop();

  const bridge = await startBridgeChild({ brokers, port: port(2), prefix });
  rows.push(await measure('bridge', `http://127.0.0.1:${port(2)}/webhooks/popp`, bridge));
  const rowRssMb = bridge.rssMb();
  process.stdout.write(`  end-to-end at ${values.rate} events/s… `);
  const e2e = await endToEnd({
    url: `http://127.0.0.1:${port(2)}/webhooks/popp`,
    brokers,
    topic: `${prefix}events`,
    secret: BENCH_SECRET,
    ratePerSec: Number(values.rate),
    seconds: Number(values['e2e-seconds']),
  });
  console.log(`p50 ${e2e.p50Ms} ms, p99 ${e2e.p99Ms} ms (${e2e.received}/${e2e.sent} received)`);
  const events = Number(values.events);
  process.stdout.write(`  bridge memory over ${events} more events (RSS MB):`);
  const memory = await rssOverEvents(`http://127.0.0.1:${port(2)}/webhooks/popp`, bridge, {
    events,
    chunk: Math.max(1, Math.min(100_000, Math.ceil(events / 10))),
    connections,
    secret: BENCH_SECRET,
    onSample: (sample) => process.stdout.write(` ${sample.rssMb}`),
  });
  console.log(memory.failed > 0 ? ` (${memory.failed} requests failed)` : '');
  const bridgeRssMb = memory.samples.at(-1)?.rssMb ?? rowRssMb;
  await bridge.stop();

  // Every request traced (always_on) and exported to a local OTLP sink: what tracing costs beside the bridge row.
  if (!values['no-tracing']) {
    const traced = await tracingRow(measure, { brokers, port: port(7), sinkPort: port(8), prefix: `bench.${stamp}.traced.` });
    console.log(`  tracing: ${traced.exports} OTLP exports, ${traced.exportedMb} MB`);
    rows.push(traced);
  }

  // OUTAGE_POLICY=spool with its broker frozen: every event to the local journal, fsync on.
  if (!values['no-spooling']) rows.push(await spoolingRow(measure, { port: port(5), prefix: `bench.${stamp}.spool.` }));

  const naive = await startChild(
    process.execPath,
    [...tsx, 'bench/servers/naive.ts', String(port(3)), brokers.join(','), naivePrefix, BENCH_SECRET],
    {},
    /listening/,
  );
  rows.push(await measure('naive', `http://127.0.0.1:${port(3)}/webhooks/popp`, naive));
  await naive.stop();
  return { e2e, events, memory, bridgeRssMb, rowRssMb };
}

await admin.deleteBenchTopics(`bench.${stamp}.`);
await admin.deleteBenchGroups(`bench.${stamp}.`);
await admin.close();

const rate = (name: string) => rows.find((row) => row.name === name)?.requestsPerSec ?? Number.NaN;
const ratios = http && {
  bridgeOverCeiling: Math.round((rate('bridge') / rate('ceiling')) * 100) / 100,
  bridgeOverNaive: Math.round((rate('bridge') / rate('naive')) * 100) / 100,
};
const report = {
  startedAt: stamp,
  settings: { connections, seconds, warmup, brokers, nodeVersion: process.version, only: values.only ?? 'all' },
  rows: rows.map(({ name, requestsPerSec, p50Ms, p99Ms, non2xx, errors, requests, cpuUsPerRequest }) => ({
    name,
    requestsPerSec,
    p50Ms,
    p99Ms,
    non2xx,
    errors,
    requests,
    cpuUsPerRequest,
  })),
  ...(http && {
    ratios,
    endToEnd: {
      ratePerSec: http.e2e.ratePerSec,
      p50Ms: http.e2e.p50Ms,
      p99Ms: http.e2e.p99Ms,
      sent: http.e2e.sent,
      received: http.e2e.received,
    },
    bridgeRssMb: http.bridgeRssMb,
    bridgeRss: { afterRowMb: http.rowRssMb, events: http.events, failed: http.memory.failed, samples: http.memory.samples },
  }),
  ...(consumers && { consumers }),
  ...(consoleResult && { console: consoleResult }),
};

if (http && ratios) {
  console.log('');
  console.log('| row | requests/s | p50 ms | p99 ms | non-2xx | CPU µs/request |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const row of report.rows)
    console.log(`| ${row.name} | ${row.requestsPerSec} | ${row.p50Ms} | ${row.p99Ms} | ${row.non2xx} | ${row.cpuUsPerRequest} |`);
  console.log('');
  console.log(
    `bridge/ceiling ${ratios.bridgeOverCeiling} · bridge/naive ${ratios.bridgeOverNaive} · end-to-end p50 ${http.e2e.p50Ms} ms p99 ${http.e2e.p99Ms} ms at ${http.e2e.ratePerSec}/s · bridge RSS ${http.bridgeRssMb} MB after ${http.events} events`,
  );
}
if (consoleResult) {
  console.log('');
  console.log('| console page | p50 ms | p95 ms | max ms | records examined |');
  console.log('|---|---:|---:|---:|---:|');
  for (const t of consoleResult.timings) console.log(`| ${t.name} | ${t.p50Ms} | ${t.p95Ms} | ${t.maxMs} | ${t.scanned} |`);
}
if (consumers) {
  console.log('');
  console.log(`| consumer (${consumers.events} events of the log topic) | events/s | CPU µs/event |`);
  console.log('|---|---:|---:|');
  for (const name of ['raw', 'sdk', 'rebuild'] as const) {
    console.log(`| ${name} | ${consumers[name].eventsPerSec} | ${consumers[name].cpuUsPerEvent} |`);
  }
  console.log('');
  console.log(`sdk/raw ${consumers.ratios.sdkOverRaw} · rebuild/raw ${consumers.ratios.rebuildOverRaw}`);
}
const dir = join(projectRoot, 'bench', 'results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `${stamp}.json`);
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
console.log(`wrote ${file.slice(projectRoot.length + 1)}`);
