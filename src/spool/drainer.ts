import type { OutgoingRecord } from '../contract/record.js';
import { KafkaRefusedError } from '../errors.js';
import type { Journal, Window } from './journal.js';

export interface Drainer {
  /** Begins sending (once Kafka is connected); does nothing when already running. */
  start(): void;
  /** Lets the window in flight finish (acknowledged or not), then stops. */
  stop(): Promise<void>;
}

export interface DrainerOptions {
  journal: Pick<Journal, 'read' | 'acknowledge' | 'whenAppended'>;
  /** The batching publisher's publish: resolves once Kafka acknowledged every record. */
  publish: (records: OutgoingRecord[]) => Promise<void>;
  /** Asked before a failed window is sent again, so retries do not pile up in a broker that does not answer. */
  reachable: () => Promise<boolean>;
  /** One window is one send: under the publisher's batch bounds. */
  maxEntries?: number;
  maxBytes?: number;
  retryInitialMs?: number;
  retryMaxMs?: number;
  onDrained?: (records: number) => void;
  /**
   * What to send instead of an entry Kafka refused for good (too large for its topic, say): its dead
   * letter on the first refusal, a smaller one on the next. Without it, or past that, the entry is dropped.
   */
  deadLetter?: (records: OutgoingRecord[], error: KafkaRefusedError, attempt: number) => OutgoingRecord[];
  onDropped?: (error: KafkaRefusedError) => void;
  /** The first failure of a window, and the window that went through after failures. */
  onStalled?: (error: Error) => void;
  onResumed?: (failures: number) => void;
}

/**
 * Sends the spool to Kafka in journal order, one window at a time: a window
 * is acknowledged (and the journal's cursor moved past it) only once Kafka
 * acknowledged all its records, and the next window is read only then. A
 * failed window is sent again whole, after a pause and once Kafka answers:
 * records of a window that half landed appear twice, never out of order.
 */
export function createDrainer(options: DrainerOptions): Drainer {
  const { journal } = options;
  const limits = { maxEntries: options.maxEntries ?? 1_000, maxBytes: options.maxBytes ?? 512 * 1024 };
  const retryInitialMs = options.retryInitialMs ?? 500;
  const retryMaxMs = options.retryMaxMs ?? 5_000;
  let running: Promise<void> | undefined;
  let stopped = false;
  let wakeStop: () => void = () => {};
  const stopping = new Promise<void>((resolve) => {
    wakeStop = resolve;
  });
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      void stopping.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });

  /** Sends until Kafka acknowledged, waiting out transient failures; a refusal for good is returned, not retried. */
  async function sendUntilAcknowledged(records: OutgoingRecord[]): Promise<'sent' | 'stopped' | KafkaRefusedError> {
    for (let failures = 0; ; ) {
      try {
        await options.publish(records);
        if (failures > 0) options.onResumed?.(failures);
        return 'sent';
      } catch (error) {
        if (error instanceof KafkaRefusedError) return error;
        if (++failures === 1) options.onStalled?.(error as Error);
        let wait = retryInitialMs;
        do {
          await pause(wait);
          wait = Math.min(retryMaxMs, wait * 2);
        } while (!stopped && !(await options.reachable()));
        if (stopped) return 'stopped';
      }
    }
  }

  /**
   * The window as one send. If Kafka refuses it for good, its entries go one
   * by one, in order, and each refused one is replaced by its dead letter, so
   * one poison record does not hold the spool for ever.
   */
  async function sendWindow(window: Window): Promise<boolean> {
    const outcome = await sendUntilAcknowledged(window.entries.flatMap((entry) => entry.records));
    if (!(outcome instanceof KafkaRefusedError)) return outcome === 'sent';
    for (const entry of window.entries) {
      let records = entry.records;
      for (let attempt = 0; ; attempt++) {
        const result = await sendUntilAcknowledged(records);
        if (result === 'sent') break;
        if (result === 'stopped') return false;
        if (!options.deadLetter || attempt >= 2) {
          options.onDropped?.(result);
          break;
        }
        records = options.deadLetter(entry.records, result, attempt);
      }
    }
    return true;
  }

  async function run(): Promise<void> {
    while (!stopped) {
      // Asked for before reading, so an append that lands during the read still wakes us.
      const appended = journal.whenAppended();
      let window: Awaited<ReturnType<typeof journal.read>>;
      try {
        window = await journal.read(limits);
      } catch (error) {
        options.onStalled?.(error as Error);
        await pause(retryMaxMs);
        continue;
      }
      if (!window) {
        await Promise.race([appended, stopping]);
        continue;
      }
      if (!(await sendWindow(window))) return;
      journal.acknowledge(window);
      options.onDrained?.(window.records);
    }
  }

  return {
    start() {
      if (running || stopped) return;
      running = run();
    },
    async stop() {
      stopped = true;
      wakeStop();
      await running;
    },
  };
}
