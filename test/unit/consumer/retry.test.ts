import { describe, expect, it } from 'vitest';
import { backoffMs, withRetries } from '../../../src/consumer/retry.js';

const policy = { attempts: 4, initialDelayMs: 100, maxDelayMs: 300 };
const noSleep = async () => {};

describe('retrying a handler', () => {
  it('waits exponentially longer between tries, half of it random, up to the maximum', () => {
    expect([1, 2, 3, 4].map((attempt) => backoffMs(attempt, policy, () => 0))).toEqual([50, 100, 150, 150]);
    expect([1, 2, 3, 4].map((attempt) => backoffMs(attempt, policy, () => 1))).toEqual([100, 200, 300, 300]);
  });

  it('returns the first success, after the failures before it', async () => {
    const waits: number[] = [];
    const outcome = await withRetries(
      async (attempt) => {
        if (attempt < 3) throw new Error(`try ${attempt}`);
        return `done on ${attempt}`;
      },
      policy,
      { signal: new AbortController().signal, random: () => 0, sleep: async (ms) => void waits.push(ms) },
    );
    expect(outcome).toEqual({ ok: true, value: 'done on 3' });
    expect(waits).toEqual([50, 100]);
  });

  it('gives up after the last attempt with its error', async () => {
    let tries = 0;
    const outcome = await withRetries(
      async () => {
        tries++;
        throw new Error('always');
      },
      policy,
      { signal: new AbortController().signal, sleep: noSleep },
    );
    expect(tries).toBe(4);
    expect(outcome).toMatchObject({ ok: false, attempts: 4, error: new Error('always') });
  });

  it('stops retrying, without a final error, once the consumer is stopping', async () => {
    const abort = new AbortController();
    let tries = 0;
    const outcome = await withRetries(
      async () => {
        tries++;
        abort.abort();
        throw new Error('fails while stopping');
      },
      policy,
      { signal: abort.signal, sleep: noSleep },
    );
    expect(outcome).toEqual({ ok: 'aborted' });
    expect(tries).toBe(1);
  });

  it('cuts a long wait short when the consumer stops', async () => {
    const abort = new AbortController();
    const slow = { attempts: 2, initialDelayMs: 3_600_000, maxDelayMs: 3_600_000 };
    const outcome = withRetries(
      async () => {
        throw new Error('down');
      },
      slow,
      { signal: abort.signal },
    );
    setTimeout(() => abort.abort(), 10);
    expect(await outcome).toEqual({ ok: 'aborted' });
  });
});
