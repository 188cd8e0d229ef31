/**
 * `npm run bench:profile`: the bridge under the benchmark's load with
 * `node --cpu-prof`, then where its CPU went — by area (kafkajs, HTTP and
 * Fastify, our pipeline, GC…) and by function. The raw profile stays in
 * bench/results/profiles/ for Chrome DevTools.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../src/paths.js';
import { testKafkaAdmin } from './admin.js';
import { signedBodies } from './bodies.js';
import { runLoad } from './load.js';
import { BENCH_SECRET, benchKafka, startBridgeChild } from './setup.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    top: { type: 'string', default: '25' },
  },
});
const { brokers, stamp } = await benchKafka();
const prefix = `bench.${stamp}.`;
const dir = join(projectRoot, 'bench', 'results', 'profiles', stamp);

const bridge = await startBridgeChild({ brokers, port: 3104, prefix, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
const seconds = Number(values.seconds);
const load = await runLoad('http://127.0.0.1:3104/webhooks/popp', signedBodies(Math.max(50_000, seconds * 15_000), BENCH_SECRET), {
  connections: Number(values.connections),
  seconds,
});
await bridge.stop();
const admin = await testKafkaAdmin(brokers);
await admin.deleteBenchTopics(prefix);
await admin.close();

const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
if (!file) throw new Error(`no profile written in ${dir}`);
console.log(
  `${load.requestsPerSec} req/s, p99 ${load.p99Ms} ms over ${seconds} s; profile ${join(dir, file).slice(projectRoot.length + 1)}`,
);
summarize(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile, Number(values.top));
// Keep only the newest few profiles: each is several MB.
const kept = readdirSync(join(dir, '..')).sort().slice(0, -3);
for (const old of kept) rmSync(join(dir, '..', old), { recursive: true, force: true });

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * Self time per sampled node, grouped by function and by area; idle time is
 * left out of the shares. A Node built-in (Buffer, crypto, streams) counts in
 * the area of the package or module that called it, which is what one can change.
 */
function summarize(profile: CpuProfile, top: number): void {
  const byId = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const owner = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at);
      if (frame?.url && !frame.url.startsWith('node:')) return areaOf(frame.url, frame.functionName);
    }
    const frame = byId.get(id);
    return frame ? areaOf(frame.url, frame.functionName) : '(unknown)';
  };
  const self = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  for (const [id, micros] of self) {
    const frame = byId.get(id);
    if (!frame || frame.functionName === '(idle)') continue;
    busy += micros;
    const area = owner(id);
    areas.set(area, (areas.get(area) ?? 0) + micros);
    const name = `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + micros);
  }
  const share = (micros: number) => `${((micros / busy) * 100).toFixed(1).padStart(5)} %`;
  console.log(`\nbusy CPU ${(busy / 1e6).toFixed(2)} s, ${(busy / Math.max(1, load.requests)).toFixed(0)} µs per request\n\nby area:`);
  for (const [area, micros] of [...areas].sort((a, b) => b[1] - a[1])) console.log(`  ${share(micros)}  ${area}`);
  console.log(`\ntop ${top} functions (self time):`);
  for (const [name, micros] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${share(micros)}  ${name}`);
}

function areaOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg === 'kafkajs') return 'kafkajs';
  if (pkg) return /fastify|avvio|find-my-way|light-my-request|secure-json-parse|fast-json-stringify/.test(pkg) ? 'fastify' : pkg;
  if (url.startsWith('node:')) return 'node core';
  if (url.includes('/dist/src/')) return `popp-bridge ${/dist\/src\/([^/]+)/.exec(url)?.[1] ?? ''}`;
  return 'other';
}

function shortUrl(url: string): string {
  return url.replace(/^file:\/\/.*?node_modules\//, '').replace(/^file:\/\/.*?\/dist\//, '');
}
