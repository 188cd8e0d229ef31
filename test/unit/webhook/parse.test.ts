import { describe, expect, it } from 'vitest';
import { parseJson } from '../../../src/webhook/parse.js';

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

  it('calls an empty body empty', () => {
    expect(parseJson(Buffer.alloc(0))).toEqual({ ok: false, detail: 'empty body' });
  });

  it('keeps __proto__ as a plain key instead of touching prototypes', () => {
    const result = parseJson(Buffer.from('{"__proto__":{"polluted":true}}'));
    expect(result.ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
