import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { type Activity, createActivity } from './console/activity.js';
import { DEAD_LETTER_REASONS } from './contract/reasons.js';

export type WebhookOutcome =
  | 'published'
  | 'spooled'
  | 'duplicate'
  | 'dead-lettered'
  | 'invalid_signature'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'unavailable'
  | 'error';

export interface Metrics {
  registry: Registry;
  /** The same counts per event type and minute, for the console's overview. */
  activity: Activity;
  /** `eventType` when it was read (never for a request refused before its body was checked). */
  webhook(outcome: WebhookOutcome, eventType?: string): void;
  deadLetter(reason: string): void;
  batch(records: number, seconds: number, ok: boolean): void;
}

/** A registry of our own (not prom-client's global one), so tests and several apps in one process stay apart. */
export function createMetrics(options: { now?: () => number } = {}): Metrics {
  const registry = new Registry();
  const activity = createActivity(options.now);
  collectDefaultMetrics({ register: registry, prefix: 'popp_bridge_' });
  const webhooks = new Counter({
    name: 'popp_bridge_webhooks_total',
    help: 'Webhook requests by outcome',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const deadLetters = new Counter({
    name: 'popp_bridge_dead_letters_total',
    help: 'Events written to the dead-letter topic, by reason',
    labelNames: ['reason'],
    registers: [registry],
  });
  // Every reason from the start at 0, so a dashboard or alert on one (`stale-event`: a replay attempt?) sees it before its first.
  for (const reason of Object.keys(DEAD_LETTER_REASONS)) deadLetters.inc({ reason }, 0);
  const batches = new Histogram({
    name: 'popp_bridge_kafka_batch_seconds',
    help: 'Time for Kafka to acknowledge one batch (acks=all)',
    labelNames: ['ok'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const batchRecords = new Histogram({
    name: 'popp_bridge_kafka_batch_records',
    help: 'Records per batch sent to Kafka',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000],
    registers: [registry],
  });
  // Label children resolved once: no label lookups on the hot path.
  const outcomes = new Map<string, Counter.Internal>();
  return {
    registry,
    activity,
    webhook(outcome, eventType) {
      activity.webhook(outcome, eventType);
      let child = outcomes.get(outcome);
      if (!child) {
        child = webhooks.labels(outcome);
        outcomes.set(outcome, child);
      }
      child.inc();
    },
    deadLetter(reason) {
      deadLetters.labels(reason).inc();
    },
    batch(records, seconds, ok) {
      batches.labels(ok ? 'true' : 'false').observe(seconds);
      activity.batch(seconds, ok);
      batchRecords.observe(records);
    },
  };
}
