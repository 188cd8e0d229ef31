/**
 * Kafka's answers to a produce request that refuse the records themselves:
 * sending the same records again, now or later, meets the same answer, while
 * other records go through. Everything else (a broker down, no leader, a
 * timeout, not enough replicas, a refused credential, a topic setting that
 * refuses every record) is a state of the cluster that can change, and stays
 * a retriable 503.
 *
 * - MESSAGE_TOO_LARGE (10): a record batch over the topic's `max.message.bytes`.
 * - RECORD_LIST_TOO_LARGE (18): a batch larger than the log segment.
 * - INVALID_RECORD (87): the broker's own validation refused a record (e.g. a
 *   record without key on a compacted topic, a broker-side schema check).
 * - CORRUPT_MESSAGE (2): the record failed the broker's CRC or format check.
 *   kafkajs retries it as network noise first; still refused after those
 *   retries, it is the record's bytes.
 *
 * Left out on purpose: INVALID_TIMESTAMP (the bridge's clock, not the event),
 * UNSUPPORTED_FOR_MESSAGE_FORMAT and UNSUPPORTED_COMPRESSION_TYPE (a topic
 * or broker setting that refuses every record alike).
 */
export const PERMANENT_REFUSALS: ReadonlySet<string> = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
]);

/** The name of Kafka's permanent refusal behind `error`, or undefined for anything that may pass on a retry. */
export function permanentRefusal(error: unknown): string | undefined {
  // kafkajs wraps the broker's protocol error once or twice (retries exhausted, non-retriable).
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const { type, cause, originalError } = current as { type?: unknown; cause?: unknown; originalError?: unknown };
    if (typeof type === 'string' && PERMANENT_REFUSALS.has(type)) return type;
    const next = cause ?? originalError;
    if (next === current) break;
    current = next;
  }
  return undefined;
}
