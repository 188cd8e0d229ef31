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
