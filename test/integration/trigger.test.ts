import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { trigger } from '../../src/commands/trigger.js';
import { createCatalogue } from '../../src/events/catalogue.js';
import { schemasDir } from '../../src/paths.js';
import { startTestBridge, type TestBridge } from '../support/bridge.js';
import { SECRET } from '../support/events.js';
import { readRecords, uniquePrefix } from '../support/kafka.js';

const brokers = inject('kafkaBrokers');

describe('popp-bridge trigger', () => {
  let bridge: TestBridge;
  beforeAll(async () => {
    bridge = await startTestBridge(brokers, uniquePrefix('trigger'));
  });
  afterAll(() => bridge?.close());

  it('sends signed samples of every documented type that the bridge publishes, printing each answer', async () => {
    const catalogue = createCatalogue({ schemasDir, topicPrefix: bridge.prefix });
    const lines: string[] = [];
    for (const eventType of catalogue.knownTypes) {
      const failures = await trigger({
        eventType,
        count: 2,
        recordId: 'conv_trigger',
        url: `${bridge.bridge.url}/webhooks/popp`,
        secret: SECRET,
        catalogue,
        print: (line) => lines.push(line),
      });
      expect(failures).toBe(0);
    }
    expect(lines).toHaveLength(6);
    for (const line of lines) expect(line).toMatch(/^200 \{"status":"published","eventId":"[^"]+"\}$/);
    const records = await readRecords(brokers, [bridge.topics.log], 6);
    expect(records.every((record) => record.key === 'conv_trigger')).toBe(true);
  });

  it('reports what the bridge answered when the secret is wrong', async () => {
    const lines: string[] = [];
    const failures = await trigger({
      eventType: 'CONVERSATION_STARTED',
      count: 1,
      recordId: undefined,
      url: `${bridge.bridge.url}/webhooks/popp`,
      secret: 'not-the-secret',
      catalogue: createCatalogue({ schemasDir, topicPrefix: bridge.prefix }),
      print: (line) => lines.push(line),
    });
    expect(failures).toBe(1);
    expect(lines[0]).toMatch(/^401 .*invalid_signature/);
  });
});
