import { DEAD_LETTER_REASONS } from '../errors.js';
import { CE_SOURCE } from '../webhook/records.js';
import type { SchemaSet } from './schemas.js';
import { mapSharedRefs, unbundleSchema } from './shared-shapes.js';
import { topicForEventType } from './topics.js';

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
  required: ['event-type', 'event-id', 'event-timestamp', 'record-id', 'organization-id', 'received-at', 'content-type', 'x-signature'],
  properties: {
    'event-type': text('The event type, e.g. DOCUMENT_UPLOADED.'),
    'event-id': text('Unique per event: deduplicate on it (Popp may deliver an event more than once).'),
    'event-timestamp': text('When the event happened (ISO 8601), as Popp sent it.'),
    'record-id': text('data.recordId, also the record key.'),
    'organization-id': text('data.organizationId.'),
    'received-at': text('When the bridge received the webhook (ISO 8601).'),
    'content-type': text('application/json; application/vnd.confluent.json+wire with SCHEMA_REGISTRY_URL set.'),
    'x-signature': text("Popp's signature as received: HMAC-SHA256 of the JSON body, re-verifiable with the webhook secret."),
    traceparent: text('W3C trace context, when the webhook request had a valid one (anything else is dropped).'),
    tracestate: text('W3C tracestate, beside a valid traceparent, when the request had a valid one of at most 512 characters.'),
    'replayed-from': text('Set by replay-dead-letters: <dead-letter topic>/<partition>/<offset> of the dead letter it came from.'),
    ce_specversion: { const: '1.0' },
    ce_id: text('CloudEvents id: the eventId.'),
    ce_type: text('CloudEvents type: the event type.'),
    ce_source: { const: CE_SOURCE },
    ce_time: text('CloudEvents time: the eventTimestamp.'),
    ce_subject: text('CloudEvents subject: the recordId.'),
  },
};

const DEAD_LETTER_HEADERS = {
  type: 'object',
  required: ['dead-letter-reason', 'dead-letter-detail', 'received-at', 'content-type', 'x-signature'],
  properties: {
    'dead-letter-reason': { type: 'string', enum: Object.keys(DEAD_LETTER_REASONS) },
    'dead-letter-detail': text('Where validation failed, or which refusal of Kafka; never the offending value.'),
    'dead-letter-value': { const: 'omitted', description: 'Set when the dead-letter topic refused the record whole: the value is empty.' },
    'dead-letter-value-bytes': text('With dead-letter-value: the size of the body that was left out.'),
    'dead-letter-value-sha256': text('With dead-letter-value: the SHA-256 of that body (hex), to match it to the delivery.'),
    ...pick(EVENT_HEADERS.properties, ['event-type', 'event-id', 'event-timestamp', 'record-id', 'organization-id', 'received-at']),
    ...pick(EVENT_HEADERS.properties, ['content-type', 'x-signature', 'traceparent', 'tracestate']),
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
      correlationId: { location: '$message.header#/event-id' },
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
