import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Requests one connection may have open at once (read, not yet answered). */
export const MAX_OPEN_PER_CONNECTION = 16;

interface ConnectionState {
  open: number;
  /** The end callbacks of its open requests: run when the connection closes first. */
  ends: Set<() => void>;
}

const STATE = Symbol('popp-bridge.connection');
type TrackedSocket = Socket & { [STATE]?: ConnectionState };

/**
 * Bounds what one connection can queue. HTTP/1.1 pipelining lets a client
 * send thousands of requests without reading a single answer: Node parses
 * every request of a chunk it has read, and each answer waits in memory for
 * the ones before it. Past the bound the connection is closed, and what it had
 * queued with it. Browsers and HTTP clients do not pipeline this deep.
 */
export function limitOpenRequestsPerConnection(app: FastifyInstance, maxOpen = MAX_OPEN_PER_CONNECTION): void {
  app.addHook('onRequest', (request, reply, done) => {
    const connection = connectionOf(request);
    if (connection.open >= maxOpen) {
      reply.hijack();
      request.raw.socket.destroy();
      return done();
    }
    connection.open++;
    whenOver(request, reply, () => connection.open--);
    done();
  });
}

/**
 * Runs `end` once, when the response is over: sent, abandoned by the client,
 * or never to be sent because its connection closed while it waited behind
 * earlier pipelined answers (Node emits no `close` for those).
 */
export function whenOver(request: FastifyRequest, reply: FastifyReply, end: () => void): void {
  const connection = connectionOf(request);
  let over = false;
  const once = () => {
    if (over) return;
    over = true;
    connection.ends.delete(once);
    reply.raw.off('close', once);
    end();
  };
  connection.ends.add(once);
  reply.raw.once('close', once);
}

function connectionOf(request: FastifyRequest): ConnectionState {
  const socket = request.raw.socket as TrackedSocket;
  const known = socket[STATE];
  if (known) return known;
  const connection: ConnectionState = { open: 0, ends: new Set() };
  socket[STATE] = connection;
  socket.once('close', () => {
    for (const end of [...connection.ends]) end();
  });
  return connection;
}
