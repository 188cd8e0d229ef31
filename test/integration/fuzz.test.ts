import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSignatureVerifier } from '../../src/webhook/verify.js';
import { startTestBridge, type TestBridge } from '../support/bridge.js';
import { SECRET } from '../support/events.js';
import { allowedStatuses, type FuzzRequest, fuzzRequests, recordFindings } from '../support/fuzz.js';
import { readRecords, uniquePrefix } from '../support/kafka.js';

const MAX_BODY_BYTES = 16_384;
const REQUESTS = 300;

describe('bad input against a real bridge and broker', () => {
  const brokers = inject('kafkaBrokers');
  let bridge: TestBridge;
  beforeAll(async () => {
    bridge = await startTestBridge(brokers, uniquePrefix('fuzz'), { MAX_BODY_BYTES: String(MAX_BODY_BYTES) });
  });
  afterAll(() => bridge?.close());

  it(`writes to Kafka exactly what ${REQUESTS} generated deliveries were acknowledged for, and nothing unsigned`, async () => {
    const requests = fc.sample(fuzzRequests, { numRuns: REQUESTS, seed: 6 });
    let expectedRecords = 0;
    const unexpected: string[] = [];
    const accepted = new Map<string, FuzzRequest[]>();
    const reached = new Set<string>();
    for (let i = 0; i < requests.length; i += 10) {
      await Promise.all(
        requests.slice(i, i + 10).map(async (request) => {
          const response = await fetch(`${bridge.bridge.url}/webhooks/popp`, {
            method: 'POST',
            headers: request.headers,
            body: request.body,
          });
          const answer = (await response.json()) as { status?: string };
          if (!allowedStatuses(request, MAX_BODY_BYTES).includes(response.status))
            unexpected.push(`${response.status} ${JSON.stringify(answer)}`);
          const outcome = answer.status === 'dead-lettered' ? (answer as { reason: string }).reason : answer.status;
          if (request.expected && response.status < 400 && outcome !== request.expected && outcome !== 'duplicate')
            unexpected.push(`${outcome} where ${request.expected} was due`);
          if (request.expected && response.status < 400) reached.add(request.expected);
          if (response.status < 400) {
            const key = request.body.toString('base64');
            accepted.set(key, [...(accepted.get(key) ?? []), request]);
          }
          // A published event is two records (its type topic and the log); a dead letter one.
          if (answer.status === 'published') expectedRecords += 2;
          if (answer.status === 'dead-lettered') expectedRecords += 1;
        }),
      );
    }
    expect(unexpected).toEqual([]);
    // Oversized ids, control characters in ids and invalid UTF-8 all reached the real bridge.
    expect([...reached].sort()).toEqual(expect.arrayContaining(['invalid-envelope', 'invalid-json']));
    expect(expectedRecords).toBeGreaterThan(0);

    const records = await readRecords(brokers, bridge.topics.all, expectedRecords, { settleMs: 1_500 });
    expect(records).toHaveLength(expectedRecords);
    const signedBodies = new Set(requests.filter((request) => request.signed).map((request) => request.body.toString('base64')));
    const verify = createSignatureVerifier([SECRET]);
    for (const record of records) {
      expect(signedBodies.has(record.value.toString('base64'))).toBe(true);
      expect(verify(record.value, record.headers['x-signature'])).toBe(true);
      // Small, printable headers, the right key, trace headers only when valid: true of one of the requests with this body.
      const senders = accepted.get(record.value.toString('base64')) ?? [];
      expect(
        senders.some((request) => recordFindings(record, request).length === 0),
        JSON.stringify(senders.map((r) => recordFindings(record, r))),
      ).toBe(true);
    }
    expect((await fetch(`${bridge.bridge.url}/healthz`)).status).toBe(200);
  });
});
