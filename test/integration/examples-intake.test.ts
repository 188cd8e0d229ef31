import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type IntakeSettings, startDocumentIntake } from '../../examples/document-intake/service.js';
import { startTestBridge, type TestBridge } from '../support/bridge.js';
import { eventually, produce, uniqueGroup } from '../support/consumer.js';
import { countRows, minute, spawnExample, upload } from '../support/examples.js';
import { readRecords, uniquePrefix } from '../support/kafka.js';
import { failed, type PoppApiStandIn, passed, startPoppApi } from '../support/popp-api.js';

const brokers = inject('kafkaBrokers');
/** The stand-in for Popp's API: a port of its own, so it can go down and come back where the service looks for it. */
const POPP_PORT = 44010;

describe('examples/document-intake', () => {
  let bridge: TestBridge;
  let popp: PoppApiStandIn;
  let dir: string;
  const post = async (events: unknown[]) => {
    // In chunks: many concurrent requests, as Popp sends them, without opening hundreds of sockets at once.
    for (let i = 0; i < events.length; i += 50) {
      const answers = await Promise.all(events.slice(i, i + 50).map((event) => bridge.post(event)));
      expect(answers.map((a) => a.status).every((status) => status === 200)).toBe(true);
    }
  };
  const documentUrlTemplate = 'https://documents.example.com/{organizationId}/{recordId}/{attachmentId}';
  const settings = (name: string, extra: Partial<IntakeSettings> = {}): IntakeSettings => ({
    kafka: { brokers },
    topics: { prefix: bridge.prefix },
    dbPath: join(dir, `${name}.sqlite`),
    groupId: uniqueGroup(name),
    popp: {
      baseUrl: popp.url,
      processDocumentPath: popp.path,
      apiKey: popp.apiKey,
      organizationId: popp.organizationId,
      timeoutMs: 2_000,
      initialDelayMs: 10,
      maxDelayMs: 100,
    },
    documents: {
      documentUrlTemplate,
      documentTypes: {
        passport: { name: 'Passport', validation: ['CHECK_NAME_MATCH'] },
        '*': { name: 'Any', validation: ['CHECK_NAME_MATCH'] },
      },
    },
    retry: { attempts: 3, initialDelayMs: 20, maxDelayMs: 100 },
    signals: [],
    ...extra,
  });

  beforeAll(async () => {
    bridge = await startTestBridge(brokers, uniquePrefix('intake'));
    popp = await startPoppApi(POPP_PORT);
    dir = mkdtempSync(join(tmpdir(), 'popp-intake-'));
  });
  afterAll(async () => {
    await bridge?.close();
    await popp?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a catalogue of documents per conversation, applying each eventId once even from a second copy in the topic', async () => {
    // Stamped apart: the catalogue lists a conversation's documents by upload time.
    const resume = {
      ...upload('conv_cat_a', 'att_resume', { classifiedDocumentType: 'resume', classifiedDocumentTypes: ['resume', 'cv'] }),
      eventTimestamp: minute(2),
    };
    const passport = { ...upload('conv_cat_a', 'att_passport'), eventTimestamp: minute(1) };
    const first = upload('conv_cat_b', 'att_permit');
    const reupload = upload('conv_cat_b', 'att_permit', { fileName: 'permit-v2.pdf' });
    await post([resume, passport, first, reupload]);
    // A second copy of `passport` in the topic, as after a 503 whose write landed late and Popp's retry.
    await produce(brokers, `${bridge.prefix}document.uploaded`, [{ key: 'conv_cat_a', value: Buffer.from(JSON.stringify(passport)) }]);

    const { consumer, catalogue } = await startDocumentIntake(settings('catalogue'));
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
      // Each document was checked with Popp: its URL and its document type inline, with the service's API key headers.
      const resumeCall = popp.calls.find(
        (call) => call.body.documentUrl === 'https://documents.example.com/org_xyz789/conv_cat_a/att_resume',
      );
      expect(resumeCall?.body).toEqual({
        documentUrl: 'https://documents.example.com/org_xyz789/conv_cat_a/att_resume',
        documentType: { name: 'Any', validation: ['CHECK_NAME_MATCH'] },
      });
      expect(resumeCall?.headers).toMatchObject({ 'x-api-key': popp.apiKey, 'x-organization-id': popp.organizationId });
    } finally {
      await consumer.stop();
      catalogue.close();
    }
  });

  it('ingests only the documents Popp passed and keeps the others apart with their validation errors', async () => {
    const errors = [{ code: 'CHECK_NAME_MATCH', message: "the name on the document is not the candidate's" }, 'document expired'];
    popp.plan('att_valid', passed());
    popp.plan('att_invalid', failed(errors));
    await post([
      upload('conv_check_a', 'att_valid', { classifiedDocumentType: 'passport' }),
      upload('conv_check_a', 'att_invalid', { classifiedDocumentType: 'passport' }),
      upload('conv_check_b', 'att_unconfigured', { classifiedDocumentType: 'selfie' }),
    ]);
    // No `*` document type: a document of a type the service has no definition for is kept out without asking Popp.
    const { consumer, catalogue } = await startDocumentIntake(
      settings('checks', {
        documents: { documentUrlTemplate, documentTypes: { passport: { name: 'Passport', validation: ['CHECK_NAME_MATCH'] } } },
      }),
    );
    try {
      await consumer.caughtUp();
      expect(
        catalogue
          .byConversation()
          .get('conv_check_a')
          ?.map((d) => d.attachmentId),
      ).toEqual(['att_valid']);
      expect(catalogue.byConversation().has('conv_check_b')).toBe(false);
      const rejected = catalogue.rejected().filter((d) => d.conversationId.startsWith('conv_check_'));
      expect(rejected.map((d) => [d.attachmentId, d.documentType, d.validationErrors])).toEqual([
        ['att_invalid', 'passport', errors],
        ['att_unconfigured', 'selfie', [{ code: 'NO_DOCUMENT_TYPE', message: 'no document type configured for selfie' }]],
      ]);
      expect(popp.callsFor('att_unconfigured')).toBe(0);
      expect(consumer.stats().deadLettered).toBe(0);
    } finally {
      await consumer.stop();
      catalogue.close();
    }
  });

  it('asks Popp again after a 500 or a 429 and ingests the document from the answer that came', async () => {
    popp.plan('att_after_500', { status: 500, body: { message: 'internal error' } }, passed());
    popp.plan('att_after_429', { status: 429, headers: { 'retry-after': '0' } }, passed());
    await post([upload('conv_flaky', 'att_after_500'), upload('conv_flaky', 'att_after_429')]);
    const { consumer, catalogue } = await startDocumentIntake(settings('flaky'));
    try {
      await consumer.caughtUp();
      expect(
        catalogue
          .byConversation()
          .get('conv_flaky')
          ?.map((d) => [d.attachmentId, d.uploads]),
      ).toEqual([
        ['att_after_429', 1],
        ['att_after_500', 1],
      ]);
      expect(popp.callsFor('att_after_500')).toBe(2);
      expect(popp.callsFor('att_after_429')).toBe(2);
      // The client's own retries were enough: the SDK never had to retry or dead-letter the event.
      expect(consumer.stats()).toMatchObject({ retries: 0, deadLettered: 0 });
    } finally {
      await consumer.stop();
      catalogue.close();
    }
  });

  it('keeps retrying a document while Popp is down and ingests it once Popp is back', async () => {
    await popp.down();
    const { consumer, catalogue } = await startDocumentIntake(
      settings('outage', { retry: { attempts: 1_000, initialDelayMs: 50, maxDelayMs: 200 } }),
    );
    try {
      await post([upload('conv_outage', 'att_during_outage')]);
      await eventually(
        () => consumer.stats().retries >= 3,
        20_000,
        () => JSON.stringify(consumer.stats()),
      );
      expect(catalogue.byConversation().has('conv_outage')).toBe(false);
      await popp.up();
      await consumer.caughtUp();
      expect(
        catalogue
          .byConversation()
          .get('conv_outage')
          ?.map((d) => d.attachmentId),
      ).toEqual(['att_during_outage']);
      expect(consumer.stats().deadLettered).toBe(0);
    } finally {
      await popp.up().catch(() => {}); // already up unless the test failed before
      await consumer.stop();
      catalogue.close();
    }
  });

  it('dead-letters a document Popp gives no verdict for after every retry, and ingests nothing of it', async () => {
    await popp.down();
    const { consumer, catalogue } = await startDocumentIntake(settings('dead-letter'));
    try {
      const lost = upload('conv_no_verdict', 'att_no_verdict');
      await post([lost]);
      await consumer.caughtUp();
      const { deadLettered } = consumer.stats();
      expect(deadLettered).toBeGreaterThan(0);
      const letters = await readRecords(brokers, [consumer.deadLetterTopic], deadLettered, { settleMs: 0 });
      const letter = letters.find((record) => record.headers['event-id'] === lost.eventId);
      expect(letter?.headers).toMatchObject({ 'dead-letter-reason': 'handler-failed', 'dead-letter-attempts': '3' });
      expect(letter?.headers['dead-letter-detail']).toMatch(/^PoppApiError: processDocument: Popp unreachable/);
      expect(JSON.parse(letter?.value.toString('utf8') ?? '{}')).toEqual(lost); // the event as published, for a replay
      expect(catalogue.byConversation().has('conv_no_verdict')).toBe(false);
      expect(catalogue.rejected().some((d) => d.conversationId === 'conv_no_verdict')).toBe(false);
    } finally {
      await popp.up();
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
      POPP_API_URL: popp.url,
      POPP_PROCESS_DOCUMENT_PATH: popp.path,
      POPP_API_KEY: popp.apiKey,
      POPP_ORGANIZATION_ID: popp.organizationId,
      POPP_DOCUMENT_URL_TEMPLATE: documentUrlTemplate,
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
    // Four service starts, a dead member's session to wait out, and a call to Popp per event: more than the default minute on a busy machine.
  }, 180_000);
});
