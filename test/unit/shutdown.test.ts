import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { exitOnSignals } from '../../src/shutdown.js';

function fakeBridge(close: () => Promise<void>) {
  const steps: string[] = [];
  return {
    steps,
    bridge: {
      logger: pino({ level: 'silent' }),
      beginShutdown: () => void steps.push('readiness 503'),
      close: async () => {
        steps.push('close');
        await close();
      },
    },
  };
}

function exited(): { code: Promise<number>; exit: (code: number) => void } {
  let exit: (code: number) => void = () => {};
  const code = new Promise<number>((resolve) => {
    exit = resolve;
  });
  return { code, exit };
}

describe('shutdown on a signal', () => {
  it('turns readiness 503 first, closes after the drain delay, and exits 0', async () => {
    const { steps, bridge } = fakeBridge(async () => {});
    const { code, exit } = exited();
    exitOnSignals(bridge, { drainMs: 50, timeoutMs: 5_000, signals: ['SIGUSR2'], exit });
    const signalled = Date.now();
    process.kill(process.pid, 'SIGUSR2');
    expect(await code).toBe(0);
    expect(Date.now() - signalled).toBeGreaterThanOrEqual(45);
    expect(steps).toEqual(['readiness 503', 'close']);
  });

  it('exits 1 when closing takes longer than its bound', async () => {
    const { bridge } = fakeBridge(() => new Promise(() => {}));
    const { code, exit } = exited();
    exitOnSignals(bridge, { drainMs: 0, timeoutMs: 100, signals: ['SIGUSR2'], exit });
    process.kill(process.pid, 'SIGUSR2');
    expect(await code).toBe(1);
  });

  it('exits 1 when closing fails', async () => {
    const { bridge } = fakeBridge(async () => Promise.reject(new Error('disconnect failed')));
    const { code, exit } = exited();
    exitOnSignals(bridge, { drainMs: 0, timeoutMs: 5_000, signals: ['SIGUSR2'], exit });
    process.kill(process.pid, 'SIGUSR2');
    expect(await code).toBe(1);
  });
});
