import { describe, expect, it } from 'vitest';
import { parseJson } from '../../../src/contract/value.js';

describe('parsing the verified body', () => {
  it('parses JSON and tolerates a UTF-8 byte order mark', () => {
    expect(parseJson(Buffer.from('{"a":1}'))).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJson(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":"é"}')]))).toEqual({
      ok: true,
      value: { a: 'é' },
    });
  });

  it('reports broken JSON without quoting the body', () => {
    const result = parseJson(Buffer.from('{"candidate":"Jane Doe", broken'));
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('Jane');
  });

  it.each([
    ['ff fe', [0xff, 0xfe]],
    ['a lone continuation byte', [0x80]],
    ['a truncated sequence', [0xc3, 0x28]],
    ['an encoded surrogate (CESU-8)', [0xed, 0xa0, 0x80]],
    ['an overlong slash', [0xc0, 0xaf]],
  ])('refuses JSON whose string holds invalid UTF-8 (%s) instead of decoding it to U+FFFD', (_name, bytes) => {
    const body = Buffer.concat([Buffer.from('{"data":{"organizationId":"org'), Buffer.from(bytes), Buffer.from('"}}')]);
    expect(parseJson(body)).toEqual({ ok: false, detail: 'not UTF-8' });
  });

  it('parses JSON holding any valid UTF-8, astral characters included', () => {
    expect(parseJson(Buffer.from('{"name":"Zoë 😀 名前"}'))).toEqual({ ok: true, value: { name: 'Zoë 😀 名前' } });
  });

  it('calls an empty body empty', () => {
    expect(parseJson(Buffer.alloc(0))).toEqual({ ok: false, detail: 'empty body' });
  });

  it('keeps __proto__ as a plain key instead of touching prototypes', () => {
    const result = parseJson(Buffer.from('{"__proto__":{"polluted":true}}'));
    expect(result.ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
