import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalBroker } from '../../src/devstack/broker.js';
import { ensureJars } from '../../src/devstack/jars.js';
import { isPortOpen } from '../../src/devstack/probe.js';
import { devstackHome } from '../../src/paths.js';

// Its own instance, apart from the development broker on 9092 that a developer may be using; jars are shared.
const PORT = 19092;
const log = (line: string) => console.log(`[devstack test] ${line}`);
const broker = createLocalBroker({ home: devstackHome, port: PORT, controllerPort: PORT + 1, log });
const topic = `devstack-test-${randomUUID()}`;

const kafka = () =>
  new Kafka({
    clientId: 'devstack-test',
    brokers: broker.brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2_000,
    retry: { retries: 3 },
  });

async function readAll(count: number): Promise<string[]> {
  const consumer = kafka().consumer({ groupId: `devstack-test-${randomUUID()}` });
  const values: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          values.push(message.value?.toString() ?? '');
          if (values.length === count) resolve();
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return values;
}

describe('the local development broker', () => {
  beforeAll(async () => {
    // The first run downloads Kafka from Maven Central: minutes on a slow line.
    await ensureJars({ home: devstackHome, log });
    // A leftover from an interrupted run would make the first start a reuse.
    await broker.stop();
  }, 600_000);

  afterAll(async () => {
    await broker.stop();
  }, 60_000);

  it('starts a broker that accepts a new topic, a produced message and a consumer reading it back', async () => {
    const started = await broker.start();
    expect(started).toEqual({ brokers: [`127.0.0.1:${PORT}`], reused: false });

    const admin = kafka().admin();
    await admin.connect();
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true })).toBe(true);
    await admin.disconnect();

    const producer = kafka().producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ key: 'r1', value: 'first' }] });
    await producer.disconnect();

    expect(await readAll(1)).toEqual(['first']);
  }, 120_000);

  it('reuses the running broker on a second start instead of starting another', async () => {
    const again = await broker.start();
    expect(again.reused).toBe(true);
    const status = await broker.status();
    expect(status.running).toBe(true);
    expect(status.pid).toBeGreaterThan(0);
    expect(status.logFile).toMatch(/broker-19092[/\\]broker\.log$/);
  });

  it('stops the broker: status says not running and the port is closed', async () => {
    await broker.stop();
    expect((await broker.status()).running).toBe(false);
    expect(await isPortOpen('127.0.0.1', PORT)).toBe(false);
    await broker.stop(); // a no-op when nothing runs
  }, 60_000);

  it('starts again on the existing data, with the topic and its message still there', async () => {
    const restarted = await broker.start();
    expect(restarted.reused).toBe(false);

    const admin = kafka().admin();
    await admin.connect();
    expect(await admin.listTopics()).toContain(topic);
    expect((await admin.fetchTopicOffsets(topic)).map((p) => p.high)).toEqual(['1']);
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  }, 120_000);
});
