import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import { type Backpressure, guardRoute } from './backpressure.js';
import { type BridgeError, RETRY_AFTER_SECONDS, toBridgeError } from './errors.js';
import { limitOpenRequestsPerConnection } from './http/connections.js';
import { answerOversizedBodiesAfterReading } from './http/oversized-bodies.js';
import { serverTimeouts } from './http/timeouts.js';
import type { Readiness } from './kafka/health.js';
import { createLogLimiter } from './log-limiter.js';
import type { WebhookOutcome } from './metrics.js';
import { traceRoute } from './telemetry/fastify.js';
import { registerWebhookRoute, WEBHOOK_PATH, type WebhookDeps } from './webhook/route.js';

export interface AppDeps extends WebhookDeps {
  readiness: Readiness;
  maxBodyBytes: number;
  logger: FastifyServerOptions['logger'] | FastifyServerOptions['loggerInstance'];
  /** True once shutdown began: readiness turns 503 so a load balancer drains us. */
  shuttingDown?: () => boolean;
  /** Bounds on webhooks in flight, requests still arriving and event-loop delay (docs/guarantees.md); none when absent. */
  backpressure?: Backpressure;
  /** Sets the server's timeouts against slow clients (see http/timeouts.ts); Node's defaults when absent. */
  publishTimeoutMs?: number;
  /** A request's headers and body must arrive within this (default 10 s). */
  requestTimeoutMs?: number;
  /** Clock of the refusal-log limiter. */
  nowMs?: () => number;
}

/** The HTTP app with everything it needs passed in; it does not listen (server.ts does). */
export function buildApp(deps: AppDeps): FastifyInstance {
  const app = Fastify({
    ...loggerOption(deps.logger),
    bodyLimit: deps.maxBodyBytes,
    // Per-request log lines would cost throughput and say nothing the metrics do not.
    logController: new LogController({ disableRequestLogging: true }),
    // No child logger per request: with redaction configured, pino's child() cost ~2 % of the CPU under load,
    // for a reqId binding that the few request-scoped lines (errors, dead letters) do not need: they name the eventId.
    childLoggerFactory: (logger) => logger,
    // With backpressure, the webhook route answers `shutting_down` itself (with Retry-After).
    return503OnClosing: !deps.backpressure,
    ...(deps.publishTimeoutMs !== undefined && serverTimeouts(deps.publishTimeoutMs, deps.requestTimeoutMs ?? 10_000)),
  });
  // First of all hooks: a connection past its bound is closed before anything else is done for it.
  limitOpenRequestsPerConnection(app);
  answerOversizedBodiesAfterReading(app, deps.maxBodyBytes);
  // Before the backpressure guard: a refused request still gets its span.
  if (deps.telemetry) traceRoute(app, WEBHOOK_PATH, deps.telemetry);

  // Keep the body as raw bytes: the signature covers them, and they are what Kafka stores.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  const limitLog = createLogLimiter(undefined, deps.nowMs);
  app.setErrorHandler((error, request, reply) => {
    const failure = toBridgeError(error);
    // By the route, not the URL: `/webhooks/popp?x=1` and `/webhooks/%70opp` are the same route.
    if (request.routeOptions.url === WEBHOOK_PATH) {
      deps.metrics.webhook(outcomeOf(failure.code));
      deps.telemetry?.trace(request).outcome(outcomeOf(failure.code), { error: failure.code });
    }
    if (failure.status >= 500) logFailure(failure, request.log, limitLog);
    if (failure.retriable) void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    return reply.code(failure.status).send({ error: failure.code, message: failure.message });
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'not_found', message: 'no such route' }));

  if (deps.backpressure) guardRoute(app, WEBHOOK_PATH, deps.backpressure);
  registerWebhookRoute(app, deps);

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    if (deps.shuttingDown?.()) return reply.code(503).send({ status: 'shutting-down' });
    const { ready, detail } = await deps.readiness.check();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', detail });
  });
  return app;
}

/**
 * A bug (`internal`) is logged every time. Refusals are logged at most once
 * per code every 10 s, with the count of those left out: under load or an
 * outage they come by the thousand a second, and the metrics count each one.
 */
function logFailure(failure: BridgeError, log: FastifyBaseLogger, limitLog: ReturnType<typeof createLogLimiter>): void {
  const cause = failure.cause instanceof Error ? failure.cause.message : undefined;
  if (failure.code === 'internal') {
    log.error({ code: failure.code, cause }, 'request failed');
    return;
  }
  const load = failure.code === 'overloaded' || failure.code === 'shutting_down';
  limitLog(failure.code, (suppressed) => {
    if (load) log.warn({ code: failure.code, suppressed }, 'webhooks refused');
    else log.error({ code: failure.code, cause, suppressed }, 'request failed');
  });
}

function outcomeOf(code: string): WebhookOutcome {
  if (code === 'invalid_signature' || code === 'unsupported_media_type' || code === 'payload_too_large') return code;
  if (code === 'publish_timeout' || code === 'kafka_unavailable' || code === 'overloaded' || code === 'shutting_down') {
    return 'unavailable';
  }
  if (code === 'spool_full' || code === 'spool_unavailable') return 'unavailable';
  return 'error';
}

function loggerOption(logger: AppDeps['logger']): Pick<FastifyServerOptions, 'logger' | 'loggerInstance'> {
  if (logger && typeof logger === 'object' && 'child' in logger && typeof logger.child === 'function') {
    return { loggerInstance: logger as FastifyServerOptions['loggerInstance'] };
  }
  return { logger: logger as FastifyServerOptions['logger'] };
}
