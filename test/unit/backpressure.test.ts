import { afterEach, describe, expect, it } from 'vitest';
import { type Backpressure, createBackpressure } from '../../src/backpressure.js';
import { inMemoryApp } from '../support/app.js';
import { documentUploaded, signed } from '../support/events.js';

let backpressure: Backpressure | undefined;
afterEach(() => backpressure?.stop());

function inject(app: ReturnType<typeof inMemoryApp>['app'], body: unknown) {
  const request = signed(body);
  return app.inject({ method: 'POST', url: '/webhooks/popp', headers: request.headers, payload: request.payload });
}

describe('backpressure', () => {
  it('answers 503 overloaded with Retry-After past the in-flight bound, and admits again once answers went out', async () => {
    backpressure = createBackpressure({ maxInFlight: 2, maxEventLoopDelayMs: 10_000 });
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { app, published } = inMemoryApp({ publish: () => held, deps: { backpressure } });
    const first = [inject(app, documentUploaded()), inject(app, documentUploaded())];
    while (backpressure.inFlight() < 2) await new Promise((resolve) => setTimeout(resolve, 5));

    const refused = await inject(app, documentUploaded());
    expect(refused.statusCode).toBe(503);
    expect(refused.json()).toMatchObject({ error: 'overloaded' });
    expect(refused.headers['retry-after']).toBe('5');
    // Health and metrics stay outside the bound: a busy bridge is alive.
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);

    release();
    for (const response of await Promise.all(first)) expect(response.statusCode).toBe(200);
    expect(backpressure.inFlight()).toBe(0);
    expect((await inject(app, documentUploaded())).statusCode).toBe(200);
    expect(published).toHaveLength(6);
  });

  it('refuses new webhooks while the event loop lags past its bound', async () => {
    backpressure = createBackpressure({ maxInFlight: 100, maxEventLoopDelayMs: 100, sampleMs: 1_000 });
    const { app } = inMemoryApp({ deps: { backpressure } });
    await app.ready();
    // The monitor's first tick only starts its clock: lag before it is not seen.
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    const until = Date.now() + 1_100;
    while (Date.now() < until) {
      // keep the event loop busy: every timer fires late
    }
    // A following sample sees the lag and the verdict holds for one sample interval (1 s), long enough for the request below on a loaded machine.
    // Polled on every turn of the loop, not on a timer, so a loaded machine cannot step over that window.
    let verdict = backpressure.refuse();
    const giveUp = Date.now() + 5_000;
    while (!verdict && Date.now() < giveUp) {
      await new Promise((resolve) => setImmediate(resolve));
      verdict = backpressure.refuse();
    }
    expect(verdict).toBe('event-loop-delayed');
    expect((await inject(app, documentUploaded())).json()).toMatchObject({ error: 'overloaded' });
  });

  it('counts a request as unverified while its body arrives, then as in flight until it is answered', async () => {
    backpressure = createBackpressure({ maxInFlight: 1, maxUnverified: 1, maxEventLoopDelayMs: 10_000 });
    expect(backpressure.refuse()).toBeUndefined();
    backpressure.startReading();
    expect(backpressure.refuse()).toBe('too-many-unverified');
    backpressure.doneReading();
    expect(backpressure.enter()).toBe(true);
    expect(backpressure.enter()).toBe(false);
    expect(backpressure.refuse()).toBe('too-many-in-flight');
    backpressure.leave();
    expect([backpressure.inFlight(), backpressure.unverified(), backpressure.refuse()]).toEqual([0, 0, undefined]);
  });
});
