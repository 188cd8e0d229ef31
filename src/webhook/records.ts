import { createHash } from 'node:crypto';
import type { PoppEnvelope } from '../../generated/events.js';
import { CLOUDEVENTS as CE, CE_SOURCE, CE_SPEC_VERSION, DEAD_LETTER_HEADER, HEADER, VALUE_OMITTED } from '../contract/headers.js';
import type { DeadLetterReason } from '../contract/reasons.js';
import type { OutgoingRecord } from '../contract/record.js';
import { plainCodec, type ValueCodec } from '../registry/codec.js';
import { isHeaderSafe, printable } from './header-text.js';

/** What the request itself told us, kept on every record (docs/kafka-contract.md, Headers). */
export interface Delivery {
  body: Buffer;
  receivedAt: string;
  contentType: string;
  signature: string;
  /** Only a valid W3C traceparent, and a bounded tracestate beside it (see trace-context.ts). */
  traceparent: string | undefined;
  tracestate?: string | undefined;
}

/** The event on its type topic and, when configured, on the log topic: same key and headers, the value as the codec makes it. */
export function eventRecords(
  event: PoppEnvelope,
  delivery: Delivery,
  topics: { type: string; log: string },
  codec: ValueCodec = plainCodec,
): OutgoingRecord[] {
  const headers = eventHeaders(event, delivery);
  if (codec.contentType) headers[HEADER.contentType] = codec.contentType;
  const key = event.data.recordId;
  const records: OutgoingRecord[] = [
    { topic: topics.type, key, value: codec.encodeValue(topics.type, event.event, delivery.body), headers },
  ];
  if (topics.log) records.push({ topic: topics.log, key, value: codec.encodeValue(topics.log, event.event, delivery.body), headers });
  return records;
}

/** Signed but unpublishable: kept whole for audit and replay, with whatever of the event is known. */
export function deadLetterRecord(
  topic: string,
  delivery: Delivery,
  reason: DeadLetterReason,
  detail: string,
  parsed: unknown,
): OutgoingRecord {
  const known = partialEnvelope(parsed);
  const headers: Record<string, string> = { ...deliveryHeaders(delivery) };
  if (known.event !== undefined) headers[HEADER.eventType] = known.event;
  if (known.eventId !== undefined) headers[HEADER.eventId] = known.eventId;
  if (known.eventTimestamp !== undefined) headers[HEADER.eventTimestamp] = known.eventTimestamp;
  if (known.recordId !== undefined) headers[HEADER.recordId] = known.recordId;
  if (known.organizationId !== undefined) headers[HEADER.organizationId] = known.organizationId;
  headers[DEAD_LETTER_HEADER.reason] = reason;
  headers[DEAD_LETTER_HEADER.detail] = printable(detail.slice(0, 200));
  return { topic, key: known.recordId ?? null, value: delivery.body, headers };
}

/**
 * The same dead letter without its value, for a topic that refused it whole:
 * the headers say so, how many bytes the body had and their SHA-256, so the
 * delivery can still be matched to what Popp sent.
 */
export function withoutValue(record: OutgoingRecord): OutgoingRecord {
  const headers = {
    ...record.headers,
    [DEAD_LETTER_HEADER.value]: VALUE_OMITTED,
    [DEAD_LETTER_HEADER.valueBytes]: String(record.value.length),
    [DEAD_LETTER_HEADER.valueSha256]: createHash('sha256').update(record.value).digest('hex'),
  };
  return { ...record, value: Buffer.alloc(0), headers };
}

function eventHeaders(event: PoppEnvelope, delivery: Delivery): Record<string, string> {
  const { recordId, organizationId } = event.data;
  return {
    [HEADER.eventType]: event.event,
    [HEADER.eventId]: event.eventId,
    [HEADER.eventTimestamp]: event.eventTimestamp,
    [HEADER.recordId]: recordId,
    [HEADER.organizationId]: organizationId,
    ...deliveryHeaders(delivery),
    [CE.specversion]: CE_SPEC_VERSION,
    [CE.id]: event.eventId,
    [CE.type]: event.event,
    [CE.source]: CE_SOURCE,
    [CE.time]: event.eventTimestamp,
    [CE.subject]: recordId,
  };
}

function deliveryHeaders(delivery: Delivery): Record<string, string> {
  const headers: Record<string, string> = {
    [HEADER.receivedAt]: delivery.receivedAt,
    [HEADER.contentType]: delivery.contentType,
    [HEADER.signature]: delivery.signature,
  };
  if (delivery.traceparent) headers[HEADER.traceparent] = delivery.traceparent;
  if (delivery.tracestate) headers[HEADER.tracestate] = delivery.tracestate;
  return headers;
}

type KnownFields = { event?: string; eventId?: string; eventTimestamp?: string; recordId?: string; organizationId?: string };

/** The envelope fields that are present and pass the envelope's own bounds for ids; nothing else is trusted. */
function partialEnvelope(value: unknown): KnownFields {
  if (!isObject(value)) return {};
  const data = isObject(value.data) ? value.data : {};
  return {
    event: text(value.event),
    eventId: text(value.eventId),
    eventTimestamp: text(value.eventTimestamp),
    recordId: text(data.recordId),
    organizationId: text(data.organizationId),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && isHeaderSafe(value) ? value : undefined;
}
