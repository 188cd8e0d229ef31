import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface StandInResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Answers only after this long: a slow Popp. */
  delayMs?: number;
}

export interface PoppApiStandIn {
  readonly url: string;
  readonly path: string;
  readonly apiKey: string;
  readonly organizationId: string;
  /** Every call it answered, in order. */
  readonly calls: { headers: IncomingHttpHeaders; body: Record<string, unknown> }[];
  /** The next answers for one document (the last segment of its `documentUrl`); then the default, a pass. */
  plan(attachmentId: string, ...responses: StandInResponse[]): void;
  /** Calls made for one document, refused ones included. */
  callsFor(attachmentId: string): number;
  /** Stops listening: Popp unreachable (connections refused). */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

export const passed = (extra: Record<string, unknown> = {}): StandInResponse => ({
  status: 200,
  // Fields this client does not know, as Popp may add: they must not stop it.
  body: { passedValidation: true, validationErrors: [], classification: { documentType: 'passport', confidence: 0.97 }, ...extra },
});

export const failed = (validationErrors: unknown[]): StandInResponse => ({
  status: 200,
  body: { passedValidation: false, validationErrors, requestId: 'req_1' },
});

/**
 * A real HTTP server in place of Popp's API (which cannot be reached from
 * here): it checks the API key headers, answers processDocument from a plan
 * per document, and can go down and come back on the same port.
 */
export async function startPoppApi(port: number): Promise<PoppApiStandIn> {
  const path = '/v1/process-document';
  const apiKey = 'test-api-key';
  const organizationId = 'org_xyz789';
  const plans = new Map<string, StandInResponse[]>();
  const counts = new Map<string, number>();
  const calls: PoppApiStandIn['calls'] = [];
  let server: Server | undefined;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const next = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          const reply = (r: StandInResponse) => {
            const send = () => {
              if (response.destroyed) return;
              response.writeHead(r.status, { 'content-type': 'application/json', ...r.headers });
              response.end(r.body === undefined ? '' : JSON.stringify(r.body));
            };
            if (r.delayMs) setTimeout(send, r.delayMs).unref();
            else send();
          };
          if (request.method !== 'POST' || request.url !== path) return reply({ status: 404, body: { message: 'no such route' } });
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
          const attachmentId = String(body.documentUrl ?? body.documentBase64 ?? '')
            .split('/')
            .pop() as string;
          counts.set(attachmentId, (counts.get(attachmentId) ?? 0) + 1);
          if (request.headers['x-api-key'] !== apiKey || request.headers['x-organization-id'] !== organizationId) {
            return reply({ status: 401, body: { message: 'invalid API key' } });
          }
          calls.push({ headers: request.headers, body });
          reply(plans.get(attachmentId)?.shift() ?? passed());
        });
      });
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => {
        server = next;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
      server = undefined;
    });

  await listen();
  return {
    url: `http://127.0.0.1:${port}`,
    path,
    apiKey,
    organizationId,
    calls,
    plan(attachmentId, ...responses) {
      plans.set(attachmentId, [...(plans.get(attachmentId) ?? []), ...responses]);
    },
    callsFor: (attachmentId) => counts.get(attachmentId) ?? 0,
    down: stop,
    up: listen,
    close: stop,
  };
}
