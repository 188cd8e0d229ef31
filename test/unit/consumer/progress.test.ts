import { describe, expect, it } from 'vitest';
import { caughtUpTo, formatRebuildProgress, rebuildProgress } from '../../../src/consumer/progress.js';

/** Partition 0 holds offsets 0–99, 1 is empty, 2 holds 50–149 (0–49 deleted). */
const ends = new Map([
  ['t/0', { low: 0n, high: 100n }],
  ['t/1', { low: 0n, high: 0n }],
  ['t/2', { low: 50n, high: 150n }],
]);

describe('the progress of a rebuild', () => {
  it('counts what was read against the end seen at the start, ignoring records written since', () => {
    const progress = rebuildProgress(
      ends,
      new Map([
        ['t/0', 40n],
        ['t/2', 170n],
      ]),
      2,
    );
    expect(progress).toMatchObject({ events: 140, total: 200, lag: 60, eventsPerSec: 70 });
    expect(progress.etaSeconds).toBeCloseTo(60 / 70);
  });

  it('has no ETA before anything was read', () => {
    expect(rebuildProgress(ends, new Map(), 0)).toMatchObject({ events: 0, lag: 200, etaSeconds: undefined });
  });

  it('is caught up once every partition reached its end, empty ones included', () => {
    expect(caughtUpTo(ends, new Map([['t/0', 100n]]))).toBe(false);
    expect(
      caughtUpTo(
        ends,
        new Map([
          ['t/0', 100n],
          ['t/2', 150n],
        ]),
      ),
    ).toBe(true);
  });

  it('reads as one line with events/s, lag and ETA', () => {
    const line = formatRebuildProgress({ events: 120_000, total: 200_000, lag: 80_000, eventsPerSec: 24_310, etaSeconds: 3.3, seconds: 5 });
    expect(line).toBe('rebuild: 120,000 of 200,000 events (60 %), 24,310 events/s, lag 80,000, ETA 4 s');
    expect(formatRebuildProgress({ events: 0, total: 10, lag: 10, eventsPerSec: 0, etaSeconds: undefined, seconds: 0 })).toContain(
      'ETA unknown',
    );
    expect(
      formatRebuildProgress({ events: 1, total: 10_000_001, lag: 10_000_000, eventsPerSec: 2_000, etaSeconds: 5_000, seconds: 1 }),
    ).toContain('ETA 1 h 23 min');
  });
});
