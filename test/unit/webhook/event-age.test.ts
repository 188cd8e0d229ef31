import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dateTimeMs, isDateTime } from '../../../src/contract/date-time.js';
import { createEventAgeCheck } from '../../../src/webhook/event-age.js';

const NOW = Date.parse('2026-03-10T12:00:00.000Z');
const MAX_AGE_MS = 259_200_000 - 300_000;
const MAX_FUTURE_MS = 300_000;
const check = createEventAgeCheck({ maxAgeMs: MAX_AGE_MS, maxFutureMs: MAX_FUTURE_MS, now: () => NOW });

/** `at` written as RFC 3339 in the zone `offsetMinutes` east of UTC, to the millisecond. */
function stamp(at: number, offsetMinutes: number): string {
  const local = new Date(at + offsetMinutes * 60_000).toISOString().slice(0, -1);
  if (offsetMinutes === 0) return `${local}Z`;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

const offsets = fc.constantFrom(0, 60, -300, 330, 345, -570, 840, -720);

describe('the event age window', () => {
  it('passes a timestamp exactly when it is no older than the window and no further ahead than the skew allowance', () => {
    const aroundBound = (bound: number) => fc.integer({ min: -5_000, max: 5_000 }).map((delta) => bound + delta);
    const ages = fc.oneof(aroundBound(MAX_AGE_MS), aroundBound(-MAX_FUTURE_MS), fc.integer({ min: -MAX_FUTURE_MS, max: MAX_AGE_MS }));
    fc.assert(
      fc.property(ages, offsets, (age, offset) => {
        const timestamp = stamp(NOW - age, offset);
        expect(isDateTime(timestamp)).toBe(true);
        const inside = age <= MAX_AGE_MS && age >= -MAX_FUTURE_MS;
        expect(check(timestamp).ok).toBe(inside);
      }),
      { numRuns: 2_000 },
    );
  });

  it('says how old or how far ahead a timestamp is, without quoting it', () => {
    expect(check(stamp(NOW - MAX_AGE_MS - 1_000, 0))).toEqual({
      ok: false,
      detail: 'eventTimestamp is 258901 s old; the window is 258900 s',
    });
    expect(check(stamp(NOW + 3_600_000, 0))).toEqual({
      ok: false,
      detail: 'eventTimestamp is 3600 s ahead; the clock-skew allowance is 300 s',
    });
  });

  it('reads every date-time the envelope accepts as the instant it names', () => {
    const instants = fc.integer({ min: Date.parse('1970-01-01T00:00:00Z'), max: Date.parse('2200-01-01T00:00:00Z') });
    fc.assert(
      fc.property(instants, offsets, (at, offset) => {
        expect(dateTimeMs(stamp(at, offset))).toBe(at);
      }),
    );
    expect(dateTimeMs('2024-01-15T10:30:00+05')).toBe(Date.parse('2024-01-15T05:30:00Z'));
    expect(dateTimeMs('2024-01-15t10:30:00z')).toBe(Date.parse('2024-01-15T10:30:00Z'));
    expect(dateTimeMs('2024-01-15 10:30:00.123456789Z')).toBe(Date.parse('2024-01-15T10:30:00.123Z'));
    // A leap second is read as the second after it: Date.parse refuses it.
    expect(dateTimeMs('2016-12-31T23:59:60Z')).toBe(Date.parse('2017-01-01T00:00:00Z'));
    expect(dateTimeMs('yesterday')).toBeNaN();
  });

  it('refuses a timestamp it cannot read as an instant rather than letting it through', () => {
    expect(check('not a time')).toEqual({ ok: false, detail: 'eventTimestamp cannot be read as an instant' });
  });
});
