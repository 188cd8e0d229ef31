/**
 * The header names of the records the bridge writes, all UTF-8 strings
 * (docs/kafka-contract.md, Headers). The delivery headers carry the webhook
 * request's header of the same name.
 */
export const HEADER = {
  eventType: 'event-type',
  eventId: 'event-id',
  eventTimestamp: 'event-timestamp',
  recordId: 'record-id',
  organizationId: 'organization-id',
  receivedAt: 'received-at',
  contentType: 'content-type',
  signature: 'x-signature',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  /** On records written by a replay: `<dead-letter topic>/<partition>/<offset>` of the dead letter. */
  replayedFrom: 'replayed-from',
} as const;

/** CloudEvents in binary mode: one header per attribute. */
export const CLOUDEVENTS = {
  specversion: 'ce_specversion',
  id: 'ce_id',
  type: 'ce_type',
  source: 'ce_source',
  time: 'ce_time',
  subject: 'ce_subject',
} as const;

export const CE_SPEC_VERSION = '1.0';
export const CE_SOURCE = 'urn:popp:webhook';

/** What a dead letter adds to the headers it keeps: the bridge's, and the consumer SDK's own. */
export const DEAD_LETTER_HEADER = {
  reason: 'dead-letter-reason',
  /** Where validation failed, or Kafka's refusal; never the offending value. */
  detail: 'dead-letter-detail',
  /** `omitted` when the dead-letter topic refused the record whole and it was written again without its value. */
  value: 'dead-letter-value',
  valueBytes: 'dead-letter-value-bytes',
  valueSha256: 'dead-letter-value-sha256',
  group: 'dead-letter-group',
  sourceTopic: 'dead-letter-source-topic',
  sourcePartition: 'dead-letter-source-partition',
  sourceOffset: 'dead-letter-source-offset',
  attempts: 'dead-letter-attempts',
  at: 'dead-letter-at',
} as const;

export const VALUE_OMITTED = 'omitted';
