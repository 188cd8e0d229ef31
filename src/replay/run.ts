import { createBridgeKafka } from '../bridge-kafka.js';
import type { Config } from '../config.js';
import { createCatalogue } from '../contract/catalogue.js';
import { HEADER } from '../contract/headers.js';
import type { StoredRecord } from '../contract/record.js';
import { createBatchingPublisher } from '../kafka/publisher.js';
import { readSnapshot } from '../kafka/topic-reader.js';
import { createValueCodec } from '../registry/startup.js';
import { type ReplaySummary, replayDeadLetters } from './replay.js';

export interface ReplayCommandOptions {
  config: Config;
  brokers: string[];
  schemasDir?: string;
  dryRun?: boolean;
  /** Replay only the dead letter at this partition and offset (the console's "replay this one"). */
  only?: { partition: number; offset: string };
  print: (line: string) => void;
}

/**
 * `popp-bridge replay-dead-letters` and the console's replay: wires Kafka, the
 * registry and the schemas (read from disk now) into the replay, printing progress.
 */
export async function replayDeadLettersCommand(options: ReplayCommandOptions): Promise<ReplaySummary> {
  const { config, print } = options;
  const catalogue = createCatalogue({ schemasDir: options.schemasDir, topicPrefix: config.topics.prefix });
  const { kafka, admin, producer, topics } = createBridgeKafka(config, options.brokers);
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(config.topics.deadLetter)) {
      print(`no topic ${config.topics.deadLetter}: nothing to replay`);
      return { deadLetters: 0, published: 0, alreadyPublished: 0, repeated: 0, pastWindow: 0, stillFailing: {} };
    }
    await producer.connect();
    const quiet = () => {};
    const codec = await createValueCodec({
      settings: config.schemaRegistry,
      catalogue,
      logTopic: config.topics.eventLog,
      logger: { info: quiet, warn: (_details, message) => print(message) },
    });
    const publisher = createBatchingPublisher({
      send: (topicMessages) => producer.sendBatch({ topicMessages, acks: -1, timeout: config.publishTimeoutMs }).then(() => {}),
      timeoutMs: config.publishTimeoutMs,
    });
    const summary = await replayDeadLetters({
      async readDeadLetters() {
        const deadLetters: StoredRecord[] = [];
        const { only } = options;
        const onRecord = (record: StoredRecord) => {
          if (!only || (record.partition === only.partition && record.offset === only.offset)) deadLetters.push(record);
        };
        await readSnapshot(kafka, admin, {
          topics: [config.topics.deadLetter],
          onRecord,
          onProgress: progress(print, 'read dead letters'),
        });
        return deadLetters;
      },
      async readPublished(targets, fromTimestamp) {
        const published = new Set<string>();
        const onRecord = (record: StoredRecord) => published.add(`${record.topic}\n${record.headers[HEADER.eventId]}`);
        await readSnapshot(kafka, admin, {
          topics: targets,
          fromTimestamp,
          onRecord,
          onProgress: progress(print, 'checked published records'),
        });
        return published;
      },
      ensureTopics: (list) => topics.ensure(list),
      publish: (records) => publisher.publish(records),
      catalogue,
      logTopic: config.topics.eventLog,
      codec,
      lookbackMs: config.dedupe.ttlSeconds * 1000,
      progress: print,
      dryRun: options.dryRun,
    });
    await publisher.drain();
    const failing = Object.entries(summary.stillFailing).map(([reason, count]) => `${count} ${reason}`);
    print(
      `${options.dryRun ? 'dry run: would publish' : 'published'} ${summary.published}` +
        `${summary.pastWindow > 0 ? ` (${summary.pastWindow} past the replay window)` : ''}, already published ${summary.alreadyPublished}, ` +
        `repeated ${summary.repeated}, still failing ${failing.length > 0 ? failing.join(', ') : 0} (of ${summary.deadLetters} dead letters)`,
    );
    return summary;
  } finally {
    await producer.disconnect();
    await admin.disconnect();
  }
}

/** A line at most once a second, and one at the end: long reads stay visible without flooding. */
function progress(print: (line: string) => void, label: string): (done: number, total: number) => void {
  let last = 0;
  return (done, total) => {
    if (done < total && Date.now() - last < 1_000) return;
    last = Date.now();
    print(`${label}: ${done}/${total}`);
  };
}
