import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCatalogue } from '../../src/contract/catalogue.js';
import { sampleEvent } from '../../src/events/samples.js';
import { schemasDir } from '../../src/paths.js';
import { startTestBridge, type TestBridge } from '../support/bridge.js';
import { readRecords, uniquePrefix } from '../support/kafka.js';

const brokers = inject('kafkaBrokers');

describe('every documented event type, end to end on a real broker', () => {
  let bridge: TestBridge;
  beforeAll(async () => {
    bridge = await startTestBridge(brokers, uniquePrefix('catalogue'));
  });
  afterAll(() => bridge?.close());

  it('answers each type, sent as the documentation shows it, 200 published, and writes it to its own topic and the log topic', async () => {
    const catalogue = createCatalogue({ schemasDir, topicPrefix: bridge.prefix });
    expect(catalogue.knownTypes).toHaveLength(26);
    const sent = new Map<string, string>(); // eventId → type
    for (const type of catalogue.knownTypes) {
      const event = sampleEvent(type, catalogue.schemas.events.get(type)) as { eventId: string };
      const response = await bridge.post(event);
      expect(await response.json(), type).toEqual({ status: 'published', eventId: event.eventId });
      sent.set(event.eventId, type);
    }

    const typeTopics = catalogue.knownTypes.map((type) => catalogue.topicFor(type));
    const records = await readRecords(brokers, [...typeTopics, bridge.topics.log], 2 * sent.size, { settleMs: 500 });
    for (const [eventId, type] of sent) {
      const where = records.filter((record) => record.headers['event-id'] === eventId).map((record) => record.topic);
      expect(where.sort(), type).toEqual([catalogue.topicFor(type), bridge.topics.log].sort());
    }
    expect(records).toHaveLength(52);
  });
});
