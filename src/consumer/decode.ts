import type { PoppEnvelope } from '../../generated/events.js';
import type { EventCatalogue } from '../contract/catalogue.js';
import { type InvalidValueReason, REASON } from '../contract/reasons.js';
import { parseJson, unwrapValue } from '../contract/value.js';

/** A record as the SDK sees it, whatever the Kafka client. */
export interface IncomingRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export type Decoded =
  | { ok: true; event: PoppEnvelope; schemaId: number | undefined }
  /** `eventType` when the value said which type it claims to be. */
  | { ok: false; reason: InvalidValueReason; detail: string; eventType: string | undefined; schemaId: number | undefined };

/** Value bytes → a validated event, checked with the same compiled schemas as the bridge's. */
export function createDecoder(catalogue: Pick<EventCatalogue, 'check'>): (value: Buffer | null) => Decoded {
  return (value) => {
    const { body, schemaId } = unwrapValue(value ?? Buffer.alloc(0));
    const parsed = parseJson(body);
    if (!parsed.ok) return { ok: false, reason: REASON.invalidJson, detail: parsed.detail, eventType: undefined, schemaId };
    const verdict = catalogue.check(parsed.value);
    if (!verdict.ok) return { ok: false, reason: verdict.reason, detail: verdict.detail, eventType: claimedType(parsed.value), schemaId };
    return { ok: true, event: parsed.value as PoppEnvelope, schemaId };
  };
}

function claimedType(value: unknown): string | undefined {
  const event = (value as { event?: unknown } | null)?.event;
  return typeof event === 'string' ? event : undefined;
}
