import { HEADER } from '../contract/headers.js';
import type { StoredRecord } from '../contract/record.js';
import { BridgeError } from '../errors.js';
import type { ConsoleDeps } from './deps.js';
import { coordinates, text } from './filters.js';

/**
 * One record of the bridge's topics, read at its offset on an explicit
 * request, and the "payload viewed" audit line (its eventId, never the payload).
 */
export async function readPayload(deps: ConsoleDeps, body: Record<string, unknown>): Promise<StoredRecord> {
  const topic = text(body.topic);
  const where = coordinates(body);
  if (!topic || !where) throw new BridgeError('bad_request', { message: 'topic, partition and offset are required' });
  const { prefix, log, deadLetter } = deps.topics;
  // Only the bridge's own topics: the console is no general Kafka browser.
  if (topic !== log && topic !== deadLetter && !(prefix && topic.startsWith(prefix))) throw new BridgeError('not_found');
  const record = await deps.log.one(topic, where.partition, Number(where.offset));
  if (!record) throw new BridgeError('not_found', { message: 'no record at that offset' });
  const eventId = record.headers[HEADER.eventId];
  deps.audit.info(eventId ? { eventId } : { record: `${topic}/${where.partition}/${where.offset}` }, 'payload viewed');
  return record;
}
