import {
  CLOUDEVENTS as CE,
  CE_SOURCE,
  CE_SPEC_VERSION,
  DEAD_LETTER_HEADER as DL,
  HEADER as H,
  VALUE_OMITTED,
} from '../contract/headers.js';
import { DEAD_LETTER_REASONS } from '../contract/reasons.js';
import type { SchemaSet } from '../contract/schemas.js';
import { mapSharedRefs, unbundleSchema } from '../contract/shared-shapes.js';
import { topicForEventType } from '../contract/topics.js';
import { WIRE_CONTENT_TYPE } from '../contract/value.js';

export interface AsyncApiSettings {
  version: string;
  prefix: string;
  logTopic: string;
  deadLetterTopic: string;
  partitions: number;
  replicationFactor: number;
}

const SCHEMA_FORMAT = 'application/schema+json;version=draft-07';
const KAFKA_BINDING = '0.5.0';
const text = (description: string) => ({ type: 'string', description });

/** The headers of every published record (docs/kafka-contract.md, Headers). */
const EVENT_HEADERS = {
  type: 'object',
  required: [H.eventType, H.eventId, H.eventTimestamp, H.recordId, H.organizationId, H.receivedAt, H.contentType, H.signature],
  properties: {
    [H.eventType]: text('The event type, e.g. DOCUMENT_UPLOADED.'),
    [H.eventId]: text('Unique per event: deduplicate on it (Popp may deliver an event more than once).'),
    [H.eventTimestamp]: text('When the event happened (ISO 8601), as Popp sent it.'),
    [H.recordId]: text('data.recordId, also the record key.'),
    [H.organizationId]: text('data.organizationId.'),
    [H.receivedAt]: text('When the bridge received the webhook (ISO 8601).'),
    [H.contentType]: text(`application/json; ${WIRE_CONTENT_TYPE} with SCHEMA_REGISTRY_URL set.`),
    [H.signature]: text("Popp's signature as received: HMAC-SHA256 of the JSON body, re-verifiable with the webhook secret."),
    [H.traceparent]: text('W3C trace context, when the webhook request had a valid one (anything else is dropped).'),
    [H.tracestate]: text('W3C tracestate, beside a valid traceparent, when the request had a valid one of at most 512 characters.'),
    [H.replayedFrom]: text('Set by replay-dead-letters: <dead-letter topic>/<partition>/<offset> of the dead letter it came from.'),
    [CE.specversion]: { const: CE_SPEC_VERSION },
    [CE.id]: text('CloudEvents id: the eventId.'),
    [CE.type]: text('CloudEvents type: the event type.'),
    [CE.source]: { const: CE_SOURCE },
    [CE.time]: text('CloudEvents time: the eventTimestamp.'),
    [CE.subject]: text('CloudEvents subject: the recordId.'),
  },
};

const DEAD_LETTER_HEADERS = {
  type: 'object',
  required: [DL.reason, DL.detail, H.receivedAt, H.contentType, H.signature],
  properties: {
    [DL.reason]: { type: 'string', enum: Object.keys(DEAD_LETTER_REASONS) },
    [DL.detail]: text(
      'Where validation failed, which refusal of Kafka, or how far outside the replay window the eventTimestamp was; never the offending value.',
    ),
    [DL.value]: { const: VALUE_OMITTED, description: 'Set when the dead-letter topic refused the record whole: the value is empty.' },
    [DL.valueBytes]: text(`With ${DL.value}: the size of the body that was left out.`),
    [DL.valueSha256]: text(`With ${DL.value}: the SHA-256 of that body (hex), to match it to the delivery.`),
    ...pick(EVENT_HEADERS.properties, [H.eventType, H.eventId, H.eventTimestamp, H.recordId, H.organizationId, H.receivedAt]),
    ...pick(EVENT_HEADERS.properties, [H.contentType, H.signature, H.traceparent, H.tracestate]),
  },
};

/**
 * AsyncAPI 3.0 for what the bridge writes, from schemas/: one channel per
 * type topic, the log topic and the dead-letter topic, each message with its
 * JSON Schema, key and headers. The shared shapes are components of their
 * own, referenced from the payloads. Topic names use the default settings.
 */
