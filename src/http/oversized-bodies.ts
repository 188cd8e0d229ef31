import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';

/** The most of an oversized body read (and dropped) so that its sender can read the 413: one more limit's worth, at least 1 MiB. */
export function discardBound(maxBodyBytes: number): number {
  return maxBodyBytes + Math.max(maxBodyBytes, 1_048_576);
}

/**
 * A body whose Content-Length is over the limit is read and dropped before
 * Fastify answers it (413, or 415 without a JSON content type) and closes the
 * connection. Answered at once, the connection was closed while the sender
 * was still writing: the kernel answers bytes that arrive on a closed socket
 * with a reset, which could destroy the unread answer at the sender (it saw
 * EPIPE or ECONNRESET instead; docs/http-contract.md). Bounded: a body past
 * `discardBound` is answered at once, as before, and the request timeout
 * bounds how long a slow sender is read.
 */
export function answerOversizedBodiesAfterReading(app: FastifyInstance, maxBodyBytes: number): void {
  const bound = discardBound(maxBodyBytes);
  app.addHook('preParsing', (request, _reply, payload, done) => {
    const declared = Number(request.headers['content-length']);
    if (!(declared > maxBodyBytes) || declared > bound) return done(null, payload);
    void discard(payload).then(() => done(null, payload));
  });
}

function discard(stream: Readable): Promise<void> {
  return new Promise((resolve) => {
    if (stream.readableEnded || stream.destroyed) return resolve();
    const over = () => {
      stream.off('end', over);
      stream.off('close', over);
      stream.off('error', over);
      resolve();
    };
    stream.on('end', over);
    stream.on('close', over);
    stream.on('error', over);
    stream.resume();
  });
}
