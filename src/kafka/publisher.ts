import { BridgeError } from '../errors.js';

export interface OutgoingRecord {
  topic: string;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
}

export interface TopicBatch {
  topic: string;
  messages: { key: string | null; value: Buffer; headers: Record<string, string> }[];
}

/** One produce round trip for all the given records (kafkajs `sendBatch`, acks=all). */
export type SendBatch = (batch: TopicBatch[]) => Promise<void>;

export interface Publisher {
  /** Resolves once Kafka acknowledged every record; rejects with a retriable BridgeError otherwise. */
  publish(records: readonly OutgoingRecord[]): Promise<void>;
  /** Waits until nothing is queued or in flight. */
  drain(): Promise<void>;
}

export interface PublisherOptions {
  send: SendBatch;
  /** Each publish is answered within this, sent or not. */
  timeoutMs: number;
  /** Bounds of one batch: under the topics' max.message.bytes per partition. */
  maxBatchRecords?: number;
  maxBatchBytes?: number;
  /** Past this many waiting records, publish fails fast with `overloaded`. */
  maxQueuedRecords?: number;
  onBatch?: (records: number, seconds: number, ok: boolean) => void;
}

interface Waiting {
  records: readonly OutgoingRecord[];
  bytes: number;
  resolve: () => void;
  reject: (error: BridgeError) => void;
  timer: NodeJS.Timeout;
  settled: boolean;
}

/**
 * kafkajs has no linger, so requests that arrive together are sent together:
 * while one batch is in flight the next one collects, and it goes as soon as
 * the first is acknowledged. One batch in flight at a time keeps the order
 * of records per key across batches (DESIGN section 9).
 */
export function createBatchingPublisher(options: PublisherOptions): Publisher {
  const maxRecords = options.maxBatchRecords ?? 2_000;
  const maxBytes = options.maxBatchBytes ?? 900_000;
  const maxQueued = options.maxQueuedRecords ?? 50_000;
  let queue: Waiting[] = [];
  let queuedRecords = 0;
  let inFlight: Promise<void> | undefined;
  let scheduled = false;
  let idle: (() => void)[] = [];

  function settle(entry: Waiting, error?: BridgeError): void {
    if (entry.settled) return;
    entry.settled = true;
    clearTimeout(entry.timer);
    if (error) entry.reject(error);
    else entry.resolve();
  }

  function schedule(): void {
    if (scheduled || inFlight) return;
    scheduled = true;
    // Let the requests read in this turn of the event loop join the batch.
    setImmediate(flush);
  }

  function take(): Waiting[] {
    const batch: Waiting[] = [];
    let records = 0;
    let bytes = 0;
    let index = 0;
    for (; index < queue.length; index++) {
      const entry = queue[index] as Waiting;
      if (entry.settled) continue; // timed out before it was sent: the client already has its 503
      const fits = records + entry.records.length <= maxRecords && bytes + entry.bytes <= maxBytes;
      if (batch.length > 0 && !fits) break;
      batch.push(entry);
      records += entry.records.length;
      bytes += entry.bytes;
    }
    queue = index === queue.length ? [] : queue.slice(index);
    queuedRecords = queue.reduce((sum, entry) => sum + entry.records.length, 0);
    return batch;
  }

  function flush(): void {
    scheduled = false;
    if (inFlight) return;
    const batch = take();
    if (batch.length === 0) {
      for (const resolve of idle) resolve();
      idle = [];
      return;
    }
    const started = performance.now();
    const count = batch.reduce((sum, entry) => sum + entry.records.length, 0);
    inFlight = options.send(group(batch)).then(
      () => {
        options.onBatch?.(count, (performance.now() - started) / 1000, true);
        for (const entry of batch) settle(entry);
      },
      (error: unknown) => {
        options.onBatch?.(count, (performance.now() - started) / 1000, false);
        const failure = new BridgeError('kafka_unavailable', { cause: error });
        for (const entry of batch) settle(entry, failure);
      },
    );
    void inFlight.finally(() => {
      inFlight = undefined;
      flush();
    });
  }

  return {
    publish(records) {
      if (queuedRecords + records.length > maxQueued) return Promise.reject(new BridgeError('overloaded'));
      return new Promise<void>((resolve, reject) => {
        const entry: Waiting = {
          records,
          bytes: records.reduce((sum, record) => sum + estimateBytes(record), 0),
          resolve,
          reject,
          settled: false,
          timer: setTimeout(() => settle(entry, new BridgeError('publish_timeout')), options.timeoutMs),
        };
        queue.push(entry);
        queuedRecords += records.length;
        schedule();
      });
    },
    drain() {
      if (!inFlight && !scheduled && queue.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idle.push(resolve));
    },
  };
}

function group(batch: Waiting[]): TopicBatch[] {
  const byTopic = new Map<string, TopicBatch['messages']>();
  for (const entry of batch) {
    for (const record of entry.records) {
      let messages = byTopic.get(record.topic);
      if (!messages) {
        messages = [];
        byTopic.set(record.topic, messages);
      }
      messages.push({ key: record.key, value: record.value, headers: record.headers });
    }
  }
  return Array.from(byTopic, ([topic, messages]) => ({ topic, messages }));
}

/** Roughly what the record costs on the wire: enough to keep a batch under the broker's limit. */
function estimateBytes(record: OutgoingRecord): number {
  let bytes = 70 + record.value.length + (record.key?.length ?? 0) * 3;
  for (const name in record.headers) bytes += name.length + (record.headers[name]?.length ?? 0) * 3 + 4;
  return bytes;
}
