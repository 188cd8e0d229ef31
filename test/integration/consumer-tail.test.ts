import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type TailOptions, tail } from '../../src/commands/tail.js';
import { loadConfig } from '../../src/config.js';
import { startTestBridge, type TestBridge } from '../support/bridge.js';
import { eventually, produce, uniqueGroup } from '../support/consumer.js';
import { conversation, documentUploaded } from '../support/events.js';
import { uniquePrefix } from '../support/kafka.js';

const brokers = inject('kafkaBrokers');

describe('popp-bridge tail', () => {
  let bridge: TestBridge;

  /** Runs a tail until `until` holds for its lines, then stops it; the lines it printed. */
  const tailUntil = async (options: Partial<TailOptions>, until: (lines: string[]) => boolean) => {
    const lines: string[] = [];
    const abort = new AbortController();
    const config = loadConfig({ TOPIC_PREFIX: bridge.prefix });
    const running = tail({
      config,
      brokers,
      fromBeginning: true,
      print: (line) => lines.push(line),
      status: () => {},
      color: false,
      signal: abort.signal,
      ...options,
    });
    try {
      await eventually(
        () => until(lines),
        20_000,
        () => lines.join('\n'),
      );
    } finally {
      abort.abort();
      await running;
    }
    return lines;
  };

  beforeAll(async () => {
    bridge = await startTestBridge(brokers, uniquePrefix('tail'));
    await bridge.post(conversation('CONVERSATION_STARTED', 'conv_tail'));
    await bridge.post(documentUploaded({ recordId: 'conv_tail' }));
    await produce(brokers, bridge.topics.log, [{ key: 'conv_tail', value: Buffer.from('not json \u001b[31m') }]);
  });
  afterAll(() => bridge?.close());

  it('prints one plain line per record of the log topic, naming what is not an event', async () => {
    const lines = await tailUntil({}, (printed) => printed.length >= 3);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z {2}CONVERSATION_STARTED {6}conv_tail {2}\(org_xyz789 [\w-]+ t\.tail\.\w+\.events\[\d\]@0\)$/,
    );
    expect(lines[1]).toMatch(
      /DOCUMENT_UPLOADED +conv_tail {2}attachmentId=att_1 {2}fileName=cv\.pdf {2}contentType=application\/pdf {2}\(/,
    );
    expect(lines[2]).toMatch(/^- {2}! invalid-json: SyntaxError {2}conv_tail {2}\(14 bytes, /);
    expect(lines.join('\n')).not.toContain('\u001b');
  });

  it("reads one type's topic with --event, and a named --group resumes where it stopped", async () => {
    const groupId = uniqueGroup('tail');
    const first = await tailUntil({ eventType: 'DOCUMENT_UPLOADED', groupId }, (printed) => printed.length >= 1);
    expect(first.map((line) => line.split('  ')[1]?.trim())).toEqual(['DOCUMENT_UPLOADED']);
    await bridge.post(documentUploaded({ recordId: 'conv_tail_next' }));
    const second = await tailUntil({ eventType: 'DOCUMENT_UPLOADED', groupId }, (printed) =>
      printed.some((line) => line.includes('conv_tail_next')),
    );
    expect(second).toHaveLength(1);
  });

  it('says so when the topic does not exist', async () => {
    const config = loadConfig({ TOPIC_PREFIX: bridge.prefix });
    const signal = new AbortController().signal;
    const options = { config, brokers, fromBeginning: true, print: () => {}, status: () => {}, color: false, signal };
    await expect(tail({ ...options, eventType: 'NEVER_SENT' })).rejects.toThrow(`no such topic: ${bridge.prefix}never.sent`);
  });
});
