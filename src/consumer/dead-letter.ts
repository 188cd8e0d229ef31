import type { OutgoingRecord } from '../kafka/publisher.js';
import type { DecodeFailure, IncomingRecord } from './decode.js';

export type ConsumerDeadLetterReason = DecodeFailure | 'handler-failed';

const GROUP_ID = /^[a-zA-Z0-9._-]{1,200}$/;

/** A group's own dead-letter topic, `<prefix>dead-letter.<groupId>`; the group id must be usable in a topic name. */
export function deadLetterTopicFor(prefix: string, groupId: string): string {
  if (!GROUP_ID.test(groupId)) {
    throw new Error(`consumer group id "${groupId}" may hold only letters, digits, ".", "_" and "-" (it names the dead-letter topic)`);
  }
  return `${prefix}dead-letter.${groupId}`;
}

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
 * The `dead-letter-reason`/`-detail` names match the bridge's own dead letters.
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
      'dead-letter-reason': failure.reason,
      'dead-letter-detail': failure.detail.slice(0, 500),
      'dead-letter-group': groupId,
      'dead-letter-source-topic': record.topic,
      'dead-letter-source-partition': String(record.partition),
      'dead-letter-source-offset': record.offset,
      'dead-letter-attempts': String(failure.attempts),
      'dead-letter-at': now.toISOString(),
    },
  };
}

/** `TypeError: boom`, bounded; the service's own error text, so services keep personal data out of it. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 500);
  return String(error).slice(0, 500);
}
