import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { BridgeError } from './errors.js';

export interface Backpressure {
  /** Undefined when a new webhook may enter; else why not. */
  refuse(): 'too-many-in-flight' | 'event-loop-delayed' | undefined;
  enter(): void;
  leave(): void;
  inFlight(): number;
  stop(): void;
}

export interface BackpressureOptions {
  maxInFlight: number;
  maxEventLoopDelayMs: number;
  /** How often the event-loop delay is sampled; the verdict holds until the next sample. */
  sampleMs?: number;
}

/**
 * Two bounds that keep memory and latency finite under a flood: webhooks in
 * flight (each holds its body until Kafka answers), and the event loop's
 * delay (a saturated CPU answers everything late, so Popp's own timeout
 * would fire and it would retry anyway). Past either, a fast 503 tells Popp
 * to come back, which costs far less than queueing.
 */
export function createBackpressure(options: BackpressureOptions): Backpressure {
  let inFlight = 0;
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
      return delayed ? 'event-loop-delayed' : undefined;
    },
    enter() {
      inFlight++;
    },
    leave() {
      inFlight--;
    },
    inFlight: () => inFlight,
    stop() {
      clearInterval(sampler);
      histogram.disable();
    },
  };
}

/**
 * Applies the bounds to one route: refused requests get `overloaded` before
 * their body is read; admitted ones count until their response closes
 * (answered or abandoned by the client). Once the server closes, requests
 * still arriving on open keep-alive connections get `shutting_down`.
 */
export function guardRoute(app: FastifyInstance, path: string, backpressure: Backpressure, onRefused?: (why: string) => void): void {
  // Fastify's own 503 while closing has no Retry-After and is not in our catalogue: answer it here.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.url !== path) return;
    if (closing) throw new BridgeError('shutting_down');
    const why = backpressure.refuse();
    if (why) {
      onRefused?.(why);
      throw new BridgeError('overloaded');
    }
    backpressure.enter();
    reply.raw.once('close', () => backpressure.leave());
  });
}

/**
 * Timeouts against slow or idle clients. The socket's idle timeout must
 * outlast a publish (the socket is silent while Kafka acknowledges); the
 * whole request (headers and body) must arrive within `requestTimeout`;
 * keep-alive outlasts the usual 60 s idle timeout of load balancers, so they
 * close first and never send on a socket we are closing.
 */
export function serverTimeouts(
  publishTimeoutMs: number,
): Pick<FastifyServerOptions, 'connectionTimeout' | 'keepAliveTimeout' | 'requestTimeout'> {
  return { connectionTimeout: publishTimeoutMs + 30_000, keepAliveTimeout: 65_000, requestTimeout: 30_000 };
}
