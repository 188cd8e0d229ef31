import { randomUUID } from 'node:crypto';
import { Partitioners } from 'kafkajs';
import { loadConfig } from '../../src/config.js';
import { type Consumer, type ConsumerOptions, connectionFromConfig, createConsumer } from '../../src/consumer/index.js';
import { testKafka } from './kafka.js';

/** A group id of its own per test, valid in a topic name (it names the group's dead-letter topic). */
export function uniqueGroup(name: string): string {
  return `${name}-${randomUUID().slice(0, 8)}`;
}

/**
 * A started SDK consumer on the given prefix's topics, with fast retries and
 * no signal handling (the test runner owns the process).
 */
export async function startTestConsumer(
  brokers: string[],
  prefix: string,
  options: Pick<ConsumerOptions, 'groupId' | 'handlers'> & Partial<ConsumerOptions>,
): Promise<Consumer> {
  const consumer = createConsumer({
    ...connectionFromConfig(loadConfig({ TOPIC_PREFIX: prefix }), brokers),
    retry: { attempts: 3, initialDelayMs: 20, maxDelayMs: 100 },
    signals: [],
    ...options,
  });
  await consumer.start();
  // Fail with the partitions still behind well before the test's own timeout.
  return { ...consumer, caughtUp: (wait) => consumer.caughtUp({ timeoutMs: 20_000, ...wait }) };
}

/** Writes records straight to a topic, as another producer (or a bridge in registry mode) would. */
export async function produce(
  brokers: string[],
  topic: string,
  messages: { key: string | null; value: Buffer; headers?: Record<string, string> }[],
): Promise<void> {
  const producer = testKafka(brokers).producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}

/** Waits until `check` holds, polling; throws after `timeoutMs` with what `describe` says. */
export async function eventually(check: () => boolean, timeoutMs = 20_000, describe = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
