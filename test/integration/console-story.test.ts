import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestBridge, type TestBridge } from '../support/bridge.js';
import { launchChromium, screenshot } from '../support/browser.js';
import { conversation, documentUploaded } from '../support/events.js';
import { uniquePrefix } from '../support/kafka.js';
import { copySchemas } from '../support/schemas.js';

const brokers = inject('kafkaBrokers');
const TOKEN = 'console-token-for-the-story-test';
const STAMP = '2024-03-01T08:00:00.000Z';

/** A document whose body breaks its schema: a number where a string belongs, sent as raw text so its digits are exactly these. */
const rawDocument = (eventId: string, recordId: string) =>
  `{"event":"DOCUMENT_UPLOADED","eventId":"${eventId}","eventTimestamp":"${STAMP}","data":{"recordId":"${recordId}","organizationId":"org_scene","attachmentId":"att_scene_77","fileName":"scan.pdf","contentType":"application/pdf","classifiedDocumentType":12345678901234567891,"confidence":1.50}}`;

describe('the console answers what happened to a document, in headless Chromium against a real bridge', () => {
  const prefix = uniquePrefix('story');
  const schemas = copySchemas();
  const start = () => startTestBridge(brokers, prefix, { CONSOLE_TOKEN: TOKEN }, { schemasDir: schemas });
  const recordId = `conv_scene_${randomUUID().slice(0, 8)}`;
  const ids = { started: randomUUID(), missing: randomUUID(), uploaded: randomUUID(), numbers: randomUUID(), unknown: randomUUID() };
  let bridge: TestBridge;
  let browser: Browser;
  let page: Page;
  const open = (path: string) => page.goto(`${bridge.bridge.adminUrl}${path}`);

  beforeAll(async () => {
    [bridge, browser] = await Promise.all([start(), launchChromium()]);
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    // Hundreds of other events around the scene, published and not.
    for (let batch = 0; batch < 10; batch++) {
      const posts = Array.from({ length: 30 }, (_, n) =>
        n % 2 === 0 ? documentUploaded() : conversation('CONVERSATION_STARTED', `conv_other_${batch}_${n}`),
      );
      await Promise.all(posts.map(async (body) => expect((await bridge.post(body)).status).toBe(200)));
    }
    // The scene, in this order: published, dead-lettered, published, dead-lettered twice.
    expect((await bridge.post(conversation('CONVERSATION_STARTED', recordId, ids.started))).status).toBe(200);
    const missing = { ...documentUploaded({ eventId: ids.missing, recordId }), eventTimestamp: STAMP };
    missing.data = { ...missing.data, fileName: 'Zeugnis_Mueller_Scene_2024.pdf' };
    delete (missing.data as Partial<typeof missing.data>).contentType;
    expect((await bridge.post(missing)).status).toBe(202);
    expect((await bridge.post(documentUploaded({ eventId: ids.uploaded, recordId }))).status).toBe(200);
    expect((await bridge.post(rawDocument(ids.numbers, recordId))).status).toBe(202);
    const unknown = {
      event: 'INTERVIEW_SCHEDULED',
      eventId: ids.unknown,
      eventTimestamp: STAMP,
      data: { recordId, organizationId: 'org_scene' },
    };
    expect((await bridge.post(unknown)).status).toBe(202);
    // One delivery that no replay can ever publish.
    expect((await bridge.post('{"event": "DOCUMENT_UPLOADED", broken')).status).toBe(202);

    await open('/console/');
    await page.fill('#token', TOKEN);
    await page.click('button[type=submit]');
    await page.waitForSelector('.totals');
  });
  afterAll(async () => {
    await browser?.close();
    await bridge?.close();
  });

  it("shows a record's 2 published events and 3 dead letters interleaved in time, each dead letter with its reason", async () => {
    await open(`/console/records/${recordId}`);
    const rows = page.locator('table.story tbody tr');
    expect(await rows.count()).toBe(5);
    const ids5 = (await page.locator('table.story tbody tr td:nth-child(5)').allTextContents()).map((t) => t.trim());
    expect(ids5).toEqual([ids.started, ids.missing, ids.uploaded, ids.numbers, ids.unknown]);
    const outcomes = (await page.locator('table.story tbody tr td:nth-child(2) .tag').allTextContents()).map((t) => t.trim());
    expect(outcomes).toEqual(['published', 'dead-lettered', 'published', 'dead-lettered', 'dead-lettered']);
    const reasons = (await page.locator('table.story tbody tr td:nth-child(6) .reason').allTextContents()).map((t) => t.trim());
    expect(reasons).toEqual(['schema-violation', 'schema-violation', 'unknown-event-type']);
    expect(await rows.nth(1).textContent()).toContain('/data must have required property');
    expect(await page.textContent('main p.lead')).toContain('2 published events and 3 dead letters');
    // Every dead letter of this record can pass once its schema changes: each offers its replay.
    expect(await page.locator('table.story tr.dead-lettered button:text("Replay…")').count()).toBe(3);
    await screenshot(page, 'record-with-dead-letters');
  });

  it("finds a dead letter's delivery by its eventId in another case and by part of it, and by a fragment of a file name", async () => {
    for (const q of [ids.missing.toUpperCase(), ids.missing.slice(0, 13), 'Mueller_Scene']) {
      await open(`/console/search?q=${encodeURIComponent(q)}`);
      const hit = page.locator('table.results tbody tr', { hasText: ids.missing });
      expect(await hit.count(), q).toBe(1);
      expect(await hit.locator('td:nth-child(2)').textContent()).toContain('dead-lettered');
    }
    await open(`/console/search?q=${encodeURIComponent(recordId)}`);
    expect(await page.locator('table.results tbody tr').count()).toBe(5);
    expect(await page.textContent('.pager')).toContain('5 matches (3 dead letters)');
  });

  it('narrows the dead letters to the record, and a payload links to its record and shows its numbers as sent', async () => {
    await open('/console/dead-letters');
    await page.fill('form.filters input[name=recordId]', recordId);
    await page.click('form.filters button[type=submit]');
    await page.waitForURL(/recordId=/);
    const letters = page.locator('table.dead-letters tbody tr');
    expect(await letters.count()).toBe(3);
    expect(await page.locator('table.letter-groups tbody tr').count()).toBe(3);

    await letters.filter({ hasText: ids.numbers }).locator('button:text("Payload")').click();
    await page.waitForSelector('pre.payload');
    const pretty = (await page.textContent('pre.payload')) as string;
    expect(pretty).toContain('"classifiedDocumentType": 12345678901234567891');
    expect(pretty).toContain('"confidence": 1.50');
    expect(await page.textContent('mark.violation')).toBe('12345678901234567891');
    expect(await page.inputValue('textarea.raw')).toBe(rawDocument(ids.numbers, recordId));
    await screenshot(page, 'payload-violation');
    await page.click(`a[href="/console/records/${recordId}"]`);
    await page.waitForURL(/\/console\/records\//);
    expect(await page.locator('table.story tbody tr').count()).toBe(5);
  });

  it('wraps a 256-character recordId instead of widening a page past 1440 px', async () => {
    const longId = `conv_${'x'.repeat(251)}`;
    expect(longId).toHaveLength(256);
    expect((await bridge.post(conversation('CONVERSATION_STARTED', longId))).status).toBe(200);
    const broken = { ...documentUploaded({ recordId: longId }), data: { recordId: longId, organizationId: 'org_scene' } };
    expect((await bridge.post(broken)).status).toBe(202);
    for (const path of ['/console/events', `/console/records/${longId}`, '/console/dead-letters', `/console/search?q=${longId}`]) {
      await open(path);
      expect(await page.textContent('main'), path).toContain(longId);
      // Run in the page (a string: the tests are compiled without the DOM's types).
      const widths = (await page.evaluate(`({
        page: document.documentElement.scrollWidth,
        viewport: window.innerWidth,
        cards: [...document.querySelectorAll('.card')].map((card) => card.scrollWidth - card.clientWidth),
      })`)) as { page: number; viewport: number; cards: number[] };
      expect(widths.page, path).toBeLessThanOrEqual(widths.viewport);
      expect(Math.max(...widths.cards), path).toBeLessThanOrEqual(0);
    }
    await open(`/console/records/${longId}`);
    await screenshot(page, 'long-record-id');
  });

  it('shows a recordId with a right-to-left override isolated, the control as a visible marker', async () => {
    const evil = 'conv_evil\u202Efdp.exe';
    expect((await bridge.post(conversation('CONVERSATION_STARTED', evil))).status).toBe(200);
    await open(`/console/events?recordId=${encodeURIComponent(evil)}`);
    const cell = page.locator('table.events tbody tr td:nth-child(4)');
    expect(await cell.count()).toBe(1);
    expect(await cell.locator('bdi').count()).toBe(1);
    expect(await cell.locator('.bidi').textContent()).toBe('U+202E');
    // As displayed: the characters in the order they were sent, nothing reversed.
    expect(await cell.textContent()).toBe('conv_evilU+202Efdp.exe');
    expect(await cell.innerHTML()).not.toContain('\u202E');
    await screenshot(page, 'bidi');
  });

  it('offers no replay for a body that is not JSON', async () => {
    await open('/console/dead-letters?reason=invalid-json');
    const letter = page.locator('table.dead-letters tbody tr');
    expect(await letter.count()).toBe(1);
    expect(await letter.locator('button:text("Replay…")').count()).toBe(0);
    expect(await letter.textContent()).toContain('no replay');
  });

  it('still counts the dead letters from the topic after a restart of the bridge, and says some arrived in the last hour', async () => {
    await bridge.close();
    bridge = await start();
    await open('/console/');
    expect((await page.textContent('.dead-letters-total'))?.trim()).toBe('5');
    expect(await page.textContent('.banner')).toContain('5 dead letters arrived in the last hour');
    expect(Number((await page.textContent('.events-total'))?.replace(/,/g, ''))).toBe(304);
  });
});
