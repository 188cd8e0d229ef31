import type { RetryPolicy } from './types.js';

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, initialDelayMs: 200, maxDelayMs: 10_000 };

export type RetryOutcome<T> = { ok: true; value: T } | { ok: false; error: unknown; attempts: number } | { ok: 'aborted' };

export interface RetryIo {
  /** Aborted when the consumer stops: no new try starts and waiting ends at once. */
  signal: AbortSignal;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
  onRetry?: (attempt: number, error: unknown, delayMs: number) => void;
  /** The first try already ran elsewhere and failed with this error: go on from the second. */
  firstFailure?: { error: unknown };
}

/**
 * Runs `work` until it succeeds or `policy.attempts` tries failed, waiting
 * exponentially longer between tries (with jitter, so that many consumers
 * failing on one cause do not retry in step).
 */
export async function withRetries<T>(work: (attempt: number) => Promise<T>, policy: RetryPolicy, io: RetryIo): Promise<RetryOutcome<T>> {
  const sleep = io.sleep ?? abortableSleep;
  const random = io.random ?? Math.random;
  let failure = io.firstFailure;
  for (let attempt = failure ? 2 : 1; ; attempt++) {
    if (failure) {
      const failed = attempt - 1;
      if (failed >= policy.attempts) return { ok: false, error: failure.error, attempts: failed };
      if (io.signal.aborted) return { ok: 'aborted' };
      const delay = backoffMs(failed, policy, random);
      io.onRetry?.(failed, failure.error, delay);
      await sleep(delay, io.signal);
    }
    if (io.signal.aborted) return { ok: 'aborted' };
    try {
      return { ok: true, value: await work(attempt) };
    } catch (error) {
      failure = { error };
    }
  }
}

/** Half fixed, half random, doubling per attempt up to the maximum. */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
