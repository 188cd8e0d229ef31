import type { ServerOptions } from 'node:http';

/** Node checks its request deadlines on this beat (its default is 30 s, which made a 30-s bound up to a minute). */
export const TIMEOUT_CHECK_INTERVAL_MS = 1_000;
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** How much longer than a publish a connection may be silent. */
export const IDLE_MARGIN_MS = 30_000;

/**
 * Timeouts against slow or idle clients. A request's headers and body must
 * arrive whole within `requestTimeoutMs` (else 408 and the connection is
 * closed); Node checks on a one-second beat, so the cut comes at most a
 * second late. They go to Node's server when it is created: Fastify sets its
 * own `requestTimeout` afterwards, which leaves Node's `headersTimeout` at 60 s
 * and its check at every 30 s. The socket's idle timeout must outlast a
 * publish (the socket is silent while Kafka acknowledges); keep-alive outlasts
 * the usual 60 s idle timeout of load balancers, so they close first and never
 * send on a socket we are closing.
 */
export function serverTimeouts(
  publishTimeoutMs: number,
  requestTimeoutMs: number,
): { connectionTimeout: number; keepAliveTimeout: number; requestTimeout: number; http: ServerOptions } {
  return {
    connectionTimeout: publishTimeoutMs + IDLE_MARGIN_MS,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    requestTimeout: requestTimeoutMs,
    http: {
      requestTimeout: requestTimeoutMs,
      headersTimeout: requestTimeoutMs,
      connectionsCheckingInterval: Math.min(TIMEOUT_CHECK_INTERVAL_MS, requestTimeoutMs),
    },
  };
}
