import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { installKafkajsEncoders } from '../src/kafka/kafkajs-encoders.js';
import { javaCompatiblePartitioner } from '../src/kafka/partitioner.js';
import { createTopicEnsurer } from '../src/kafka/topics.js';
import { startChild } from './children.js';
import { BENCH_SECRET, benchDedupeDir } from './setup.js';

const TOKEN = 'bench-console-token-0123456789';
const TYPES = ['CONVERSATION_STARTED', 'CONVERSATION_COMPLETED', 'DOCUMENT_UPLOADED'];

export interface ConsoleTiming {
  name: string;
  path: string;
  requests: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** Records the page examined, from its own count. */
  scanned: number;
}

export interface ConsoleBenchResult {
  events: number;
  fillSeconds: number;
  timings: ConsoleTiming[];
}

/**
 * The console's events page on a log topic of `events` records: the topic is
 * filled directly with large sendBatches (records shaped as the bridge writes
 * them: keyed by recordId with Java's partitioner, the same headers), then a
 * bridge is started on it and each page is asked `requests` times over HTTP.
 */
export async function consoleBench(options: {
  brokers: string[];
  prefix: string;
  events: number;
  port: number;
  requests?: number;
}): Promise<ConsoleBenchResult> {
  const topic = `${options.prefix}events`;
  const kafka = new Kafka({ clientId: 'bench-console', brokers: options.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await createTopicEnsurer(admin, { partitions: 6, replicationFactor: 1, maxMessageBytes: 1_114_112 }).ensure([topic]);
  await admin.disconnect();

  const started = Date.now();
  await installKafkajsEncoders();
  const producer = kafka.producer({ createPartitioner: javaCompatiblePartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  // 1,000 events a send, about 170 a partition: the size of the bridge's own largest batches (2,000
  // records, half of them for the log topic). Larger batches would make every page decode more.
  const batch = 1_000;
  const recordIds = 50_000;
  const now = Date.now();
  let sent = 0;
  const send = async (from: number) => {
    const messages = Array.from({ length: Math.min(batch, options.events - from) }, (_, i) => fakeEvent(from + i, recordIds, now));
    await producer.send({ topic, acks: 1, messages });
    sent += messages.length;
    if (sent % 100_000 === 0) process.stdout.write(` ${sent / 1000}k`);
  };
  for (let from = 0; from < options.events; from += batch * 4) {
    await Promise.all(
      [0, 1, 2, 3]
        .map((k) => from + k * batch)
        .filter((start) => start < options.events)
        .map(send),
    );
  }
  await producer.disconnect();
  const fillSeconds = Math.round((Date.now() - started) / 100) / 10;

  const bridge = await startChild(
    process.execPath,
    ['bin/popp-bridge.js', 'serve'],
    {
      KAFKA_BROKERS: options.brokers.join(','),
      PORT: '0',
      HOST: '127.0.0.1',
      ADMIN_PORT: String(options.port),
      TOPIC_PREFIX: options.prefix,
      POPP_WEBHOOK_SECRET: BENCH_SECRET,
      CONSOLE_TOKEN: TOKEN,
      LOG_LEVEL: 'warn',
      DEDUPE_DIR: benchDedupeDir(),
    },
    /listening on/,
  );
  try {
    const base = `http://127.0.0.1:${options.port}`;
    const first = (await get(`${base}/console/api/events`)) as { events: { recordId: string; eventId: string }[]; next: string };
    const sample = first.events[7] as { recordId: string; eventId: string };
    const hourAgo = new Date(now - 3_600_000).toISOString();
    const pages: [string, string][] = [
      ['events page (HTML), newest 50', '/console/events'],
      ['events API, newest 50', '/console/api/events'],
      ['events page, older page (cursor)', `/console/events?before=${encodeURIComponent(first.next)}`],
      ['events page, one type', '/console/events?type=DOCUMENT_UPLOADED'],
      ['events page, one recordId', `/console/events?recordId=${encodeURIComponent(sample.recordId)}`],
      [
        'events page, time range',
        `/console/events?from=${encodeURIComponent(hourAgo)}&to=${encodeURIComponent(new Date(now + 60_000).toISOString())}`,
      ],
      ['record story (log and dead letters)', `/console/records/${encodeURIComponent(sample.recordId)}`],
      ['dead letters page (list and groups)', '/console/dead-letters'],
      // One search box over both topics: each kind of query, found near the end of the log or not at all.
      ['search, eventId prefix in upper case', `/console/search?q=${encodeURIComponent(sample.eventId.slice(0, 13).toUpperCase())}`],
      ['search, recordId', `/console/search?q=${encodeURIComponent(sample.recordId)}`],
      ['search, file-name text', `/console/search?q=${encodeURIComponent(fileName(Math.max(0, options.events - 5_000)))}`],
      ['search, text found nowhere (whole budget)', '/console/search?q=no-such-file.pdf'],
    ];
    const timings: ConsoleTiming[] = [];
    for (const [name, path] of pages) timings.push(await time(name, base, path, options.requests ?? 30));
    return { events: options.events, fillSeconds, timings };
  } finally {
    await bridge.stop();
  }
}

function fakeEvent(index: number, recordIds: number, now: number) {
  const type = TYPES[index % TYPES.length] as string;
  const eventId = randomUUID();
  const recordId = `conv_${(index * 7919) % recordIds}`;
  // Timestamps spread over the last ~20 minutes, in order of writing.
  const timestamp = String(now - 1_200_000 + Math.floor(index / 1_000));
  const value = JSON.stringify({
    event: type,
    eventId,
    eventTimestamp: new Date(Number(timestamp)).toISOString(),
    data: { recordId, organizationId: `org_${index % 40}`, fileName: fileName(index) },
  });
  return {
    key: recordId,
    value,
    timestamp,
    headers: {
      'event-type': type,
      'event-id': eventId,
      'record-id': recordId,
      'organization-id': `org_${index % 40}`,
      'content-type': 'application/json',
      ce_specversion: '1.0',
      ce_id: eventId,
      ce_type: type,
    },
  };
}

/** A file name each event has to itself, so a search for one finds one. */
const fileName = (index: number) => `cv_${index}.pdf`;

async function get(url: string): Promise<unknown> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
  if (response.status !== 200) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  const type = response.headers.get('content-type') ?? '';
  return type.includes('json') ? response.json() : response.text();
}

async function time(name: string, base: string, path: string, requests: number): Promise<ConsoleTiming> {
  await get(`${base}${path}`); // warm: the reader's connection and metadata
  const times: number[] = [];
  let scanned = 0;
  for (let i = 0; i < requests; i++) {
    const started = performance.now();
    const body = await get(`${base}${path}`);
    times.push(performance.now() - started);
    const match = typeof body === 'string' ? /examined ([\d,]+) of/.exec(body) : undefined;
    if (match) scanned = Number(match[1]?.replace(/,/g, ''));
    else if (typeof body === 'object' && body) scanned = (body as { scanned: number }).scanned;
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => Math.round((times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0) * 10) / 10;
  return { name, path, requests, p50Ms: at(0.5), p95Ms: at(0.95), maxMs: at(1), scanned };
}
