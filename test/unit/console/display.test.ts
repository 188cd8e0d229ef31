import { describe, expect, it } from 'vitest';
import { finishPage, timeIn } from '../../../src/console/display.js';
import { formatTime, html, plural, shown } from '../../../src/console/html.js';
import { pointerOfDetail, prettyJson } from '../../../src/console/pretty-json.js';
import { isReplayable } from '../../../src/contract/reasons.js';

const textOf = (markup: string) => markup.replace(/<[^>]+>/g, '').replaceAll('&quot;', '"');

describe('the payload view', () => {
  it('re-indents JSON without changing a number or a string', () => {
    const sent = '{"data":{"big":12345678901234567891,"price":1.50,"tiny":1e-7,"name":"a\\"b\\u00e9","list":[],"o":{}}}';
    const pretty = prettyJson(sent) as string;
    expect(textOf(pretty)).toContain('"big": 12345678901234567891');
    expect(textOf(pretty)).toContain('"price": 1.50');
    expect(textOf(pretty)).toContain('"tiny": 1e-7');
    expect(textOf(pretty)).toContain('"name": "a\\"b\\u00e9"');
    // The same tokens in the same order: only whitespace differs.
    expect(textOf(pretty).replace(/\s+/g, '')).toBe(sent.replace(/\s+/g, ''));
  });

  it("marks the value at a schema violation's JSON pointer, escaped keys included", () => {
    const pretty = prettyJson('{"data":{"files":[{"name":"cv.pdf"},{"a/b":5}]}}', '/data/files/1/a~1b') as string;
    expect(pretty).toMatch(/<mark class="violation"><span class="j-lit">5<\/span><\/mark>/);
    expect(pointerOfDetail('/data/files/1 must be object')).toBe('/data/files/1');
    expect(pointerOfDetail('(root) must have required property (event)')).toBe('');
  });

  it('shows text that is not JSON raw only', () => {
    for (const broken of ['{"a":1,}', '{"a" 1}', '[01]', 'not json', '{"a":1}}']) expect(prettyJson(broken)).toBeUndefined();
  });
});

describe('values from webhooks on a page', () => {
  it('isolates each value and shows its bidirectional controls as visible markers', () => {
    const markup = shown('conv_evil\u202Efdp.exe').__html;
    expect(markup.startsWith('<bdi class="id">')).toBe(true);
    expect(markup).not.toContain('\u202E');
    expect(textOf(markup)).toBe('conv_evilU+202Efdp.exe');
    for (const control of ['\u200E', '\u200F', '\u202A', '\u2066', '\u2069']) expect(shown(`a${control}b`).__html).not.toContain(control);
  });

  it('counts in words with the right plural', () => {
    expect(plural(1, 'dead letter')).toBe('1 dead letter');
    expect(plural(0, 'dead letter')).toBe('0 dead letters');
    expect(plural(1200, 'delivery', 'deliveries')).toBe('1,200 deliveries');
  });

  it("shows every time in the reader's zone when local time is on, and the zone's name instead of UTC", () => {
    const page = html`<p>${formatTime('2024-07-01T10:30:00.123Z')} <span class="tz">UTC</span></p><!--display-controls-->`.__html;
    const local = finishPage(page, { zone: 'Europe/Berlin', localZone: 'Europe/Berlin', refresh: undefined, here: '/console/' });
    expect(local).toContain('>2024-07-01 12:30:00.123</time>');
    expect(local).toContain('<span class="tz">Europe/Berlin</span>');
    expect(timeIn('2024-01-01T00:00:00.000Z', 'America/New_York')).toBe('2023-12-31 19:00:00.000');
    const refreshing = finishPage(`<head><!--refresh--></head>${page}`, {
      zone: 'UTC',
      localZone: undefined,
      refresh: 30,
      here: '/console/?refresh=30',
    });
    expect(refreshing).toContain('<meta http-equiv="refresh" content="30" />');
    expect(refreshing).toContain('>2024-07-01 10:30:00.123</time>');
  });
});

describe('replay offered per reason', () => {
  it('only for reasons of the catalogue whose letters can pass', () => {
    expect(isReplayable('schema-violation')).toBe(true);
    expect(isReplayable('unknown-event-type')).toBe(true);
    expect(isReplayable('invalid-json')).toBe(false);
    expect(isReplayable('invalid-envelope')).toBe(false);
    expect(isReplayable('made-up')).toBe(false);
    expect(isReplayable(undefined)).toBe(false);
  });
});
