/** Why a record went to a dead-letter topic (the `dead-letter-reason` header). */
export const REASON = {
  invalidJson: 'invalid-json',
  invalidEnvelope: 'invalid-envelope',
  schemaViolation: 'schema-violation',
  unknownEventType: 'unknown-event-type',
  rejectedByKafka: 'rejected-by-kafka',
  staleEvent: 'stale-event',
  /** The consumer SDK's own: a service's handler failed every try. */
  handlerFailed: 'handler-failed',
} as const;

/**
 * Why a signed delivery went to the bridge's dead-letter topic instead of its
 * own. Dead letters are answered 202: Popp need not retry them, they are kept
 * for audit and replay.
 */
export const DEAD_LETTER_REASONS = {
  [REASON.invalidJson]: 'the body is not JSON, or not UTF-8',
  [REASON.invalidEnvelope]: 'event, eventId, eventTimestamp or data.recordId/organizationId missing, of the wrong type or out of bounds',
  [REASON.schemaViolation]: "the body fails its event type's JSON Schema",
  [REASON.unknownEventType]: 'no schema for the event type',
  [REASON.rejectedByKafka]: 'Kafka refused the records for good (too large for the topic, an invalid record)',
  [REASON.staleEvent]: 'eventTimestamp older than the dedupe window or further ahead than the clock-skew allowance: a possible replay',
} as const;

export type DeadLetterReason = keyof typeof DEAD_LETTER_REASONS;

/** Why a value is not a valid event of the catalogue: every reason of the bridge but Kafka's refusal and the age window. */
export type InvalidValueReason = Exclude<DeadLetterReason, typeof REASON.rejectedByKafka | typeof REASON.staleEvent>;

/** The reasons of a consumer group's own dead letters. */
export type ConsumerDeadLetterReason = InvalidValueReason | typeof REASON.handlerFailed;

/**
 * Reasons whose dead letters no replay can ever publish: a replay sends the
 * same bytes again, and these bytes are themselves broken. Every other reason
 * of the catalogue can pass once what refused it changes (a schema added or
 * fixed, a topic's limit raised, a stale event replayed on purpose), so a
 * reason added to DEAD_LETTER_REASONS is replayable unless it is named here.
 */
export const NEVER_REPLAYABLE: ReadonlySet<string> = new Set<string>([REASON.invalidJson, REASON.invalidEnvelope]);

/** Whether a replay of a dead letter with this reason can publish it: a reason of the catalogue, not a broken body. */
export function isReplayable(reason: string | undefined): boolean {
  return reason !== undefined && Object.hasOwn(DEAD_LETTER_REASONS, reason) && !NEVER_REPLAYABLE.has(reason);
}

/** The catalogue's reasons, in its order: every list of reasons the console shows. */
export const deadLetterReasons = (): string[] => Object.keys(DEAD_LETTER_REASONS);
