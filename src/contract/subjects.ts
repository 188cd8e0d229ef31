/**
 * Where each schema lives in a schema registry (docs/kafka-contract.md, Value):
 * TopicNameStrategy for the type topics (`<topic>-value`, one schema per
 * topic); TopicRecordNameStrategy-like `<topic>-<event type>` for the log
 * topic, which holds every type.
 */
export function subjectFor(topic: string, eventType: string, logTopic: string): string {
  return topic === logTopic ? `${topic}-${eventType}` : `${topic}-value`;
}

/** The registry's compatibility levels (Confluent's names, which Apicurio's ccompat API shares). */
export const COMPATIBILITY_LEVELS = [
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
  'NONE',
] as const;

export type Compatibility = (typeof COMPATIBILITY_LEVELS)[number];
