import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { trigger } from '../../src/commands/trigger.js';
import { createCatalogue } from '../../src/contract/catalogue.js';
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

  it('sends one signed sample of every documented type (--all), each published, its recordId shaped as Popp documents it', async () => {
    const catalogue = createCatalogue({ schemasDir, topicPrefix: bridge.prefix });
    const lines: string[] = [];
    const failures = await trigger({
      eventTypes: catalogue.knownTypes,
      count: 1,
      recordId: undefined,
      url: `${bridge.bridge.url}/webhooks/popp`,
      secret: SECRET,
      catalogue,
      print: (line) => lines.push(line),
    });
    expect(failures).toBe(0);
    expect(lines).toHaveLength(26);
    for (const [index, type] of catalogue.knownTypes.entries()) {
      expect(lines[index]).toMatch(new RegExp(`^200 ${type} \\{"status":"published","eventId":"[^"]+"\\}$`));
    }
    const records = await readRecords(brokers, [bridge.topics.log], 26);
    const keys = new Map(records.map((record) => [record.headers['event-type'], record.key ?? '']));
    expect(keys.get('CONVERSATION_STARTED')).toMatch(/^conv_[0-9a-f]{8}$/);
    expect(keys.get('CALENDAR_MEETING_SCHEDULED')).toMatch(/^booking_[0-9a-f]{8}$/);
    expect(keys.get('CANDIDATE_ANALYSIS_COMPLETED')).toMatch(/^candidate_[0-9a-f]{8}$/);
    expect(keys.get('WORKFLOW_RUN_FAILED')).toMatch(/^run_[0-9a-f]{8}$/);
    expect(keys.get('WORKFLOW_PUBLISHED')).toMatch(/^wf_[0-9a-f]{8}$/);
  });

  it('sends every sample of a type under the --record-id given', async () => {
    const catalogue = createCatalogue({ schemasDir, topicPrefix: bridge.prefix });
    const lines: string[] = [];
    const failures = await trigger({
      eventTypes: ['CALENDAR_MEETING_RESCHEDULED'],
      count: 3,
      recordId: 'booking_trigger',
      url: `${bridge.bridge.url}/webhooks/popp`,
      secret: SECRET,
      catalogue,
      print: (line) => lines.push(line),
    });
    expect(failures).toBe(0);
    for (const line of lines) expect(line).toMatch(/^200 \{"status":"published","eventId":"[^"]+"\}$/);
    // The topic also holds the one sample of the --all test before: four records.
    const records = await readRecords(brokers, [`${bridge.prefix}calendar.meeting.rescheduled`], 4);
    expect(records.filter((record) => record.key === 'booking_trigger')).toHaveLength(3);
  });

  it('reports what the bridge answered when the secret is wrong', async () => {
    const lines: string[] = [];
    const failures = await trigger({
      eventTypes: ['CONVERSATION_STARTED'],
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
