import { fullFormats } from 'ajv-formats/dist/formats.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDateTime } from '../../../src/contract/date-time.js';

const reference = (fullFormats['date-time'] as { validate: (value: string) => boolean }).validate;

const two = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0'));
const separator = fc.constantFrom('T', 't', ' ', '\n', '\u00a0', 'x', '');
const zone = fc.oneof(
  fc.constantFrom('Z', 'z', '', 'Zz', '+', '-00'),
  fc
    .tuple(fc.constantFrom('+', '-'), two, fc.constantFrom(':', '', '::'), fc.option(two))
    .map(([s, h, c, m]) => `${s}${h}${m === null ? '' : c + m}`),
);
/** Mostly timestamps, many of them just wrong (month 13, 29 February, hour 24, leap seconds in odd zones). */
const nearTimestamp = fc
  .tuple(
    fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')),
    two,
    two,
    separator,
    two,
    two,
    fc.oneof(two, fc.constant('60'), fc.constant('61')),
    fc.constantFrom('', '.5', '.123456789', '.', '.x', '.99999999999999999999'),
    zone,
  )
  .map(([y, mo, d, sep, h, mi, s, frac, z]) => `${y}-${mo}-${d}${sep}${h}:${mi}:${s}${frac}${z}`);

describe('the date-time format', () => {
  it('decides every timestamp-like string as ajv-formats does', () => {
    fc.assert(
      fc.property(nearTimestamp, (value) => isDateTime(value) === reference(value)),
      { numRuns: 20_000 },
    );
  });

  it('decides arbitrary strings of timestamp characters as ajv-formats does', () => {
    const chars = fc.constantFrom(...'0123456789-:.+TtZz \t'.split(''));
    fc.assert(
      fc.property(fc.string({ unit: chars, maxLength: 30 }), (value) => isDateTime(value) === reference(value)),
      { numRuns: 20_000 },
    );
  });

  it('accepts leap seconds only at 23:59:60 UTC and a leap day only in leap years', () => {
    expect(isDateTime('2016-12-31T23:59:60Z')).toBe(true);
    expect(isDateTime('2016-12-31T18:59:60-05:00')).toBe(true);
    expect(isDateTime('2016-12-31T22:59:60Z')).toBe(false);
    expect(isDateTime('2024-02-29T10:00:00.000Z')).toBe(true);
    expect(isDateTime('2023-02-29T10:00:00.000Z')).toBe(false);
    expect(isDateTime('2024-01-15T10:30:00.000')).toBe(false); // no time zone
  });
});
