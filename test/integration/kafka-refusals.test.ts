import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestBridge, type TestBridge } from '../support/bridge.js';
import { conversation, documentUploaded, signed } from '../support/events.js';
import { readRecords, testKafka, uniquePrefix } from '../support/kafka.js';

const brokers = inject('kafkaBrokers');

/** Topics made before the bridge starts, with a smaller record bound than the bridge would give them (it never alters a topic). */
async function createSmallTopics(topics: Record<string, number>): Promise<void> {
  const admin = testKafka(brokers).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: Object.entries(topics).map(([topic, maxMessageBytes]) => ({
        topic,
        numPartitions: 1,
        configEntries: [{ name: 'max.message.bytes', value: String(maxMessageBytes) }],
      })),
    });
  } finally {
    await admin.disconnect();
  }
}

const padded = (bytes: number) => ({ ...documentUploaded(), padding: 'p'.repeat(bytes) });

describe('a signed event whose ids would make records too large for any topic', () => {
  let bridge: TestBridge;
  beforeAll(async () => {
    bridge = await startTestBridge(brokers, uniquePrefix('bigids'));
  });
  afterAll(() => bridge?.close());

  it('answers 202 invalid-envelope, not a 503 for ever, to a schema-valid event whose recordId is 300 KB', async () => {
    const event = conversation('CONVERSATION_STARTED', 'r'.repeat(300_000));
    const response = await bridge.post(event);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: 'dead-lettered', reason: 'invalid-envelope' });
    const records = await readRecords(brokers, [bridge.topics.deadLetter], 1, { settleMs: 1_000 });
    const mine = records.find((record) => record.value.equals(signed(event).payload));
    expect(mine?.key).toBeNull();
    expect(mine?.headers['record-id']).toBeUndefined();
  });
});

describe('a signed event that Kafka can never take', () => {
  let bridge: TestBridge;
  beforeAll(async () => {
    const prefix = uniquePrefix('refusals');
    // Its type topic takes records up to 4 KB, the dead-letter topic up to 12 KB.
    await createSmallTopics({ [`${prefix}document.uploaded`]: 4_096, [`${prefix}dead-letter`]: 12_288 });
    bridge = await startTestBridge(brokers, prefix);
  });
  afterAll(() => bridge?.close());

  it('dead-letters an event its topic refuses as too large with reason rejected-by-kafka, answers 202, and still publishes the next one', async () => {
    const big = padded(6_000);
    const response = await bridge.post(big);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: 'dead-lettered', reason: 'rejected-by-kafka' });
    const small = documentUploaded();
    expect((await bridge.post(small)).status).toBe(200);

    const deadLetters = await readRecords(brokers, [bridge.topics.deadLetter], 1, { settleMs: 1_000 });
    const mine = deadLetters.find((record) => record.headers['event-id'] === big.eventId);
    expect(mine?.headers['dead-letter-reason']).toBe('rejected-by-kafka');
    expect(mine?.headers['dead-letter-detail']).toBe('Kafka refused the record: MESSAGE_TOO_LARGE');
    expect(mine?.value.equals(signed(big).payload)).toBe(true);
    const typed = await readRecords(brokers, [`${bridge.prefix}document.uploaded`], 1, { settleMs: 1_000 });
    expect(typed.map((record) => record.headers['event-id'])).toContain(small.eventId);
    expect(typed.map((record) => record.headers['event-id'])).not.toContain(big.eventId);
  });

  it('lands the dead letter without its value when the dead-letter topic refuses it too, and says so', async () => {
    const huge = padded(20_000);
    const response = await bridge.post(huge);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: 'dead-lettered', reason: 'rejected-by-kafka' });
    const deadLetters = await readRecords(brokers, [bridge.topics.deadLetter], 1, { settleMs: 1_000 });
    const mine = deadLetters.find((record) => record.headers['event-id'] === huge.eventId);
    expect(mine?.value.length).toBe(0);
    expect(mine?.headers).toMatchObject({
      'dead-letter-reason': 'rejected-by-kafka',
      'dead-letter-value': 'omitted',
      'dead-letter-value-bytes': String(signed(huge).payload.length),
      'x-signature': signed(huge).headers['x-signature'],
    });
  });
});
