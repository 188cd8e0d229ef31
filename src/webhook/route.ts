import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PoppEnvelope } from '../../generated/events.js';
import type { EventCatalogue } from '../contract/catalogue.js';
import { HEADER } from '../contract/headers.js';
import { type DeadLetterReason, REASON } from '../contract/reasons.js';
import type { OutgoingRecord } from '../contract/record.js';
import { parseJson } from '../contract/value.js';
import type { Dedupe, DedupeOutcome } from '../dedupe/dedupe.js';
import { BridgeError, KafkaRefusedError } from '../errors.js';
import type { Publisher } from '../kafka/publisher.js';
import type { Metrics } from '../metrics.js';
import type { ValueCodec } from '../registry/codec.js';
import { NO_TRACE, type Telemetry } from '../telemetry/telemetry.js';
import type { EventAgeCheck } from './event-age.js';
import { type Delivery, deadLetterRecord, eventRecords, withoutValue } from './records.js';
import { traceContext } from './trace-context.js';

export interface WebhookDeps {
  verify: (body: Buffer, signature: string | undefined) => boolean;
  catalogue: EventCatalogue;
  /** Is the eventTimestamp inside the replay window? Outside it, the delivery is dead-lettered `stale-event`. */
  checkAge: EventAgeCheck;
  dedupe: Dedupe;
  publisher: Publisher;
  /** Creates the topic of an unknown type before it is published to (UNKNOWN_EVENT_POLICY=publish). */
  ensureTopics: (topics: string[]) => Promise<void>;
  metrics: Metrics;
  topics: { log: string; deadLetter: string };
  /** Makes each record's value from the body: plain, or the registry's wire format. Default plain. */
  codec?: ValueCodec;
  unknownEventPolicy: 'dead-letter' | 'publish';
  now: () => Date;
  /** Where records go: the publisher by default; with OUTAGE_POLICY=spool, the local spool when Kafka cannot take them. */
  deliver?: Deliver;
  /** Spans of each request's steps and records (docs/guides/observability.md); none when absent. */
  telemetry?: Telemetry;
}

/** Resolves once the records are in Kafka (`published`) or durably in the local spool (`spooled`). */
export type Deliver = (records: readonly OutgoingRecord[]) => Promise<'published' | 'spooled'>;

export const WEBHOOK_PATH = '/webhooks/popp';

/** The pipeline of docs/pipeline.md, top to bottom: verify, parse, validate, age, dedupe, publish. */
export function registerWebhookRoute(app: FastifyInstance, deps: WebhookDeps): void {
  const deliver: Deliver =
    deps.deliver ??
    (async (records) => {
      await deps.publisher.publish(records);
      return 'published';
    });

  app.post(WEBHOOK_PATH, async (request, reply) => {
    const delivery = readDelivery(request, deps.now());
    const trace = deps.telemetry?.trace(request) ?? NO_TRACE;
    if (!trace.step('verify', () => deps.verify(delivery.body, delivery.signature))) throw new BridgeError('invalid_signature');

    const parsed = parseJson(delivery.body);
    if (!parsed.ok) return deadLetter(reply, delivery, REASON.invalidJson, parsed.detail, undefined);

    const verdict = trace.step('validate', () => deps.catalogue.check(parsed.value));
    const publishUnknown = !verdict.ok && verdict.reason === REASON.unknownEventType && deps.unknownEventPolicy === 'publish';
    if (!verdict.ok && !publishUnknown) return deadLetter(reply, delivery, verdict.reason, verdict.detail, parsed.value);

    const event = parsed.value as PoppEnvelope;
    const age = trace.step('age', () => deps.checkAge(event.eventTimestamp));
    if (!age.ok) return deadLetter(reply, delivery, REASON.staleEvent, age.detail, event);

    const topic = deps.catalogue.topicFor(event.event);
    if (publishUnknown) await deps.ensureTopics([topic]);
    // Records are built only when this delivery is the one that publishes: a duplicate costs no encoding.
    let delivered = 'published' as 'published' | 'spooled';
    const publish = async () => {
      delivered = await trace.deliver(eventRecords(event, delivery, { type: topic, log: deps.topics.log }, deps.codec), deliver);
    };
    let outcome: DedupeOutcome;
    try {
      // A spooled eventId counts as accepted: a redelivery is a duplicate.
      outcome = await trace.step('dedupe', () => deps.dedupe.once(event.eventId, publish));
    } catch (error) {
      // Kafka refused the records for good (too large for the topic, say): a 503 would have Popp retry for ever.
      if (error instanceof KafkaRefusedError) return deadLetter(reply, delivery, REASON.rejectedByKafka, error.message, event);
      throw error;
    }
    const status = outcome === 'published' ? delivered : outcome;

    deps.metrics.webhook(status, event.event);
    trace.outcome(status, { type: event.event, id: event.eventId });
    request.log.debug({ eventId: event.eventId, eventType: event.event, status }, 'webhook');
    return reply.code(status === 'spooled' ? 202 : 200).send({ status, eventId: event.eventId });
  });

  async function deadLetter(
    reply: FastifyReply,
    delivery: Delivery,
    reason: DeadLetterReason,
    detail: string,
    parsed: unknown,
  ): Promise<FastifyReply> {
    const record = deadLetterRecord(deps.topics.deadLetter, delivery, reason, detail, parsed);
    const trace = deps.telemetry?.trace(reply.request) ?? NO_TRACE;
    try {
      await trace.deliver([record], deliver, reason);
    } catch (error) {
      if (!(error instanceof KafkaRefusedError)) throw error;
      // The dead-letter topic refused it too (too large for it): keep the delivery's headers and the body's size and hash.
      await trace.deliver([withoutValue(record)], deliver, reason);
    }
    deps.metrics.webhook('dead-lettered', record.headers[HEADER.eventType]);
    deps.metrics.deadLetter(reason);
    trace.outcome('dead-lettered', { type: record.headers[HEADER.eventType], id: record.headers[HEADER.eventId] });
    reply.log.warn({ reason, detail, eventId: record.headers[HEADER.eventId] }, 'webhook dead-lettered');
    return reply.code(202).send({ status: 'dead-lettered', reason });
  }
}

function readDelivery(request: FastifyRequest, now: Date): Delivery {
  const contentType = firstHeader(request, HEADER.contentType);
  // Without a body Fastify runs no content-type parser, so check the type here too.
  if (!Buffer.isBuffer(request.body) && !contentType?.toLowerCase().startsWith('application/json')) {
    throw new BridgeError('unsupported_media_type');
  }
  const trace = traceContext(firstHeader(request, HEADER.traceparent), firstHeader(request, HEADER.tracestate));
  return {
    body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
    receivedAt: now.toISOString(),
    // Headers are not signed: only what is bounded and printable is copied onto the records.
    contentType: contentType && PRINTABLE_HEADER.test(contentType) ? contentType : 'application/json',
    // Surrounding whitespace is not part of the signature (and would be an unbounded header).
    signature: (firstHeader(request, HEADER.signature) ?? '').trim(),
    traceparent: trace.traceparent,
    tracestate: trace.tracestate,
  };
}

const PRINTABLE_HEADER = /^[\x20-\x7e]{1,256}$/;

function firstHeader(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
