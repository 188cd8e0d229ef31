import type { OutgoingRecord } from '../contract/record.js';
import { BridgeError, KafkaRefusedError } from '../errors.js';
import { permanentRefusal } from './refusals.js';

export interface TopicBatch {
  topic: string;
  messages: { key: string | null; value: Buffer; headers: Record<string, string> }[];
}

/** One produce round trip for all the given records (kafkajs `sendBatch`, acks=all). */
export type SendBatch = (batch: TopicBatch[]) => Promise<void>;

export interface Publisher {
  /**
   * Resolves once Kafka acknowledged every record; rejects with a
   * KafkaRefusedError when Kafka refused them for good, else with a retriable BridgeError.
   */
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
  /** Batches sent concurrently; a key is never in two of them (per-key order). */
  maxInFlightBatches?: number;
  /** Past this many waiting records, publish fails fast with `overloaded`. */
  maxQueuedRecords?: number;
  onBatch?: (records: number, seconds: number, ok: boolean) => void;
}

interface Waiting {
  records: readonly OutgoingRecord[];
  /** The record keys (recordIds) of this request: they order it against others. */
  keys: readonly string[];
  bytes: number;
  resolve: () => void;
  reject: (error: BridgeError | KafkaRefusedError) => void;
  timer: NodeJS.Timeout;
  settled: boolean;
}

/**
 * kafkajs has no linger, so requests that arrive together are sent together:
 * while batches are in flight the next one collects, and it goes as soon as a
 * slot frees. A key (recordId) is never in two batches in flight: a request
 * waits while an earlier one with its key is unacknowledged, so each key's
 * records reach Kafka in arrival order even when a send is retried or times
 * out (docs/pipeline.md, The publisher). Different keys overlap, which keeps the pipe full.
 */
export function createBatchingPublisher(options: PublisherOptions): Publisher {
  const maxRecords = options.maxBatchRecords ?? 2_000;
  const maxBytes = options.maxBatchBytes ?? 900_000;
  const maxInFlight = options.maxInFlightBatches ?? 4;
  const maxQueued = options.maxQueuedRecords ?? 50_000;
  let queue: Waiting[] = [];
  let queuedRecords = 0;
  let inFlight = 0;
  const busyKeys = new Map<string, number>();
  let scheduled = false;
  let idle: (() => void)[] = [];

  function settle(entry: Waiting, error?: BridgeError | KafkaRefusedError): void {
    if (entry.settled) return;
    entry.settled = true;
    clearTimeout(entry.timer);
    if (error) entry.reject(error);
    else entry.resolve();
  }

  function schedule(): void {
    if (scheduled || inFlight >= maxInFlight) return;
    scheduled = true;
    // Let the requests read in this turn of the event loop join the batch.
    setImmediate(flush);
  }

  /** The next batch in queue order, skipping (and keeping) requests whose key is still in flight. */
  function take(): Waiting[] {
    const batch: Waiting[] = [];
    const rest: Waiting[] = [];
    const blocked = new Set<string>();
    let records = 0;
    let bytes = 0;
    let full = false;
    let waiting = 0;
    for (const entry of queue) {
      if (entry.settled) continue; // timed out before it was sent: the client already has its 503
      if (full || entry.keys.some((key) => busyKeys.has(key) || blocked.has(key))) {
        for (const key of entry.keys) blocked.add(key);
        rest.push(entry);
        waiting += entry.records.length;
        continue;
      }
      if (batch.length > 0 && (records + entry.records.length > maxRecords || bytes + entry.bytes > maxBytes)) {
        full = true;
        for (const key of entry.keys) blocked.add(key);
        rest.push(entry);
        waiting += entry.records.length;
        continue;
      }
      batch.push(entry);
      records += entry.records.length;
      bytes += entry.bytes;
    }
    queue = rest;
    // Counted afresh: requests that timed out while queued leave the count too.
    queuedRecords = waiting;
    return batch;
  }

  function flush(): void {
    scheduled = false;
    while (inFlight < maxInFlight && queue.length > 0) {
      const batch = take();
      if (batch.length === 0) break;
      send(batch);
    }
    if (inFlight === 0 && queue.length === 0) {
      for (const resolve of idle) resolve();
      idle = [];
    }
  }

  function send(batch: Waiting[]): void {
    inFlight++;
    for (const entry of batch) for (const key of entry.keys) busyKeys.set(key, (busyKeys.get(key) ?? 0) + 1);
    void deliver(batch).then(() => finish(batch));
  }

  /**
   * Sends the entries and settles each. When Kafka refuses the batch for good
   * (one record too large, say), the batch is halved and each half sent in
   * turn until the refused entries are alone: only they fail, the others are
   * published. Halves go one after the other, so a key keeps its order; the
   * keys stay busy until the whole batch is settled.
   */
  async function deliver(entries: Waiting[]): Promise<void> {
    const live = entries.filter((entry) => !entry.settled);
    if (live.length === 0) return;
    const started = performance.now();
    const count = live.reduce((sum, entry) => sum + entry.records.length, 0);
    try {
      await options.send(group(live));
    } catch (error) {
      options.onBatch?.(count, (performance.now() - started) / 1000, false);
      const refusal = permanentRefusal(error);
      if (refusal === undefined || live.length === 1) {
        const failure = refusal ? new KafkaRefusedError(refusal, { cause: error }) : new BridgeError('kafka_unavailable', { cause: error });
        for (const entry of live) settle(entry, failure);
        return;
      }
      // Records of the other entries may have landed already (Kafka answers per partition): sent again, they are duplicates.
      const half = Math.ceil(live.length / 2);
      await deliver(live.slice(0, half));
      await deliver(live.slice(half));
      return;
    }
    options.onBatch?.(count, (performance.now() - started) / 1000, true);
    for (const entry of live) settle(entry);
  }

  function finish(batch: Waiting[]): void {
    for (const entry of batch) {
      for (const key of entry.keys) {
        const left = (busyKeys.get(key) ?? 1) - 1;
        if (left === 0) busyKeys.delete(key);
        else busyKeys.set(key, left);
      }
    }
    inFlight--;
    flush();
  }

  return {
    publish(records) {
      if (queuedRecords + records.length > maxQueued) return Promise.reject(new BridgeError('overloaded'));
      return new Promise<void>((resolve, reject) => {
        const entry: Waiting = {
          records,
          keys: keysOf(records),
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
      if (inFlight === 0 && !scheduled && queue.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idle.push(resolve));
    },
  };
}

function keysOf(records: readonly OutgoingRecord[]): string[] {
  const first = records[0]?.key;
  // The common case: every record of an event shares its recordId.
  if (records.every((record) => record.key === first)) return first == null ? [] : [first];
  return [...new Set(records.flatMap((record) => (record.key == null ? [] : [record.key])))];
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
