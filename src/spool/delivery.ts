import type { OutgoingRecord } from '../contract/record.js';
import { isBridgeError } from '../errors.js';
import type { Publisher } from '../kafka/publisher.js';
import type { Deliver } from '../webhook/route.js';
import { encodeEntry } from './entry.js';
import type { Journal } from './journal.js';

/**
 * OUTAGE_POLICY=spool: an event goes to Kafka directly while the spool is
 * empty and Kafka is connected; when Kafka cannot take it (timeout, refused,
 * overloaded: any retriable failure) it is appended to the journal instead.
 * While the spool holds anything, every new event goes through it, behind
 * the ones already there: that keeps each recordId's events in the order
 * they were acknowledged.
 */
export function createSpoolingDelivery(options: {
  publisher: Publisher;
  journal: Pick<Journal, 'append' | 'isEmpty'>;
  kafkaConnected: () => boolean;
  now?: () => number;
}): Deliver {
  const now = options.now ?? Date.now;
  return async (records: readonly OutgoingRecord[]) => {
    if (options.kafkaConnected() && options.journal.isEmpty()) {
      try {
        await options.publisher.publish(records);
        return 'published';
      } catch (error) {
        if (!isBridgeError(error) || !error.retriable) throw error;
      }
    }
    await options.journal.append(encodeEntry(records, now()), records.length);
    return 'spooled';
  };
}
