import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { schemasDir } from '../../../src/paths.js';
import { isHeaderSafe, MAX_ID_LENGTH, printable } from '../../../src/webhook/header-text.js';

const envelope = JSON.parse(readFileSync(join(schemasDir, 'envelope.json'), 'utf8'));
const eventId = envelope.properties.eventId as { pattern: string; maxLength: number; minLength: number };
// The pattern as a JSON Schema validator reads it: ECMA-262 with the unicode flag (ajv's default).
const pattern = new RegExp(eventId.pattern, 'u');

/** Code units of every kind that matters: ASCII, controls, C1, surrogate halves, and whole astral characters. */
const unit = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('a', 'Z', '0', '-', ' ', 'é', '名', '😀') },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('\u0000', '\r', '\n', '\t', '\u007f', '\u0085', '\u009f', '\ud800', '\udbff', '\udc00', '\udfff'),
  },
);
const texts = fc.oneof(
  fc.string({ unit, maxLength: 40 }),
  fc.tuple(fc.integer({ min: 250, max: 260 }), fc.string({ unit, maxLength: 3 })).map(([n, tail]) => 'x'.repeat(n) + tail),
);

describe('the rule for text that becomes a header or key', () => {
  it('is the envelope schema’s rule for ids, on thousands of generated strings', () => {
    expect(eventId.maxLength).toBe(MAX_ID_LENGTH);
    for (const field of ['recordId', 'organizationId']) {
      expect(envelope.properties.data.properties[field]).toMatchObject({
        pattern: eventId.pattern,
        maxLength: MAX_ID_LENGTH,
        minLength: 1,
      });
    }
    fc.assert(
      fc.property(texts, (text) => {
        const bySchema = pattern.test(text) && [...text].length >= eventId.minLength && [...text].length <= eventId.maxLength;
        expect(isHeaderSafe(text)).toBe(bySchema);
      }),
      { numRuns: 5_000 },
    );
  });

  it('makes any text printable and well-formed, keeping whole astral characters', () => {
    expect(printable('a\r\nb\u0000\ud800c😀')).toBe('a??b??c😀');
    fc.assert(
      fc.property(texts, (text) => {
        const out = printable(text);
        expect(out.length).toBe(text.length);
        expect(isHeaderSafe(out, Number.POSITIVE_INFINITY) || out === '').toBe(true);
      }),
    );
  });
});
