import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BridgeError } from './errors.js';
import { whenOver } from './http/connections.js';

export type Refusal = 'too-many-in-flight' | 'too-many-unverified' | 'event-loop-delayed';

export interface Backpressure {
  /** Undefined when a new webhook may be read; else why not. */
  refuse(): Refusal | undefined;
  /** Its headers are in, its body is arriving: it has not proven a signature yet. */
  startReading(): void;
  doneReading(): void;
  /** Its body is in: false past the in-flight bound, else it counts until `leave`. */
  enter(): boolean;
  leave(): void;
  inFlight(): number;
  unverified(): number;
  stop(): void;
}

export interface BackpressureOptions {
  maxInFlight: number;
  /** Requests whose body is still arriving; unbounded when absent. */
  maxUnverified?: number;
  maxEventLoopDelayMs: number;
  /** How often the event-loop delay is sampled; the verdict holds until the next sample. */
  sampleMs?: number;
}

/**
 * Bounds that keep memory and latency finite under a flood: webhooks in
 * flight (each holds its body until Kafka answers); apart from them, requests
 * whose body is still arriving, so that clients that send headers and stall
 * (unsigned, for all we know) cannot take the slots of signed webhooks; and
 * the event loop's delay (a saturated CPU answers everything late, so Popp's
 * own timeout would fire and it would retry anyway). Past any of them, a fast
 * 503 tells Popp to come back, which costs far less than queueing.
 */
export function createBackpressure(options: BackpressureOptions): Backpressure {
  let inFlight = 0;
  let unverified = 0;
  const maxUnverified = options.maxUnverified ?? Number.POSITIVE_INFINITY;
  let delayed = false;
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const sampler = setInterval(() => {
    // The 99th percentile over the last interval: one slow GC pause does not refuse traffic.
    delayed = histogram.percentile(99) / 1e6 > options.maxEventLoopDelayMs;
    histogram.reset();
  }, options.sampleMs ?? 500);
  sampler.unref();

  return {
    refuse() {
      if (inFlight >= options.maxInFlight) return 'too-many-in-flight';
      if (unverified >= maxUnverified) return 'too-many-unverified';
      return delayed ? 'event-loop-delayed' : undefined;
    },
    startReading() {
      unverified++;
    },
    doneReading() {
      unverified--;
    },
    enter() {
      if (inFlight >= options.maxInFlight) return false;
      inFlight++;
      return true;
    },
    leave() {
      inFlight--;
    },
    inFlight: () => inFlight,
    unverified: () => unverified,
    stop() {
      clearInterval(sampler);
      histogram.disable();
    },
  };
}

/** Where one request stands against the bounds, between its hooks. */
interface Slot {
  reading: boolean;
  admitted: boolean;
}
const SLOT = Symbol('popp-bridge.backpressure');
type Guarded = FastifyRequest & { [SLOT]?: Slot | null };

/**
 * Applies the bounds to one route. Refused requests get `overloaded` before
 * their body is read. Admitted ones count as unverified while their body
 * arrives (the server's request timeout cuts those that stall), then against
 * the in-flight bound until their response is over (answered, abandoned, or
 * its connection gone). Once the server closes, requests still arriving on
 * open keep-alive connections get `shutting_down`.
 */
export function guardRoute(app: FastifyInstance, path: string, backpressure: Backpressure, onRefused?: (why: Refusal) => void): void {
  // Fastify's own 503 while closing has no Retry-After and is not in our catalogue: answer it here.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.decorateRequest(SLOT, null);
  app.addHook('onRequest', async (request: Guarded, reply) => {
    if (request.routeOptions.url !== path) return;
    if (closing) throw new BridgeError('shutting_down');
    const why = backpressure.refuse();
    if (why) {
      onRefused?.(why);
      throw new BridgeError('overloaded');
    }
    const slot: Slot = { reading: true, admitted: false };
    request[SLOT] = slot;
    backpressure.startReading();
    whenOver(request, reply, () => {
      stopReading(slot, backpressure);
      if (slot.admitted) backpressure.leave();
    });
  });
  app.addHook('preHandler', async (request: Guarded) => {
    const slot = request[SLOT];
    if (!slot) return;
    stopReading(slot, backpressure);
    if (!backpressure.enter()) {
      onRefused?.('too-many-in-flight');
      throw new BridgeError('overloaded');
    }
    slot.admitted = true;
  });
}

function stopReading(slot: Slot, backpressure: Backpressure): void {
  if (!slot.reading) return;
  slot.reading = false;
  backpressure.doneReading();
}
