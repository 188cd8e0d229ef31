import type { PoppEnvelope } from '../../generated/events.js';
import type { EventCatalogue } from '../events/catalogue.js';
import { parseJson } from '../webhook/parse.js';

/** A record as the SDK sees it, whatever the Kafka client. */
export interface IncomingRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export type DecodeFailure = 'invalid-json' | 'invalid-envelope' | 'schema-violation' | 'unknown-event-type';

export type Decoded =
  | { ok: true; event: PoppEnvelope; schemaId: number | undefined }
  /** `eventType` when the value said which type it claims to be. */
  | { ok: false; reason: DecodeFailure; detail: string; eventType: string | undefined; schemaId: number | undefined };

const WIRE_HEADER_BYTES = 5;

/**
 * The JSON body of a value, plain or in the Confluent wire format (byte 0,
 * then a 4-byte big-endian schema id). JSON never starts with a 0 byte, so
 * the first byte tells them apart without asking a registry.
 */
export function unwrapValue(value: Buffer): { body: Buffer; schemaId: number | undefined } {
  if (value.length >= WIRE_HEADER_BYTES && value[0] === 0) {
    return { body: value.subarray(WIRE_HEADER_BYTES), schemaId: value.readUInt32BE(1) };
  }
  return { body: value, schemaId: undefined };
}

/** Value bytes → a validated event, checked with the same compiled schemas as the bridge's. */
export function createDecoder(catalogue: Pick<EventCatalogue, 'check'>): (value: Buffer | null) => Decoded {
  return (value) => {
    const { body, schemaId } = unwrapValue(value ?? Buffer.alloc(0));
    const parsed = parseJson(body);
    if (!parsed.ok) return { ok: false, reason: 'invalid-json', detail: parsed.detail, eventType: undefined, schemaId };
    const verdict = catalogue.check(parsed.value);
    if (!verdict.ok) return { ok: false, reason: verdict.reason, detail: verdict.detail, eventType: claimedType(parsed.value), schemaId };
    return { ok: true, event: parsed.value as PoppEnvelope, schemaId };
  };
}

function claimedType(value: unknown): string | undefined {
  const event = (value as { event?: unknown } | null)?.event;
  return typeof event === 'string' ? event : undefined;
}
