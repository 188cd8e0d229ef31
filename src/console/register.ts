import type { FastifyInstance } from 'fastify';
import { ICON, STYLESHEET } from './assets.js';
import { createConsoleAuth } from './auth.js';
import type { ConsoleDeps, ConsoleRoute, RouteTable } from './deps.js';
import { guard } from './guard.js';
import { pageErrorHandler } from './respond.js';
import { apiRoutes } from './routes-api.js';
import { pageRoutes } from './routes-pages.js';
import { recordRoutes } from './routes-records.js';
import { createLoginThrottle } from './throttle.js';

/** The console's pages and JSON API on the admin listener, every route behind the guard. Returns what it registered. */
export function registerConsole(app: FastifyInstance, deps: ConsoleDeps): ConsoleRoute[] {
  const auth = createConsoleAuth(deps.token, deps.now);
  const throttle = createLoginThrottle({ ...(deps.now && { now: deps.now }) });
  const routes: RouteTable = [
    {
      method: 'GET',
      url: '/console/assets/console.css',
      kind: 'open',
      handler: async (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'max-age=300').send(STYLESHEET),
    },
    {
      method: 'GET',
      url: '/console/assets/icon.svg',
      kind: 'open',
      handler: async (_request, reply) => reply.type('image/svg+xml').header('cache-control', 'max-age=300').send(ICON),
    },
    ...pageRoutes(deps, auth, throttle),
    ...recordRoutes(deps),
    ...apiRoutes(deps),
  ];
  app.get('/console', async (_request, reply) => reply.redirect('/console/', 303));
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.url,
      preHandler: guard(auth, throttle, route.kind),
      handler: route.handler,
      ...(route.kind !== 'api' && { errorHandler: pageErrorHandler }),
    });
  }
  return [
    { method: 'GET', url: '/console', open: true },
    ...routes.map(({ method, url, kind }) => ({ method, url, ...(kind === 'open' && { open: true }) })),
  ];
}
