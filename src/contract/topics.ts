/** The topics every writer and reader agrees on (docs/kafka-contract.md, Topics). */

/** `DOCUMENT_UPLOADED` with prefix `popp.` → `popp.document.uploaded`. */
export function topicForEventType(prefix: string, eventType: string): string {
  return prefix + eventType.toLowerCase().replaceAll('_', '.');
}

/** The log topic's name unless EVENT_LOG_TOPIC says otherwise: every published event of every type. */
export function defaultLogTopic(prefix: string): string {
  return `${prefix}events`;
}

/** The bridge's dead-letter topic unless DEAD_LETTER_TOPIC says otherwise. */
export function defaultDeadLetterTopic(prefix: string): string {
  return `${prefix}dead-letter`;
}

/** What every consumer group's own dead-letter topic begins with. */
export function groupDeadLetterPrefix(prefix: string): string {
  return `${defaultDeadLetterTopic(prefix)}.`;
}

const GROUP_ID = /^[a-zA-Z0-9._-]{1,200}$/;

/** A group's own dead-letter topic, `<prefix>dead-letter.<groupId>`; the group id must be usable in a topic name. */
export function deadLetterTopicFor(prefix: string, groupId: string): string {
  if (!GROUP_ID.test(groupId)) {
    throw new Error(`consumer group id "${groupId}" may hold only letters, digits, ".", "_" and "-" (it names the dead-letter topic)`);
  }
  return groupDeadLetterPrefix(prefix) + groupId;
}

/** The largest body the bridge accepts unless MAX_BODY_BYTES says otherwise. */
export const DEFAULT_MAX_BODY_BYTES = 1_048_576;

/** Room for a record's key and headers beside the largest accepted body (ids are bounded so that they fit). */
const HEADER_ROOM_BYTES = 65_536;

/** `max.message.bytes` for topics that must take any body up to `maxBodyBytes`. */
export function maxMessageBytesFor(maxBodyBytes: number): number {
  return maxBodyBytes + HEADER_ROOM_BYTES;
}
