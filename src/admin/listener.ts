import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest, LogController } from 'fastify';
import type { Logger } from 'pino';
import { createConsoleAuth } from '../console/auth.js';
import type { ConsoleDeps, ConsoleRoute } from '../console/deps.js';
import { registerConsole } from '../console/register.js';
import { BridgeError, RETRY_AFTER_SECONDS, toBridgeError } from '../errors.js';
import { limitOpenRequestsPerConnection } from '../http/connections.js';
import type { Metrics } from '../metrics.js';

export interface AdminDeps {
  metrics: Metrics;
  logger: Logger | false;
  /** Undefined: no CONSOLE_TOKEN, the console is off and only /metrics is served. */
  console: ConsoleDeps | undefined;
}

/** No script, no frame, nothing from another origin: the console's pages are plain HTML and one stylesheet. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * The admin listener (ADMIN_HOST:ADMIN_PORT, loopback by default): the
 * console, its JSON API and /metrics, on a port apart from the webhooks so
 * the public one serves Popp alone. Builds the app; server.ts listens.
 */
export function buildAdminApp(deps: AdminDeps): { app: FastifyInstance; consoleRoutes: ConsoleRoute[] } {
  const app: FastifyInstance = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger as FastifyBaseLogger } : { logger: false }),
    bodyLimit: 65_536,
    // A recordId is up to 256 characters, each up to 12 once percent-encoded: /console/records/<id> must route.
    maxParamLength: 4_096,
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: (logger) => logger,
  });
  // A pipelined flood of /metrics (14 KB an answer) on one socket that never reads must not pile answers up in memory.
  limitOpenRequestsPerConnection(app);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    // same-origin, not no-referrer: with no-referrer Chrome sends `Origin: null` on the console's own form posts.
    reply.header('referrer-policy', 'same-origin');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('cross-origin-resource-policy', 'same-origin');
    // Pages list ids of candidates' records, a payload is their data: nothing is kept by the browser or a proxy.
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });
  app.setErrorHandler((error, request, reply) => {
    const failure = toBridgeError(error);
    if (failure.status >= 500) {
      const cause = failure.cause instanceof Error ? failure.cause.message : error instanceof Error ? error.message : undefined;
      request.log.error({ code: failure.code, cause, url: request.routeOptions.url }, 'admin request failed');
    }
    if (failure.retriable) void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    return reply.code(failure.status).send({ error: failure.code, message: failure.message });
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'not_found', message: 'no such route' }));

  const metricsAuth = deps.console ? createConsoleAuth(deps.console.token) : undefined;
  app.get('/metrics', async (request, reply) => {
    if (metricsAuth && !isLoopback(request) && metricsAuth.sessionOf(request)?.via !== 'bearer')
      throw new BridgeError('metrics_unauthorized');
    const body = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(body);
  });
  app.get('/', async (_request, reply) =>
    deps.console ? reply.redirect('/console/', 303) : reply.send({ console: 'off', metrics: '/metrics' }),
  );
  const consoleRoutes = deps.console ? registerConsole(app, deps.console) : [];
  return { app, consoleRoutes };
}

/** A scraper on this machine needs no token; one from elsewhere sends the console token as a bearer. */
function isLoopback(request: FastifyRequest): boolean {
  const address = request.socket.remoteAddress ?? '';
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}