export function asyncApiDocument(schemas: SchemaSet, settings: AsyncApiSettings): Record<string, unknown> {
  const types = [...schemas.events.keys()];
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const payloads: Record<string, unknown> = {};
  const ref = (path: string) => ({ $ref: `#/${path}` });
  const bindings = (topic: string) => ({
    kafka: {
      topic,
      partitions: settings.partitions,
      replicas: settings.replicationFactor,
      topicConfiguration: { 'retention.ms': -1, 'retention.bytes': -1 },
      bindingVersion: KAFKA_BINDING,
    },
  });
  const channel = (id: string, address: string, description: string, ids: string[]) => {
    channels[id] = {
      address,
      description,
      messages: Object.fromEntries(ids.map((message) => [message, ref(`components/messages/${message}`)])),
      bindings: bindings(address),
    };
    operations[`send${camel(id)}`] = {
      action: 'send',
      channel: ref(`channels/${id}`),
      messages: ids.map((message) => ref(`channels/${id}/messages/${message}`)),
    };
  };

  // The payloads' `$id`s go: in JSON Schema an `$id` would make the references to components resolve against it.
  const component = (name: string, node: Record<string, unknown>) => ({ ...node, $ref: `#/components/schemas/${name}` });
  const shapes: Record<string, unknown> = {};
  for (const [name, shape] of schemas.shared) {
    const { $schema: _schema, $id: _id, ...rest } = mapSharedRefs(shape, component);
    shapes[name] = rest;
  }
  for (const [type, schema] of schemas.events) {
    const { $id: _id, ...payload } = unbundleSchema(schema, component);
    payloads[type] = { schemaFormat: SCHEMA_FORMAT, schema: payload };
    messages[type] = {
      name: type,
      title: schema.title,
      summary: typeof schema.description === 'string' ? schema.description : undefined,
      contentType: 'application/json',
      headers: ref('components/schemas/EventHeaders'),
      payload: ref(`components/schemas/${type}`),
      correlationId: { location: `$message.header#/${H.eventId}` },
      bindings: {
        kafka: { key: text('data.recordId, UTF-8; partitioned with murmur2 like the Java client.'), bindingVersion: KAFKA_BINDING },
      },
    };
    channel(type, topicForEventType(settings.prefix, type), `Every published ${type} event, in order per recordId.`, [type]);
  }
  channel('events', settings.logTopic, 'The log: every published event of every type, keyed by recordId, in order per recordId.', types);
  messages.DeadLetter = {
    name: 'DeadLetter',
    title: 'A signed delivery that could not be published',
    contentType: 'application/json',
    headers: ref('components/schemas/DeadLetterHeaders'),
    payload: ref('components/schemas/DeadLetterBody'),
    bindings: { kafka: { key: text('data.recordId when it could be read; otherwise no key.'), bindingVersion: KAFKA_BINDING } },
  };
  channel('deadLetter', settings.deadLetterTopic, 'Signed deliveries that failed validation, kept whole for audit and replay.', [
    'DeadLetter',
  ]);

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'popp-bridge',
      version: settings.version,
      description: [
        'Signed Popp webhooks, published to Kafka. Values are the webhook body exactly as received;',
        'with SCHEMA_REGISTRY_URL set, in the Confluent wire format (byte 0, the 4-byte big-endian schema id, then the body),',
        'registered as JSON Schema under <topic>-value (the log topic: <topic>-<event type>).',
        'Generated from schemas/ by npm run generate for the default TOPIC_PREFIX; do not edit.',
      ].join(' '),
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: {
      schemas: {
        ...payloads,
        ...shapes,
        EventHeaders: EVENT_HEADERS,
        DeadLetterHeaders: DEAD_LETTER_HEADERS,
        DeadLetterBody: { description: 'The request body as received: possibly not JSON, or not a known event.' },
      },
      messages,
    },
  };
}

/** `DOCUMENT_UPLOADED` → `DocumentUploaded`, `deadLetter` → `DeadLetter`. */
function camel(id: string): string {
  const words = id.includes('_') ? id.toLowerCase().split('_') : [id];
  return words.map((word) => (word[0]?.toUpperCase() ?? '') + word.slice(1)).join('');
}

function pick(source: Record<string, unknown>, names: string[]): Record<string, unknown> {
  return Object.fromEntries(names.map((name) => [name, source[name]]));
}
