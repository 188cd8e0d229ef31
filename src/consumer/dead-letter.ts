import { DEAD_LETTER_HEADER } from '../contract/headers.js';
import type { ConsumerDeadLetterReason } from '../contract/reasons.js';
import type { OutgoingRecord } from '../contract/record.js';
import type { IncomingRecord } from './decode.js';

export interface DeadLetterFailure {
  reason: ConsumerDeadLetterReason;
  /** The error (name and message) or the decoding detail: never more than 500 characters. */
  detail: string;
  /** Handler tries made; 0 when the value could not be decoded. */
  attempts: number;
}

/**
 * The record as it was read (same key, value bytes and headers, so it can be
 * replayed into its topic as is), plus where it came from and why it failed.
 * The reason and detail headers are the bridge's own dead letters' too.
 */
export function deadLetterRecord(
  topic: string,
  groupId: string,
  record: IncomingRecord,
  failure: DeadLetterFailure,
  now: Date,
): OutgoingRecord {
  return {
    topic,
    key: record.key?.toString('utf8') ?? null,
    value: record.value ?? Buffer.alloc(0),
    headers: {
      ...record.headers,
      [DEAD_LETTER_HEADER.reason]: failure.reason,
      [DEAD_LETTER_HEADER.detail]: failure.detail.slice(0, 500),
      [DEAD_LETTER_HEADER.group]: groupId,
      [DEAD_LETTER_HEADER.sourceTopic]: record.topic,
      [DEAD_LETTER_HEADER.sourcePartition]: String(record.partition),
      [DEAD_LETTER_HEADER.sourceOffset]: record.offset,
      [DEAD_LETTER_HEADER.attempts]: String(failure.attempts),
      [DEAD_LETTER_HEADER.at]: now.toISOString(),
    },
  };
}

/** `TypeError: boom`, bounded; the service's own error text, so services keep personal data out of it. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 500);
  return String(error).slice(0, 500);
}
