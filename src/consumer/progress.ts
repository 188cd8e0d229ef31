import type { LogEnds } from './catch-up.js';

export interface RebuildProgress {
  /** Records read so far, every type (skipped ones too). */
  events: number;
  /** Records from the beginning of the log to the end it had when the rebuild began. */
  total: number;
  /** Records still to read: `total - events`. */
  lag: number;
  /** Since the rebuild started reading. */
  eventsPerSec: number;
  /** At that rate; undefined before anything was read. */
  etaSeconds: number | undefined;
  seconds: number;
}

/** Where a rebuild stands, from the ends seen at its start and each partition's next offset to read. */
export function rebuildProgress(ends: LogEnds, positions: ReadonlyMap<string, bigint>, seconds: number): RebuildProgress {
  let total = 0n;
  let lag = 0n;
  for (const [where, { high, low }] of ends) {
    total += high - low;
    const position = positions.get(where) ?? low;
    const read = position <= low ? 0n : position >= high ? high - low : position - low;
    lag += high - low - read;
  }
  const events = Number(total - lag);
  const eventsPerSec = seconds > 0 ? events / seconds : 0;
  const etaSeconds = eventsPerSec > 0 ? Number(lag) / eventsPerSec : undefined;
  return { events, total: Number(total), lag: Number(lag), eventsPerSec: Math.round(eventsPerSec), etaSeconds, seconds };
}

/** Whether every partition has reached the end it had at the start. */
export function caughtUpTo(ends: LogEnds, positions: ReadonlyMap<string, bigint>): boolean {
  for (const [where, { high, low }] of ends) if ((positions.get(where) ?? low) < high) return false;
  return true;
}

/** `rebuild: 120,000 of 200,000 events (60 %), 24,310 events/s, lag 80,000, ETA 3 s` */
export function formatRebuildProgress(p: RebuildProgress): string {
  const n = (value: number) => Math.round(value).toLocaleString('en-US');
  const share = p.total === 0 ? 100 : Math.floor((p.events / p.total) * 100);
  const eta = p.etaSeconds === undefined ? 'ETA unknown' : `ETA ${duration(p.etaSeconds)}`;
  return `rebuild: ${n(p.events)} of ${n(p.total)} events (${share} %), ${n(p.eventsPerSec)} events/s, lag ${n(p.lag)}, ${eta}`;
}

function duration(seconds: number): string {
  const s = Math.ceil(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3_600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3_600)} h ${Math.floor((s % 3_600) / 60)} min`;
}
