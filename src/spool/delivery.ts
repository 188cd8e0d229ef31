import type { OutgoingRecord } from '../contract/record.js';
import { isBridgeError } from '../errors.js';
import type { Publisher } from '../kafka/publisher.js';
import type { Deliver } from '../webhook/route.js';
import { encodeEntry } from './entry.js';
import type { Journal } from './journal.js';

/** How the spool tells a new event that its backlog is about to be gone. */
export interface CatchUp {
  /** The drainer's last window went through: Kafka takes the spool's records now. */
  flowing(): boolean;
  /** Resolves once the spool is empty, or after `timeoutMs` (whichever is first). */
  whenEmpty(timeoutMs: number): Promise<void>;
}

/**
 * OUTAGE_POLICY=spool: an event goes to Kafka directly while the spool is
 * empty and Kafka is connected; when Kafka cannot take it (timeout, refused,
 * overloaded: any retriable failure) it is appended to the journal instead.
 * While the spool holds anything, every new event goes through it, behind
 * the ones already there: that keeps each recordId's events in the order
 * they were acknowledged. Once the drainer flows again, a new event first
 * waits up to `catchUpMs` for the backlog to be gone: appended at once, a
 * steady load kept the spool from ever being empty whenever a send to Kafka
 * took longer than an append (acks=all on three replicas), and the bridge
 * answered `spooled` for ever.
 */
export function createSpoolingDelivery(options: {
  publisher: Publisher;
  journal: Pick<Journal, 'append' | 'isEmpty'>;
  kafkaConnected: () => boolean;
  now?: () => number;
  catchUp?: CatchUp;
  catchUpMs?: number;
}): Deliver {
  const now = options.now ?? Date.now;
  return async (records: readonly OutgoingRecord[]) => {
    if (options.kafkaConnected() && !options.journal.isEmpty() && options.catchUp?.flowing()) {
      await options.catchUp.whenEmpty(options.catchUpMs ?? 1_000);
    }
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
