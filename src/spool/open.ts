import { mkdir } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { ConfigError } from '../config.js';
import { DEAD_LETTER_HEADER, HEADER } from '../contract/headers.js';
import { REASON } from '../contract/reasons.js';
import type { OutgoingRecord } from '../contract/record.js';
import { unwrapValue, WIRE_CONTENT_TYPE } from '../contract/value.js';
import { lockDir } from '../disk/lock.js';
import type { Readiness } from '../kafka/health.js';
import type { Publisher } from '../kafka/publisher.js';
import { withoutValue } from '../webhook/records.js';
import type { Deliver } from '../webhook/route.js';
import { type CatchUp, createSpoolingDelivery } from './delivery.js';
import { createDrainer } from './drainer.js';
import { decodeEntry } from './entry.js';
import { createJournal } from './journal.js';
import { registerSpoolMetrics } from './metrics.js';
import { spoolReadiness } from './readiness.js';
import { recoverJournal } from './recovery.js';

export interface Spool {
  deliver: Deliver;
  /** Starts the drainer: call once Kafka is connected. */
  startDraining(): void;
  stopDraining(): Promise<void>;
  /** Kafka's readiness, turned into "spooling" (200) while the spool has room. */
  readiness(kafka: Readiness): Readiness;
  /** Flushes and closes the journal and frees the directory (what is not drained stays for the next start). */
  close(): Promise<void>;
}

export interface SpoolOptions {
  dir: string;
  maxBytes: number;
  maxBodyBytes: number;
  publisher: Publisher;
  /** Where a spooled event goes that Kafka refuses for good. */
  deadLetterTopic: string;
  kafkaConnected: () => boolean;
  /** Is Kafka answering? Asked before the drainer sends a failed window again. */
  reachable: () => Promise<boolean>;
  /** Marks a spooled eventId as accepted again after a restart, so a redelivery is a duplicate. */
  remember?: (eventIds: string[]) => Promise<void>;
  registry: Registry;
  logger: Logger;
}

/**
 * Opens SPOOL_DIR before the bridge serves: takes its lock (one bridge per
 * directory), reads the journal back (cutting a torn tail), re-remembers the
 * spooled eventIds, and wires the journal, the drainer, metrics and readiness.
 */
export async function openSpool(options: SpoolOptions): Promise<Spool> {
  const { dir, logger } = options;
  let unlock: () => Promise<void>;
  try {
    await mkdir(dir, { recursive: true });
    unlock = await lockDir(dir, 'SPOOL_DIR');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`SPOOL_DIR: cannot write ${dir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }

  const eventIds: string[] = [];
  const recovery = await recoverJournal(dir, (payload) => {
    const headers = decodeEntry(payload).records[0]?.headers;
    // Dead letters are never deduplicated.
    const eventId = headers?.[HEADER.eventId];
    if (eventId && !headers?.[DEAD_LETTER_HEADER.reason]) eventIds.push(eventId);
  });
  for (const cut of recovery.cut) {
    logger.warn({ segment: cut.segment, bytes: cut.bytes, reason: cut.reason }, 'spool: cut a torn or corrupt tail (never acknowledged)');
  }
  if (recovery.entries > 0) {
    logger.info(
      { events: recovery.entries, records: recovery.records, segments: recovery.segments.length },
      'spool: recovered entries to drain',
    );
  }
  if (options.remember && eventIds.length > 0) await options.remember(eventIds);

  const journal = createJournal({
    dir,
    maxBytes: options.maxBytes,
    // Small enough that drained space is given back soon, large enough that files stay few.
    segmentBytes: Math.min(8 * 1024 * 1024, Math.max(64 * 1024, Math.floor(options.maxBytes / 16))),
    recovery,
    onError: (error, what) => logger.error({ error: error.message }, what),
    onCommit: (entries, seconds) => metrics.committed(entries, seconds),
  });
  const metrics = registerSpoolMetrics(options.registry, journal);
  let flowing = false;
  const emptied = new Set<() => void>();
  const catchUp: CatchUp = {
    flowing: () => flowing,
    whenEmpty: (timeoutMs) =>
      new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          emptied.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, timeoutMs);
        emptied.add(wake);
      }),
  };
  const deliverDirectOrSpool = createSpoolingDelivery({
    publisher: options.publisher,
    journal,
    kafkaConnected: options.kafkaConnected,
    catchUp,
  });
  let spooling = recovery.entries > 0;
  const drainer = createDrainer({
    journal,
    publish: (records) => options.publisher.publish(records),
    reachable: options.reachable,
    onDrained: (records) => {
      metrics.drained(records);
      flowing = true;
      if (journal.isEmpty()) {
        // In arrival order: each waiting event then publishes before any later one with its key.
        for (const wake of [...emptied]) wake();
      }
      if (spooling && journal.isEmpty()) {
        spooling = false;
        logger.info('spool drained: publishing to Kafka directly again');
      }
    },
    deadLetter: (records, error, attempt) => {
      const record = refusedRecord(records, options.deadLetterTopic, error.message);
      return [attempt === 0 ? record : withoutValue(record)];
    },
    onDropped: (error) => logger.error({ error: error.message }, 'spool: Kafka refused a spooled event and its dead letter; dropped'),
    onStalled: (error) => {
      flowing = false;
      logger.warn({ error: error.message }, 'spool: Kafka did not take spooled records; retrying when it answers');
    },
    onResumed: (failures) => logger.info({ failures }, 'spool: Kafka takes spooled records again'),
  });

  return {
    async deliver(records) {
      const outcome = await deliverDirectOrSpool(records);
      if (outcome === 'spooled') {
        metrics.spooled(records.length);
        if (!spooling) logger.warn('spool: Kafka cannot take events; spooling them to disk');
        spooling = true;
      }
      return outcome;
    },
    startDraining: () => drainer.start(),
    stopDraining: () => drainer.stop(),
    readiness: (kafka) =>
      spoolReadiness(kafka, journal, options.kafkaConnected, Math.min(2 * options.maxBodyBytes + 65_536, Math.ceil(options.maxBytes / 20))),
    async close() {
      await drainer.stop();
      await journal.close();
      await unlock();
    },
  };
}

/** The dead letter of a spooled event Kafka refused for good, as the route makes one: the body as received, plain. */
function refusedRecord(records: OutgoingRecord[], topic: string, detail: string): OutgoingRecord {
  const first = records[0] as OutgoingRecord;
  const wire = first.headers[HEADER.contentType] === WIRE_CONTENT_TYPE;
  const headers: Record<string, string> = {
    ...first.headers,
    [DEAD_LETTER_HEADER.reason]: REASON.rejectedByKafka,
    [DEAD_LETTER_HEADER.detail]: detail.slice(0, 200),
  };
  if (wire) headers[HEADER.contentType] = 'application/json';
  return { topic, key: first.key, value: wire ? unwrapValue(first.value).body : first.value, headers };
}
