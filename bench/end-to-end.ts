import { Agent, request } from 'node:http';
import { Kafka, logLevel } from 'kafkajs';
import { signBody } from '../src/webhook/verify.js';
import { benchEvent } from './bodies.js';

export interface EndToEndResult {
  ratePerSec: number;
  p50Ms: number;
  p99Ms: number;
  sent: number;
  received: number;
}

/**
 * Webhook-to-consumer latency: signed events sent at a fixed rate, timed from
 * the moment each request is written to the moment a consumer in its own group
 * receives it from the log topic. Sender and consumer share this process's clock.
 */
export async function endToEnd(options: {
  url: string;
  brokers: string[];
  topic: string;
  secret: string;
  ratePerSec: number;
  seconds: number;
}): Promise<EndToEndResult> {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const consumer = new Kafka({ clientId: 'bench-e2e', brokers: options.brokers, logLevel: logLevel.NOTHING }).consumer({
    groupId: `bench-e2e-${Date.now()}`,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: options.topic, fromBeginning: false });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    // A throwaway group: committing after every batch would add a round trip to each fetch and measure the commit, not the pipeline.
    autoCommit: false,
    eachMessage: async ({ message }) => {
      const id = message.headers?.['event-id']?.toString();
      const started = id ? sentAt.get(id) : undefined;
      if (started !== undefined) latencies.push(performance.now() - started);
    },
  });
  await joined;
  // Let the new group resolve its starting offsets before the first event.
  await new Promise((resolve) => setTimeout(resolve, 2_000));

  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const total = options.ratePerSec * options.seconds;
  const perTick = options.ratePerSec / 100;
  let sent = 0;
  const inFlight: Promise<void>[] = [];
  await new Promise<void>((resolve) => {
    const started = performance.now();
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 10) * perTick));
      while (sent < due) {
        const body = JSON.stringify(benchEvent(sent, 500));
        const id = (JSON.parse(body) as { eventId: string }).eventId;
        sentAt.set(id, performance.now());
        inFlight.push(post(options.url, body, signBody(body, options.secret), agent));
        sent++;
      }
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
  await Promise.allSettled(inFlight);
  const deadline = performance.now() + 10_000;
  while (latencies.length < sent && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  await consumer.disconnect();
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    ratePerSec: options.ratePerSec,
    p50Ms: round(percentile(latencies, 0.5)),
    p99Ms: round(percentile(latencies, 0.99)),
    sent,
    received: latencies.length,
  };
}

function post(url: string, body: string, signature: string, agent: Agent): Promise<void> {
  return new Promise((resolve) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'x-signature': signature } },
      (res) => {
        res.resume();
        res.on('end', () => resolve());
      },
    );
    req.on('error', () => resolve());
    req.end(body);
  });
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
