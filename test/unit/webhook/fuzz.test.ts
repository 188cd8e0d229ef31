import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSignatureVerifier } from '../../../src/webhook/verify.js';
import { inMemoryApp } from '../../support/app.js';
import { SECRET } from '../../support/events.js';
import { allowedStatuses, type FuzzRequest, fuzzRequests, recordFindings } from '../../support/fuzz.js';

const MAX_BODY_BYTES = 16_384;
const RUNS = 3_000;

describe('bad input at scale', () => {
  it(`answers ${RUNS} generated deliveries with the statuses of the HTTP contract and writes only what was signed`, {
    timeout: 120_000,
  }, async () => {
    const { app, published } = inMemoryApp({ deps: { maxBodyBytes: MAX_BODY_BYTES } });
    await app.ready();
    const verify = createSignatureVerifier([SECRET]);
    const heapBefore = process.memoryUsage().heapUsed;
    let signedAccepted = 0;
    const statuses = new Set<number>();
    const reached = new Set<string>();

    await fc.assert(
      fc.asyncProperty(fuzzRequests, async (request: FuzzRequest) => {
        const before = published.length;
        const response = await app.inject({ method: 'POST', url: '/webhooks/popp', headers: request.headers, payload: request.body });
        expect(allowedStatuses(request, MAX_BODY_BYTES)).toContain(response.statusCode);
        statuses.add(response.statusCode);
        const written = published.slice(before);
        if (response.statusCode >= 400) expect(written).toEqual([]);
        if (response.statusCode === 200 || response.statusCode === 202) signedAccepted++;
        // A generator that knows what its body must become: published, or dead-lettered for that reason.
        if (request.expected && response.statusCode < 400) {
          const answer = response.json() as { status: string; reason?: string };
          expect(request.expected === 'published' ? ['published', 'duplicate'] : ['dead-lettered']).toContain(answer.status);
          if (answer.reason) expect(answer.reason).toBe(request.expected);
          reached.add(request.expected);
        }
        for (const record of written) {
          // Exactly the bytes received, carrying the signature they came with: re-verifiable downstream.
          expect(record.value.equals(request.body)).toBe(true);
          expect(verify(record.value, record.headers['x-signature'])).toBe(true);
          expect(recordFindings(record, request)).toEqual([]);
          if (request.validTrace !== undefined) reached.add(`trace ${request.validTrace}`);
        }
      }),
      { numRuns: RUNS },
    );

    // Nothing leaked into every object's prototype through a `__proto__` key.
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    expect(signedAccepted).toBeGreaterThan(RUNS / 10);
    // The generators reach every row of the contract that needs no Kafka outage, and every hostile class.
    expect([...statuses].sort()).toEqual([200, 202, 401, 413, 415]);
    expect([...reached].sort()).toEqual(['invalid-envelope', 'invalid-json', 'published', 'trace false', 'trace true']);
    // Memory stays bounded: at most a few records per request are kept, by the test itself.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(256 * 1024 * 1024);
    const health = await app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
  });
});
