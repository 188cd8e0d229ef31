import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { replayDeadLettersCommand } from '../../src/commands/replay-dead-letters.js';
import { loadConfig } from '../../src/config.js';
import { startTestBridge } from '../support/bridge.js';
import { conversation, SECRET, signed } from '../support/events.js';
import { type ReadRecord, readRecords, recordCount, uniquePrefix } from '../support/kafka.js';
import { copySchemas, newEventSchema } from '../support/schemas.js';

const brokers = inject('kafkaBrokers');

const interview = (eventId: string, recordId: string) => ({
  event: 'INTERVIEW_SCHEDULED',
  eventId,
  eventTimestamp: new Date().toISOString(),
  data: { recordId, organizationId: 'org_1', scheduledFor: '2024-02-03T14:00:00Z' },
});

describe('popp-bridge replay-dead-letters', () => {
  const prefix = uniquePrefix('replay');
  const schemas = copySchemas();
  const config = loadConfig({ TOPIC_PREFIX: prefix, POPP_WEBHOOK_SECRET: SECRET, LOG_LEVEL: 'silent' });
  const typeTopic = `${prefix}interview.scheduled`;
  const first = interview(`${prefix}e1`, 'conv_replay');
  const second = interview(`${prefix}e2`, 'conv_replay');
  let deadLetters: ReadRecord[];
  const replay = async () => {
    const lines: string[] = [];
    const summary = await replayDeadLettersCommand({ config, brokers, schemasDir: schemas, print: (line) => lines.push(line) });
    return { summary, lines };
  };

  beforeAll(async () => {
    // Before its schema exists, the type is unknown: dead-lettered, as are a redelivery and a body that is not JSON.
    const bridge = await startTestBridge(brokers, prefix, {}, { schemasDir: schemas });
    try {
      const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      for (const body of [first, second, first, '{"event":']) {
        expect((await bridge.post(body, { traceparent })).status).toBe(202);
      }
      expect((await bridge.post(conversation('CONVERSATION_STARTED', 'conv_other'))).status).toBe(200);
    } finally {
      await bridge.close();
    }
    deadLetters = await readRecords(brokers, [config.topics.deadLetter], 4);
    writeFileSync(
      join(schemas, 'events', 'INTERVIEW_SCHEDULED.json'),
      JSON.stringify(newEventSchema('INTERVIEW_SCHEDULED', 'InterviewScheduled')),
    );
  });

  it('publishes each dead letter that now passes exactly once, in order, with its original key and headers, and shows progress', async () => {
    const { summary, lines } = await replay();
    expect(summary).toEqual({
      deadLetters: 4,
      published: 2,
      alreadyPublished: 0,
      repeated: 1,
      pastWindow: 0,
      stillFailing: { 'invalid-json': 1 },
    });
    expect(lines).toContain('read dead letters: 4/4');
    expect(lines.at(-1)).toBe('published 2, already published 0, repeated 1, still failing 1 invalid-json (of 4 dead letters)');

    const replayed = await readRecords(brokers, [typeTopic], 2, { settleMs: 1_000 });
    expect(replayed.map((r) => r.headers['event-id'])).toEqual([first.eventId, second.eventId]);
    const original = deadLetters.find((r) => r.headers['event-id'] === first.eventId) as ReadRecord;
    const record = replayed[0] as ReadRecord;
    expect(record.key).toBe('conv_replay');
    expect(record.value.equals(signed(first).payload)).toBe(true);
    for (const name of ['received-at', 'x-signature', 'traceparent', 'content-type', 'event-timestamp', 'organization-id']) {
      expect(record.headers[name], name).toBe(original.headers[name]);
    }
    expect(record.headers).toMatchObject({ ce_id: first.eventId, ce_type: 'INTERVIEW_SCHEDULED', ce_subject: 'conv_replay' });
    expect(record.headers['replayed-from']).toBe(`${config.topics.deadLetter}/${original.partition}/${original.offset}`);
    expect(Object.keys(record.headers).filter((name) => name.startsWith('dead-letter'))).toEqual([]);
    const log = await readRecords(brokers, [config.topics.eventLog], 3);
    expect(log.filter((r) => r.key === 'conv_replay').map((r) => r.headers['event-id'])).toEqual([first.eventId, second.eventId]);
  });

  it('publishes nothing when run a second time, and leaves the dead letters in place', async () => {
    const before = await recordCount(brokers, [typeTopic, config.topics.eventLog, config.topics.deadLetter]);
    const { summary } = await replay();
    expect(summary).toEqual({
      deadLetters: 4,
      published: 0,
      alreadyPublished: 2,
      repeated: 1,
      pastWindow: 0,
      stillFailing: { 'invalid-json': 1 },
    });
    expect(await recordCount(brokers, [typeTopic, config.topics.eventLog, config.topics.deadLetter])).toBe(before);
    expect(await recordCount(brokers, [config.topics.deadLetter])).toBe(4);
  });
});
