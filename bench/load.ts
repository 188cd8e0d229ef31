import autocannon from 'autocannon';
import type { SignedBody } from './bodies.js';

export interface LoadResult {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  requests: number;
}

/** One autocannon run for a time or a number of requests: keep-alive connections, each request the next unique pre-signed body. */
export async function runLoad(
  url: string,
  bodies: SignedBody[],
  options: { connections: number; seconds: number } | { connections: number; amount: number },
): Promise<LoadResult> {
  let next = 0;
  const result = await autocannon({
    url,
    connections: options.connections,
    ...('amount' in options ? { amount: options.amount } : { duration: options.seconds }),
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const body = bodies[next++ % bodies.length] as SignedBody;
          return { ...request, body: body.body, headers: { 'content-type': 'application/json', 'x-signature': body.signature } };
        },
      },
    ],
  });
  if (next > bodies.length) console.warn(`  note: ${next} requests reused bodies from a pool of ${bodies.length} (duplicates)`);
  return {
    requestsPerSec: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    requests: result.requests.total,
  };
}
