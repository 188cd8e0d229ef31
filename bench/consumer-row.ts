/**
 * One downstream row of `npm run bench`, in a process of its own so that no
 * other row's heap or timers share it: `raw` (a bare kafkajs `eachBatch`
 * consumer that does nothing, the ceiling), `sdk` (the consumer SDK with
 * no-op handlers and the in-memory idempotency store) or `rebuild` (the
 * conversation-timeline example rebuilding its SQLite read model through the
 * SDK's rebuild). Each reads the whole log topic in a fresh group and prints
 * one JSON line: events/s from its first record to its last, and CPU µs per
 * event of this process over the same span.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { rebuildTimeline } from '../examples/conversation-timeline/service.js';
import { loadConfig } from '../src/config.js';
import { connectionFromConfig, createConsumer, createMemoryIdempotencyStore } from '../src/consumer/index.js';

const [mode, brokerList, prefix] = process.argv.slice(2) as [string, string, string];
const brokers = brokerList.split(',');
const topic = `${prefix}events`;
const config = loadConfig({ TOPIC_PREFIX: prefix, KAFKA_BROKERS: brokerList, LOG_LEVEL: 'warn' });
const group = `${prefix}bench-${mode}-${Date.now()}`;

/** The span from the first record to the moment every partition reached the end the log had at the start. */
function stopwatch(ends: Map<number, bigint>, total: number) {
  const next = new Map<number, bigint>();
  let started: { at: number; cpu: NodeJS.CpuUsage } | undefined;
  let finish: (result: { seconds: number; cpuUs: number }) => void = () => {};
  const finished = new Promise<{ seconds: number; cpuUs: number }>((resolve) => {
    finish = resolve;
  });
  return {
    finished,
    first() {
      started ??= { at: performance.now(), cpu: process.cpuUsage() };
    },
    position(partition: number, offset: bigint) {
      next.set(partition, offset);
      for (const [p, end] of ends) if ((next.get(p) ?? 0n) < end) return;
      if (!started) return;
      const cpu = process.cpuUsage(started.cpu);
      finish({ seconds: (performance.now() - started.at) / 1000, cpuUs: cpu.user + cpu.system });
    },
    report(span: { seconds: number; cpuUs: number }) {
      return { eventsPerSec: Math.round(total / span.seconds), seconds: round(span.seconds), cpuUsPerEvent: round(span.cpuUs / total) };
    },
  };
}

const round = (value: number) => Math.round(value * 100) / 100;

const kafka = new Kafka({ clientId: `bench-${mode}`, brokers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
const offsets = await admin.fetchTopicOffsets(topic);
await admin.disconnect();
const ends = new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
const total = offsets.reduce((sum, o) => sum + Number(BigInt(o.high) - BigInt(o.low)), 0);
const watch = stopwatch(ends, total);

if (mode === 'raw') {
  // kafkajs as its README shows it: eachBatch, batches resolved and committed by kafkajs; the same fetch wait as the SDK's.
  const consumer = kafka.consumer({ groupId: group, maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      watch.first();
      watch.position(batch.partition, BigInt(batch.lastOffset()) + 1n);
    },
  });
  const span = await watch.finished;
  await consumer.disconnect();
  print({ mode, events: total, ...watch.report(span) });
} else if (mode === 'sdk') {
  let handled = 0;
  const noop = () => {
    if (handled++ === 0) watch.first();
  };
  const consumer = createConsumer({
    ...connectionFromConfig(config, brokers),
    groupId: group,
    source: 'log',
    handlers: { CONVERSATION_STARTED: noop, CONVERSATION_COMPLETED: noop, DOCUMENT_UPLOADED: noop },
    idempotency: createMemoryIdempotencyStore({ maxEntries: 1_000_000 }),
    signals: [],
    onPosition: (_topic, partition, next) => watch.position(partition, BigInt(next)),
  });
  await consumer.start();
  const span = await watch.finished;
  await consumer.stop();
  print({ mode, events: total, handled, ...watch.report(span) });
} else if (mode === 'rebuild') {
  const dir = mkdtempSync(join(tmpdir(), 'popp-bench-rebuild-'));
  try {
    const result = await rebuildTimeline({
      kafka: { brokers },
      topics: { prefix },
      dbPath: join(dir, 'timeline.sqlite'),
      baseGroup: group,
      signals: [],
    });
    const { eventsPerSec, seconds, cpuUsPerEvent } = result.rebuild;
    print({ mode, events: total, handled: result.stats.handled, timelines: result.size, eventsPerSec, seconds, cpuUsPerEvent });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  throw new Error(`unknown row ${mode}: raw, sdk or rebuild`);
}

function print(result: Record<string, unknown>): void {
  console.log(JSON.stringify(result));
}
