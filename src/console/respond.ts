import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { toBridgeError } from '../errors.js';
import { displayOf, finishPage } from './display.js';
import { csrfOfSession } from './guard.js';
import { html, layout } from './html.js';

/** A page as sent: in the reader's time zone, with the refresh asked for. */
export function sendPage(request: FastifyRequest, reply: FastifyReply, page: string, status = 200) {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .send(finishPage(page, displayOf(request)));
}

/**
 * A page's refusal as a page: a filter over its bound, `from` after `to`, a
 * missing record say so in words beside the navigation, with the status the
 * API would answer. Server faults go on to the listener's handler (logged).
 */
export function pageErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const failure = toBridgeError(error);
  // Refusals of the guard (401, 403, 429) and of actions keep their JSON answer; a page's bad filter becomes a page.
  if (request.method !== 'GET' || ![400, 404].includes(failure.status)) throw error;
  const session = request.consoleSession;
  const body = html`<h1>${failure.status === 400 ? 'That cannot be searched' : 'Refused'}</h1>
    <div class="error">${failure.message}</div>
    <p><a href="${back(request)}">Back to the page without its filters</a></p>`;
  return sendPage(
    request,
    reply,
    layout({ title: 'Refused', section: 'none', body, ...(session && { csrf: csrfOfSession(request) }) }),
    failure.status,
  );
}

function back(request: FastifyRequest): string {
  const path = request.url.split('?')[0] ?? '/console/';
  return request.method === 'GET' && request.consoleSession ? path : '/console/';
}
