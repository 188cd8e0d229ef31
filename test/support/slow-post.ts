import { request } from 'node:http';
import { signed } from './events.js';

/**
 * A signed webhook whose body arrives in two halves `gapMs` apart: the bridge
 * has the request (its headers) long before it can answer, so it is in
 * flight across whatever the test does meanwhile. Resolves with the status,
 * or the error code when no answer came.
 */
export function slowPost(url: string, body: unknown, gapMs: number): Promise<number | string> {
  const { headers, payload } = signed(body);
  return new Promise((resolve) => {
    const req = request(`${url}/webhooks/popp`, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(payload.length) },
      agent: false,
    });
    req.on('response', (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    req.on('error', (error) => resolve(`error:${(error as NodeJS.ErrnoException).code ?? error.message}`));
    const half = Math.floor(payload.length / 2);
    req.write(payload.subarray(0, half));
    setTimeout(() => req.end(payload.subarray(half)), gapMs);
  });
}
