import type { FastifyInstance } from 'fastify';
import type { Telemetry } from './telemetry.js';

/**
 * The SERVER span of each request to `path`: begun first of all hooks (so a
 * request refused as overloaded is traced too) and ended with the status sent.
 * Nothing is added when tracing is off.
 */
export function traceRoute(app: FastifyInstance, path: string, telemetry: Telemetry): void {
  if (!telemetry.enabled) return;
  app.addHook('onRequest', async (request) => {
    // By the route, not the URL: a query string never reaches a span.
    if (request.routeOptions.url === path) telemetry.begin(request, request.headers, request.method, path);
  });
  app.addHook('onResponse', async (request, reply) => telemetry.end(request, reply.statusCode));
}
