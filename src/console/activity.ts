/** What the overview page shows of the webhooks: the console's four outcomes. */
export type ConsoleOutcome = 'published' | 'duplicate' | 'dead-lettered' | 'refused';
export const CONSOLE_OUTCOMES: readonly ConsoleOutcome[] = ['published', 'duplicate', 'dead-lettered', 'refused'];

/** Requests refused before their type was read (a bad signature is never parsed) count under this name. */
export const UNREAD_TYPE = '(not read)';

export interface ActivitySeries {
  eventType: string;
  outcome: ConsoleOutcome;
  /** One count per minute of the last hour, oldest first; the last is the current minute. */
  perMinute: number[];
  lastHour: number;
  sinceStart: number;
}

export interface ActivitySnapshot {
  /** Start of each minute of `perMinute`, ms since the epoch. */
  minutes: number[];
  series: ActivitySeries[];
  /** Refusals since start by the bridge's error code (invalid_signature, overloaded, ...). */
  refusedByCode: Record<string, number>;
  /** Kafka acknowledgement time of the last batches (acks=all). */
  publishLatency: { batches: number; failed: number; p50Ms: number; p99Ms: number; maxMs: number } | undefined;
  startedAt: number;
}

export interface Activity {
  webhook(outcome: string, eventType: string | undefined): void;
  batch(seconds: number, ok: boolean): void;
  snapshot(): ActivitySnapshot;
}

const MINUTE = 60_000;
const SLOTS = 60;
const MAX_SERIES = 400;
const LATENCY_SAMPLES = 2_048;

interface Counts {
  eventType: string;
  outcome: ConsoleOutcome;
  counts: Uint32Array;
  /** The minute each slot counts; a slot from an older hour is zeroed when reused. */
  minuteOf: Float64Array;
  total: number;
}

/**
 * Per event type and outcome, a count per minute for the last hour in a ring
 * of 60 slots, and totals since start: a few typed arrays per series, one
 * increment per webhook. In memory and per process, like /metrics.
 */
export function createActivity(now: () => number = Date.now): Activity {
  const startedAt = now();
  const series = new Map<string, Counts>();
  const refusedByCode: Record<string, number> = {};
  const latencies = new Float64Array(LATENCY_SAMPLES);
  let batches = 0;
  let failed = 0;

  function countsFor(eventType: string, outcome: ConsoleOutcome): Counts {
    const key = `${outcome}\n${eventType}`;
    let entry = series.get(key);
    if (!entry) {
      // Bounded: unknown types are many only if something is wrong; the rest share one row.
      if (series.size >= MAX_SERIES) return countsFor('(other)', outcome);
      entry = { eventType, outcome, counts: new Uint32Array(SLOTS), minuteOf: new Float64Array(SLOTS).fill(-1), total: 0 };
      series.set(key, entry);
    }
    return entry;
  }

  return {
    webhook(outcome, eventType) {
      const known = outcome === 'published' || outcome === 'duplicate' || outcome === 'dead-lettered';
      if (!known) refusedByCode[outcome] = (refusedByCode[outcome] ?? 0) + 1;
      const entry = countsFor(eventType ?? UNREAD_TYPE, known ? outcome : 'refused');
      const minute = Math.floor(now() / MINUTE);
      const slot = minute % SLOTS;
      if (entry.minuteOf[slot] !== minute) {
        entry.minuteOf[slot] = minute;
        entry.counts[slot] = 0;
      }
      entry.counts[slot] = (entry.counts[slot] ?? 0) + 1;
      entry.total++;
    },
    batch(seconds, ok) {
      latencies[batches % LATENCY_SAMPLES] = seconds * 1000;
      batches++;
      if (!ok) failed++;
    },
    snapshot() {
      const current = Math.floor(now() / MINUTE);
      const minutes = Array.from({ length: SLOTS }, (_, index) => (current - SLOTS + 1 + index) * MINUTE);
      const list: ActivitySeries[] = [...series.values()].map((entry) => {
        const perMinute = minutes.map((start) => {
          const minute = start / MINUTE;
          const slot = minute % SLOTS;
          return entry.minuteOf[slot] === minute ? (entry.counts[slot] ?? 0) : 0;
        });
        const lastHour = perMinute.reduce((sum, count) => sum + count, 0);
        return { eventType: entry.eventType, outcome: entry.outcome, perMinute, lastHour, sinceStart: entry.total };
      });
      list.sort(
        (a, b) => a.eventType.localeCompare(b.eventType) || CONSOLE_OUTCOMES.indexOf(a.outcome) - CONSOLE_OUTCOMES.indexOf(b.outcome),
      );
      return { minutes, series: list, refusedByCode: { ...refusedByCode }, publishLatency: latency(), startedAt };
    },
  };

  function latency(): ActivitySnapshot['publishLatency'] {
    if (batches === 0) return undefined;
    const samples = [...latencies.subarray(0, Math.min(batches, LATENCY_SAMPLES))].sort((a, b) => a - b);
    const at = (q: number) => round(samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? 0);
    return { batches, failed, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: round(samples.at(-1) ?? 0) };
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
