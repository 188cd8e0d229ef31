import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPoppClient, PoppApiError, type PoppClientOptions, retryAfterMs } from '../../../examples/document-intake/popp-client.js';
import { failed, type PoppApiStandIn, passed, startPoppApi } from '../../support/popp-api.js';

/** A port of this helper's own: the stand-in for Popp's API listens on it. */
const PORT = 44011;
const documentType = { name: 'Passport', validation: ['CHECK_NAME_MATCH'] };

describe('the processDocument client', () => {
  let popp: PoppApiStandIn;
  const client = (extra: Partial<PoppClientOptions> = {}) =>
    createPoppClient({
      baseUrl: popp.url,
      processDocumentPath: popp.path,
      apiKey: popp.apiKey,
      organizationId: popp.organizationId,
      initialDelayMs: 5,
      maxDelayMs: 50,
      ...extra,
    });
  const check = (attachmentId: string, extra: Partial<PoppClientOptions> = {}) =>
    client(extra).processDocument({ documentUrl: `https://documents.example.com/${attachmentId}`, documentType });
  const rejection = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PoppApiError);
    return error as PoppApiError;
  };

  beforeAll(async () => {
    popp = await startPoppApi(PORT);
  });
  afterAll(() => popp.close());

  it('gives the verdict and keeps the fields of the answer it does not know', async () => {
    const result = await check('c_valid');
    expect(result.passedValidation).toBe(true);
    expect(result.validationErrors).toEqual([]);
    expect(result.response.classification).toEqual({ documentType: 'passport', confidence: 0.97 });
  });

  it('gives a failed verdict with its validation errors as Popp wrote them', async () => {
    popp.plan('c_invalid', failed(['expired', { code: 'CHECK_NAME_MATCH' }]));
    expect(await check('c_invalid')).toMatchObject({
      passedValidation: false,
      validationErrors: ['expired', { code: 'CHECK_NAME_MATCH' }],
    });
  });

  it('sends the document inline as base64 when given so, with the document type and the API key headers', async () => {
    const documentBase64 = Buffer.from('%PDF-1.7').toString('base64');
    await client().processDocument({ documentBase64, documentType, candidateName: 'John Doe' });
    const call = popp.calls.at(-1);
    expect(call?.body).toEqual({ documentBase64, documentType, candidateName: 'John Doe' });
    expect(call?.headers).toMatchObject({ 'x-api-key': popp.apiKey, 'x-organization-id': popp.organizationId });
  });

  it('tries again after a 5xx and after a 429 with Retry-After: 0', async () => {
    popp.plan('c_503', { status: 503 }, { status: 502 }, passed());
    popp.plan('c_429', { status: 429, headers: { 'retry-after': '0' } }, passed());
    expect((await check('c_503')).passedValidation).toBe(true);
    expect((await check('c_429')).passedValidation).toBe(true);
    expect([popp.callsFor('c_503'), popp.callsFor('c_429')]).toEqual([3, 2]);
  });

  it('gives up with a retriable error when every try failed', async () => {
    popp.plan('c_down', { status: 500 }, { status: 500 }, { status: 500 });
    const error = await rejection(check('c_down'));
    expect([error.retriable, error.status, error.message]).toEqual([true, 500, 'processDocument answered 500 (3 tries)']);
    expect(popp.callsFor('c_down')).toBe(3);
  });

  it('does not ask again sooner than a Retry-After longer than it would wait: the caller retries later', async () => {
    popp.plan('c_busy', { status: 429, headers: { 'retry-after': '120' } });
    const error = await rejection(check('c_busy'));
    expect([error.retriable, error.status]).toEqual([true, 429]);
    expect(popp.callsFor('c_busy')).toBe(1);
  });

  it('abandons a try that takes longer than its timeout, and counts it as a failed try', async () => {
    popp.plan('c_slow', { ...passed(), delayMs: 5_000 }, passed());
    expect((await check('c_slow', { timeoutMs: 200 })).passedValidation).toBe(true);
    popp.plan('c_slower', { ...passed(), delayMs: 5_000 });
    const error = await rejection(check('c_slower', { timeoutMs: 200, attempts: 1 }));
    expect([error.retriable, error.message]).toEqual([true, 'processDocument: Popp no answer within 200 ms']);
  });

  it('does not retry a refused call, and says why from Popp’s answer', async () => {
    const error = await rejection(check('c_key', { apiKey: 'wrong' }));
    expect([error.retriable, error.status, error.message]).toEqual([false, 401, 'processDocument answered 401: invalid API key']);
    expect(popp.callsFor('c_key')).toBe(1);
  });

  it('refuses an answer without a verdict instead of guessing one', async () => {
    popp.plan('c_odd', { status: 200, body: { status: 'ok' } });
    const error = await rejection(check('c_odd'));
    expect([error.retriable, error.message]).toEqual([false, 'processDocument answered without a passedValidation verdict']);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('3', now)).toBe(3_000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});
