import { connect, type Socket } from 'node:net';
import { signed } from './events.js';

/** A TCP connection to the bridge that the test writes by hand, and what came back on it. */
export interface RawConnection {
  socket: Socket;
  /** Everything received so far. */
  received(): string;
  /** Resolves with the milliseconds from opening until the bridge closed the connection. */
  closed: Promise<number>;
  write(text: string | Buffer): void;
}

export function rawConnection(url: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const opened = Date.now();
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), hostname);
    let closedAt: (ms: number) => void = () => {};
    const closed = new Promise<number>((done) => {
      closedAt = done;
    });
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', () => closedAt(Date.now() - opened));
    // A reset from the bridge is one way of closing: the test reads it from `closed`.
    socket.on('error', () => {});
    socket.once('connect', () =>
      resolve({ socket, closed, received: () => Buffer.concat(chunks).toString('latin1'), write: (text) => socket.write(text) }),
    );
    socket.once('error', reject);
  });
}

/** The head of a signed webhook request (and its body), for writing in pieces. */
export function signedRequest(body: unknown): { head: string; payload: Buffer } {
  const { headers, payload } = signed(body);
  const lines = Object.entries({ ...headers, host: 'bridge', 'content-length': String(payload.length) }).map(
    ([name, value]) => `${name}: ${value}`,
  );
  return { head: `POST /webhooks/popp HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`, payload };
}

/** An unsigned request that announces a body and then stalls, holding a slot if it can. */
export function stalledRequest(): string {
  return 'POST /webhooks/popp HTTP/1.1\r\nhost: bridge\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"event":';
}

/**
 * A sender that writes a whole request before it reads anything (as simple
 * HTTP clients do), in `chunkBytes` pieces `pauseMs` apart so the server can
 * answer mid-body. Resolves with the first write error (`EPIPE`,
 * `ECONNRESET`: the server's reset reached it) and what it then read, up to
 * the end of the first answer or the connection.
 */
export function writeWholeThenRead(
  url: string,
  request: { head: string; payload: Buffer },
  options: { chunkBytes: number; pauseMs: number; timeoutMs?: number },
): Promise<{ writeError?: string; received: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let writeError: string | undefined;
    const chunks: Buffer[] = [];
    const received = () => Buffer.concat(chunks).toString('latin1');
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...(writeError && { writeError }), received: received() });
    };
    const timer = setTimeout(finish, options.timeoutMs ?? 5_000);
    socket.on('error', (error: NodeJS.ErrnoException) => {
      writeError ??= error.code ?? error.message;
      finish();
    });
    socket.once('connect', async () => {
      const whole = Buffer.concat([Buffer.from(request.head, 'latin1'), request.payload]);
      for (let at = 0; at < whole.length && !socket.destroyed; at += options.chunkBytes) {
        socket.write(whole.subarray(at, at + options.chunkBytes));
        await new Promise((done) => setTimeout(done, options.pauseMs));
      }
      if (socket.destroyed) return;
      // Only now reading: what a reset destroyed on the way is gone.
      socket.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        if (answerComplete(received())) finish();
      });
      socket.on('close', finish);
    });
  });
}

/** Whether `text` holds a whole HTTP answer (head and a Content-Length body). */
function answerComplete(text: string): boolean {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end))?.[1];
  return length !== undefined && Buffer.byteLength(text.slice(end + 4), 'latin1') >= Number(length);
}
