import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { trigger } from '../../src/commands/trigger.js';
import type { Consumer } from '../../src/consumer/index.js';
import { createCatalogue } from '../../src/contract/catalogue.js';
import { WEBHOOK_PATH } from '../../src/webhook/route.js';
import { startTestBridge, type TestBridge } from '../support/bridge.js';
import { launchChromium, screenshot } from '../support/browser.js';
import { startTestConsumer, uniqueGroup } from '../support/consumer.js';
import { conversation, documentUploaded, SECRET } from '../support/events.js';
import { testKafka, uniquePrefix } from '../support/kafka.js';
import { copySchemas, newEventSchema } from '../support/schemas.js';

const brokers = inject('kafkaBrokers');

const interview = (eventId: string) => ({
  event: 'INTERVIEW_SCHEDULED',
  eventId,
  eventTimestamp: new Date().toISOString(),
  data: { recordId: `booking_${eventId}`, organizationId: 'org_1', scheduledFor: '2024-02-03T14:00:00Z' },
});
const TOKEN = 'console-token-for-the-browser-test';

describe('the console in headless Chromium, against a real bridge and broker', () => {
  const prefix = uniquePrefix('console');
  const schemas = copySchemas();
  const logLines: string[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    }),
  );
  const start = () => startTestBridge(brokers, prefix, { CONSOLE_TOKEN: TOKEN, LOG_LEVEL: 'info' }, { schemasDir: schemas, logger });
  let bridge: TestBridge;
  let browser: Browser;
  let page: Page;
  let consumer: Consumer | undefined;
  const consolePage = (path: string) => page.goto(`${bridge.bridge.adminUrl}${path}`);

  beforeAll(async () => {
    [bridge, browser] = await Promise.all([start(), launchChromium()]);
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  });
  afterAll(async () => {
    await consumer?.stop();
    await browser?.close();
    await bridge?.close();
  });

  it('logs in with the token, then shows the last hour per outcome after every known type was sent', async () => {
    const catalogue = createCatalogue({ schemasDir: schemas, topicPrefix: prefix });
    const url = `${bridge.bridge.url}${WEBHOOK_PATH}`;
    // `trigger` for every type the catalogue knows, then a type it does not know yet (dead-lettered) and a bad signature (refused).
    for (const eventType of catalogue.knownTypes) {
      await trigger({ eventTypes: [eventType], count: 3, recordId: undefined, url, secret: SECRET, catalogue, print: () => {} });
    }
    for (const n of [1, 2, 3]) expect((await bridge.post(interview(`${prefix}interview-${n}`))).status).toBe(202);
    expect((await bridge.post(documentUploaded(), { 'x-signature': 'wrong' })).status).toBe(401);

    const first = await consolePage('/console/');
    expect(first?.status()).toBe(401);
    await page.fill('#token', 'not the token at all');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('.error')).toContain('not the console token');
    await page.fill('#token', TOKEN);
    await page.click('button[type=submit]');
    await page.waitForSelector('svg.chart');
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'popp_console')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });

    expect(await page.locator('svg.chart rect.o-published').count()).toBeGreaterThan(0);
    expect(await page.locator('svg.chart rect.o-dead-lettered').count()).toBeGreaterThan(0);
    expect(await page.locator('svg.chart rect.o-refused').count()).toBeGreaterThan(0);
    const legend = await page.textContent('.legend');
    expect(legend).toContain(`published ${catalogue.knownTypes.length * 3}`);
    expect(legend).toContain('dead-lettered 3');
    for (const type of [...catalogue.knownTypes, 'INTERVIEW_SCHEDULED']) expect(await page.textContent('main')).toContain(type);
    await screenshot(page, 'overview');
  });

  it('finds an event by recordId and opens its record history in log order', async () => {
    const recordId = `conv_${prefix.replace(/\W/g, '')}`;
    const sequence = [
      conversation('CONVERSATION_STARTED', recordId),
      documentUploaded({ recordId }),
      conversation('CONVERSATION_COMPLETED', recordId),
    ];
    for (const event of sequence) expect((await bridge.post(event)).status).toBe(200);

    await consolePage('/console/events');
    expect(await page.locator('table.events tbody tr').count()).toBeGreaterThanOrEqual(9);
    await screenshot(page, 'events');
    await page.fill('input[name=recordId]', recordId);
    await page.click('form.filters button[type=submit]');
    await page.waitForURL(/recordId=/);
    const rows = page.locator('table.events tbody tr');
    expect(await rows.count()).toBe(3);
    // Newest first on the events page.
    expect(await rows.first().locator('td').nth(1).textContent()).toContain('CONVERSATION_COMPLETED');
    await screenshot(page, 'events-by-record');

    await rows.first().locator('a', { hasText: recordId }).click();
    await page.waitForURL(/\/console\/records\//);
    const types = await page.locator('table.story tbody tr td:nth-child(3)').allTextContents();
    expect(types.map((t) => t.trim())).toEqual(['CONVERSATION_STARTED', 'DOCUMENT_UPLOADED', 'CONVERSATION_COMPLETED']);
    const ids = await page.locator('table.story tbody tr td:nth-child(5)').allTextContents();
    expect(ids).toEqual(sequence.map((event) => event.eventId));
    await screenshot(page, 'record-history');
  });

  it('opens a payload only on a click, never cached, and logs "payload viewed" with its eventId alone', async () => {
    const eventId = (await page.locator('table.story tbody tr td:nth-child(5)').first().textContent())?.trim() as string;
    expect(logLines.join('')).not.toContain('payload viewed');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/console/payload')),
      page.locator('table.story tbody tr').first().locator('button:text("Payload")').click(),
    ]);
    expect(response.headers()['cache-control']).toBe('no-store');
    await page.waitForSelector('pre.payload');
    expect(await page.textContent('pre.payload')).toContain(`"eventId": "${eventId}"`);
    expect(await page.inputValue('textarea.raw')).toContain(`"eventId":"${eventId}"`);
    await screenshot(page, 'payload');
    const viewed = logLines.map((line) => JSON.parse(line)).filter((line) => line.msg === 'payload viewed');
    expect(viewed.map((line) => line.eventId)).toEqual([eventId]);
    // Nothing but the eventId beside pino's own fields.
    const { level: _l, time: _t, msg: _m, pid: _p, hostname: _h, ...rest } = viewed[0];
    expect(rest).toEqual({ eventId });
  });

  it('replays a dead letter of an unknown type from the page, after a dry run, once its schema is added', async () => {
    await consolePage('/console/dead-letters?reason=unknown-event-type');
    const deadLetters = page.locator('table.dead-letters tbody tr');
    expect(await deadLetters.count()).toBe(3);
    expect(await deadLetters.first().textContent()).toContain('INTERVIEW_SCHEDULED');
    await screenshot(page, 'dead-letters');

    writeFileSync(
      join(schemas, 'events', 'INTERVIEW_SCHEDULED.json'),
      JSON.stringify(newEventSchema('INTERVIEW_SCHEDULED', 'InterviewScheduled')),
    );
    // Restarted on the changed schemas, as docs/guides/adding-an-event-type.md says; the session cookie still holds.
    await bridge.close();
    bridge = await start();
    await consolePage('/console/dead-letters?reason=unknown-event-type');
    await page.locator('table.dead-letters tbody tr').first().locator('button:text("Replay…")').click();
    await page.waitForSelector('h1:text("Replay: dry run")');
    const dryRun = await page.textContent('main');
    expect(dryRun, dryRun ?? '').toMatch(/Would publish\s*1/);
    await screenshot(page, 'replay-dry-run');
    await page.click('button:text("Replay 1 now")');
    await page.waitForSelector('h1:text("Replay done")');
    expect(await page.textContent('main')).toMatch(/Published\s*1/);
    await screenshot(page, 'replay-done');

    await consolePage('/console/events?type=INTERVIEW_SCHEDULED');
    const replayed = page.locator('table.events tbody tr');
    expect(await replayed.count()).toBe(1);
    expect(await replayed.first().textContent()).toContain('replayed');
  });

  it("shows a consumer group's lag on the bridge's topics falling to zero", async () => {
    const groupId = uniqueGroup('console-svc');
    const admin = testKafka(brokers).admin();
    await admin.connect();
    try {
      // A group that has committed the start of the log: everything in it is lag.
      const partitions = (await admin.fetchTopicOffsets(bridge.topics.log)).map(({ partition }) => ({ partition, offset: '0' }));
      await admin.setOffsets({ groupId, topic: bridge.topics.log, partitions });
    } finally {
      await admin.disconnect();
    }
    await consolePage('/console/groups');
    const card = page.locator(`.group[data-group="${groupId}"]`);
    const lag = Number((await card.locator('.total-lag').textContent())?.replace(/,/g, ''));
    expect(lag).toBeGreaterThanOrEqual(13);
    await screenshot(page, 'groups-lagging');

    const noop = async () => {};
    consumer = await startTestConsumer(brokers, prefix, {
      groupId,
      source: 'log',
      handlers: { CONVERSATION_STARTED: noop, CONVERSATION_COMPLETED: noop, DOCUMENT_UPLOADED: noop },
    });
    await expect
      .poll(
        async () => {
          await consolePage('/console/groups');
          return (await card.locator('.total-lag').textContent())?.trim();
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe('0');
    expect(await card.textContent()).toContain(bridge.topics.log);
    await screenshot(page, 'groups-caught-up');
  });

  it('serves no console route and no /metrics on the webhook port', async () => {
    expect(bridge.bridge.consoleRoutes.length).toBeGreaterThanOrEqual(15);
    for (const route of bridge.bridge.consoleRoutes) {
      const response = await fetch(`${bridge.bridge.url}${route.url.replace(':recordId', 'conv_1')}`, {
        method: route.method,
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(response.status, `${route.method} ${route.url}`).toBe(404);
    }
    expect((await fetch(`${bridge.bridge.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${bridge.bridge.adminUrl}/metrics`)).status).toBe(200);
  });
});
