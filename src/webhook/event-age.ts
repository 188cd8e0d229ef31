import { dateTimeMs } from '../contract/date-time.js';

export type AgeVerdict = { ok: true } | { ok: false; detail: string };

/** The pipeline's age stage: is a valid event's eventTimestamp inside the window in which a copy would still be caught? */
export type EventAgeCheck = (eventTimestamp: string) => AgeVerdict;

/**
 * A delivery stamped older than `maxAgeMs` (the dedupe window less the skew
 * allowance) or more than `maxFutureMs` ahead of `now` could be a captured
 * copy replayed after the first one was forgotten: it is not published
 * (docs/guides/replay-protection.md). The signature covers the body, so the
 * timestamp cannot be changed without the secret. Both bounds are inclusive.
 */
export function createEventAgeCheck(options: { maxAgeMs: number; maxFutureMs: number; now: () => number }): EventAgeCheck {
  const { maxAgeMs, maxFutureMs, now } = options;
  return (eventTimestamp) => {
    const at = dateTimeMs(eventTimestamp);
    if (Number.isNaN(at)) return { ok: false, detail: 'eventTimestamp cannot be read as an instant' };
    const age = now() - at;
    if (age > maxAgeMs) return { ok: false, detail: `eventTimestamp is ${seconds(age)} s old; the window is ${seconds(maxAgeMs)} s` };
    if (-age > maxFutureMs) {
      return { ok: false, detail: `eventTimestamp is ${seconds(-age)} s ahead; the clock-skew allowance is ${seconds(maxFutureMs)} s` };
    }
    return { ok: true };
  };
}

const seconds = (ms: number) => Math.floor(ms / 1000);
