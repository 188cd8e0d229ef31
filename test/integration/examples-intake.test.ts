import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startDocumentIntake } from '../../examples/document-intake/service.js';
import { loadConfig } from '../../src/config.js';
import { startTestBridge, type TestBridge } from '../support/bridge.js';
import { eventually, produce, uniqueGroup } from '../support/consumer.js';
import { countRows, spawnExample, upload } from '../support/examples.js';
import { uniquePrefix } from '../support/kafka.js';

const brokers = inject('kafkaBrokers');

describe('examples/document-intake', () => {
  let bridge: TestBridge;
  let dir: string;
  const post = async (events: unknown[]) => {
    // In chunks: many concurrent requests, as Popp sends them, without opening hundreds of sockets at once.
    for (let i = 0; i < events.length; i += 50) {
      const answers = await Promise.all(events.slice(i, i + 50).map((event) => bridge.post(event)));
      expect(answers.map((a) => a.status).every((status) => status === 200)).toBe(true);
    }
  };

  beforeAll(async () => {
    bridge = await startTestBridge(brokers, uniquePrefix('intake'));
    dir = mkdtempSync(join(tmpdir(), 'popp-intake-'));
  });
  afterAll(async () => {
    await bridge?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a catalogue of documents per conversation, applying each eventId once even from a second copy in the topic', async () => {
    const resume = upload('conv_cat_a', 'att_resume', { classifiedDocumentType: 'resume', classifiedDocumentTypes: ['resume', 'cv'] });
    const passport = upload('conv_cat_a', 'att_passport');
    const first = upload('conv_cat_b', 'att_permit');
    const reupload = upload('conv_cat_b', 'att_permit', { fileName: 'permit-v2.pdf' });
    await post([resume, passport, first, reupload]);
    // A second copy of `passport` in the topic, as after a 503 whose write landed late and Popp's retry.
    await produce(brokers, `${bridge.prefix}document.uploaded`, [{ key: 'conv_cat_a', value: Buffer.from(JSON.stringify(passport)) }]);

    const config = loadConfig({ TOPIC_PREFIX: bridge.prefix });
    const dbPath = join(dir, 'catalogue.sqlite');
    const { consumer, catalogue } = await startDocumentIntake({ config, brokers, dbPath, groupId: uniqueGroup('intake'), signals: [] });
    try {
      await consumer.caughtUp();
      const byConversation = catalogue.byConversation();
      expect([...byConversation.keys()]).toEqual(['conv_cat_a', 'conv_cat_b']);
      expect(byConversation.get('conv_cat_a')?.map((d) => [d.attachmentId, d.documentType, d.documentTypes, d.uploads])).toEqual([
        ['att_passport', null, [], 1],
        ['att_resume', 'resume', ['resume', 'cv'], 1],
      ]);
      expect(byConversation.get('conv_cat_b')?.map((d) => [d.attachmentId, d.fileName, d.uploads])).toEqual([
        ['att_permit', 'permit-v2.pdf', 2],
      ]);
      expect(consumer.stats()).toMatchObject({ handled: 4, duplicates: 1, deadLettered: 0 });
    } finally {
      await consumer.stop();
      catalogue.close();
    }
  });

  it('loses nothing and applies nothing twice when killed mid-stream (SIGKILL) or stopped (SIGTERM) and restarted', async () => {
    const dbPath = join(dir, 'restarts.sqlite');
    const env = {
      KAFKA_BROKERS: brokers.join(','),
      TOPIC_PREFIX: bridge.prefix,
      DOCUMENT_INTAKE_DB: dbPath,
      DOCUMENT_INTAKE_GROUP: uniqueGroup('restarts'),
    };
    // Every event of this test is a new attachment: one catalogue row each (the first test's events share the topic).
    const applied = () => countRows(dbPath, "SELECT count(*) FROM documents WHERE conversation_id LIKE 'conv_kill_%'");
    const run = () => spawnExample('document-intake', [], env);
    const batch = (from: number, count: number) => Array.from({ length: count }, (_, i) => upload(`conv_kill_${(from + i) % 25}`));
    const sigterm = async (example: ReturnType<typeof run>) => {
      example.child.kill('SIGTERM');
      expect(await example.exited).toBe(0);
      return example.stoppedStats();
    };

    // The events arrive while the service runs, a few at a time: it handles a fetched batch in milliseconds,
    // so a kill or a stop lands mid-stream only while the stream is still coming in.
    const trickle = async (events: unknown[]) => {
      for (let i = 0; i < events.length; i += 10) {
        await post(events.slice(i, i + 10));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const started = (example: ReturnType<typeof run>) =>
      eventually(
        () => example.lines.some((line) => line.includes('consumer started')),
        30_000,
        () => example.lines.join('\n'),
      );

    const killed = run();
    await started(killed);
    const first = trickle(batch(0, 300));
    await eventually(
      () => applied() >= 20,
      30_000,
      () => killed.lines.join('\n'),
    );
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect(applied()).toBeLessThan(300); // the kill came mid-stream
    await first;

    // The same group again: it waits out the dead member's session, then continues from the last commit.
    const resumed = run();
    await eventually(
      () => applied() === 300,
      60_000,
      () => `${applied()} applied`,
    );
    await sigterm(resumed);

    const stopped = run();
    await started(stopped);
    const second = trickle(batch(300, 100));
    await eventually(() => applied() >= 310, 30_000);
    await sigterm(stopped);
    const appliedAtStop = applied();
    expect(appliedAtStop).toBeLessThan(400); // SIGTERM came mid-stream too
    await second;

    const last = run();
    await eventually(
      () => applied() === 400,
      30_000,
      () => `${applied()} applied`,
    );
    // A clean stop committed everything it applied: the next run repeats nothing.
    expect(await sigterm(last)).toMatchObject({ handled: 400 - appliedAtStop, duplicates: 0 });
    expect(countRows(dbPath, "SELECT count(*) FROM documents WHERE uploads <> 1 AND conversation_id LIKE 'conv_kill_%'")).toBe(0);
  });
});
