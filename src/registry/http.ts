import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { RegistryTls } from './subjects.js';

/**
 * One request to the registry with its CA and client certificate: what
 * `fetch` cannot be given on Node 20 without a dependency. For the calls made
 * outside the registry library (`schemas:check`, the console's probe).
 */
export function registryRequest(
  url: string,
  options: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string; tls?: RegistryTls | undefined; timeoutMs: number },
): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = send(
      target,
      {
        method: options.method ?? 'GET',
        headers: options.headers,
        timeout: options.timeoutMs,
        ...(target.protocol === 'https:' && options.tls),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}
