import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PoppEnvelope } from '../../generated/events.js';
import { BridgeError } from '../errors.js';
import type { EventCatalogue } from '../events/catalogue.js';
import type { Publisher } from '../kafka/publisher.js';
import type { ValueCodec } from '../kafka/registry-codec.js';
import type { Metrics } from '../metrics.js';
import type { Dedupe } from './dedupe.js';
import { parseJson } from './parse.js';
import { type DeadLetterReason, type Delivery, deadLetterRecord, eventRecords } from './records.js';

export interface WebhookDeps {
  verify: (body: Buffer, signature: string | undefined) => boolean;
  catalogue: EventCatalogue;
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
}

export const WEBHOOK_PATH = '/webhooks/popp';

/** The pipeline of docs/pipeline.md, top to bottom: verify, parse, validate, dedupe, publish. */
export function registerWebhookRoute(app: FastifyInstance, deps: WebhookDeps): void {
  app.post(WEBHOOK_PATH, async (request, reply) => {
    const delivery = readDelivery(request, deps.now());
    if (!deps.verify(delivery.body, delivery.signature)) throw new BridgeError('invalid_signature');

    const parsed = parseJson(delivery.body);
    if (!parsed.ok) return deadLetter(reply, delivery, 'invalid-json', parsed.detail, undefined);

    const verdict = deps.catalogue.check(parsed.value);
    const publishUnknown = !verdict.ok && verdict.reason === 'unknown-event-type' && deps.unknownEventPolicy === 'publish';
    if (!verdict.ok && !publishUnknown) return deadLetter(reply, delivery, verdict.reason, verdict.detail, parsed.value);

    const event = parsed.value as PoppEnvelope;
    const topic = deps.catalogue.topicFor(event.event);
    if (publishUnknown) await deps.ensureTopics([topic]);
    // Records are built only when this delivery is the one that publishes: a duplicate costs no encoding.
    const publish = () => deps.publisher.publish(eventRecords(event, delivery, { type: topic, log: deps.topics.log }, deps.codec));
    const status = await deps.dedupe.once(event.eventId, publish);

    deps.metrics.webhook(status, event.event);
    request.log.debug({ eventId: event.eventId, eventType: event.event, status }, 'webhook');
    return reply.code(200).send({ status, eventId: event.eventId });
  });

  async function deadLetter(
    reply: FastifyReply,
    delivery: Delivery,
    reason: DeadLetterReason,
    detail: string,
    parsed: unknown,
  ): Promise<FastifyReply> {
    const record = deadLetterRecord(deps.topics.deadLetter, delivery, reason, detail, parsed);
    await deps.publisher.publish([record]);
    deps.metrics.webhook('dead-lettered', record.headers['event-type']);
    deps.metrics.deadLetter(reason);
    reply.log.warn({ reason, detail, eventId: record.headers['event-id'] }, 'webhook dead-lettered');
    return reply.code(202).send({ status: 'dead-lettered', reason });
  }
}

function readDelivery(request: FastifyRequest, now: Date): Delivery {
  const contentType = firstHeader(request, 'content-type');
  // Without a body Fastify runs no content-type parser, so check the type here too.
  if (!Buffer.isBuffer(request.body) && !contentType?.toLowerCase().startsWith('application/json')) {
    throw new BridgeError('unsupported_media_type');
  }
  return {
    body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
    receivedAt: now.toISOString(),
    contentType: contentType ?? 'application/json',
    signature: firstHeader(request, 'x-signature') ?? '',
    traceparent: firstHeader(request, 'traceparent'),
  };
}

function firstHeader(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
