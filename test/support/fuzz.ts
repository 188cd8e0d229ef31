import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { conversation, documentUploaded, SECRET } from './events.js';

/** One generated webhook delivery and what the contract says of it. */
export interface FuzzRequest {
  body: Buffer;
  headers: Record<string, string>;
  /** Signed with the bridge's secret, in any accepted encoding. */
  signed: boolean;
  contentType: 'json' | 'other' | 'none';
}

const hmac = (body: Buffer, secret = SECRET) => createHmac('sha256', secret).update(body).digest();

const valid = fc.oneof(
  fc.constant(null).map(() => documentUploaded()),
  fc.constantFrom('CONVERSATION_STARTED', 'CONVERSATION_COMPLETED' as const).map((type) => conversation(type, 'conv_fuzz')),
);

/** Bodies from well-formed to hostile. */
const bodies: fc.Arbitrary<Buffer> = fc.oneof(
  valid.map((event) => Buffer.from(JSON.stringify(event))),
  // A valid event with extra, odd members: prototype keys, huge numbers, unicode.
  fc
    .tuple(valid, fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'prototype', 'x', 'ÿ', ''), fc.jsonValue({ maxDepth: 3 })))
    .map(([event, extra]) => Buffer.from(JSON.stringify({ ...event, data: { ...event.data, ...extra } }))),
  valid.map((event) =>
    Buffer.from(JSON.stringify(event).replace('{', '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},')),
  ),
  // Duplicate keys: JSON.parse keeps the last one.
  valid.map((event) => Buffer.from(JSON.stringify(event).replace('{', `{"eventId":"first","event":"NOPE","data":1,`))),
  fc.jsonValue({ maxDepth: 6 }).map((value) => Buffer.from(JSON.stringify(value) ?? 'null')),
  fc.integer({ min: 1, max: 20_000 }).map((depth) => Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`)),
  fc.integer({ min: 1, max: 5_000 }).map((depth) => Buffer.from(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`)),
  fc
    .constantFrom('1e999999', '-1e-999999', '123456789012345678901234567890', '{"eventId":1e400}', 'NaN', '"\\ud800"')
    .map((t) => Buffer.from(t)),
  fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes)),
  fc.constantFrom(
    Buffer.from([0xc3, 0x28]),
    Buffer.from([0xff, 0xfe, 0x7b, 0x7d]),
    Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]),
    Buffer.alloc(0),
  ),
  // Truncated or oversized valid events.
  fc.tuple(valid, fc.nat()).map(([event, cut]) => {
    const text = Buffer.from(JSON.stringify(event));
    return text.subarray(0, cut % text.length);
  }),
  fc.integer({ min: 16_385, max: 40_000 }).map((size) => Buffer.from(JSON.stringify({ ...documentUploaded(), pad: 'x'.repeat(size) }))),
);

type SignatureKind =
  | 'hex'
  | 'HEX'
  | 'prefixed'
  | 'base64'
  | 'base64url'
  | 'wrong-secret'
  | 'other-body'
  | 'truncated'
  | 'garbage'
  | 'missing'
  | 'doubled';
const signatureKinds = fc.constantFrom<SignatureKind>(
  'hex',
  'HEX',
  'prefixed',
  'base64',
  'base64url',
  'wrong-secret',
  'other-body',
  'truncated',
  'garbage',
  'missing',
  'doubled',
);

function signature(kind: SignatureKind, body: Buffer, garbage: string): string | undefined {
  const digest = hmac(body);
  switch (kind) {
    case 'hex':
      return digest.toString('hex');
    case 'HEX':
      return digest.toString('hex').toUpperCase();
    case 'prefixed':
      return `sha256=${digest.toString('hex')}`;
    case 'base64':
      return digest.toString('base64');
    case 'base64url':
      return digest.toString('base64url');
    case 'wrong-secret':
      return hmac(body, 'not-the-secret').toString('hex');
    case 'other-body':
      return hmac(Buffer.concat([body, Buffer.from(' ')])).toString('hex');
    case 'truncated':
      return digest.toString('hex').slice(0, 63);
    case 'garbage':
      return garbage;
    case 'missing':
      return undefined;
    case 'doubled':
      return `${digest.toString('hex')}${digest.toString('hex')}`;
  }
}

const SIGNED_KINDS: ReadonlySet<SignatureKind> = new Set(['hex', 'HEX', 'prefixed', 'base64', 'base64url']);

export const fuzzRequests: fc.Arbitrary<FuzzRequest> = fc
  .record({
    body: bodies,
    kind: signatureKinds,
    garbage: fc.string({ maxLength: 100 }).filter((text) => /^[\x20-\x7e]*$/.test(text)),
    contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/xml', undefined),
    extra: fc.dictionary(
      fc.constantFrom('x-forwarded-for', 'traceparent', 'x-popp-event', 'accept'),
      fc.string({ maxLength: 40 }).filter((t) => /^[\x20-\x7e]*$/.test(t)),
    ),
  })
  .map(({ body, kind, garbage, contentType, extra }) => {
    const headers: Record<string, string> = { ...extra };
    if (contentType) headers['content-type'] = contentType;
    const sig = signature(kind, body, garbage);
    if (sig !== undefined) headers['x-signature'] = sig;
    return {
      body,
      headers,
      signed: SIGNED_KINDS.has(kind),
      contentType: contentType === undefined ? 'none' : contentType.startsWith('application/json') ? 'json' : 'other',
    };
  });

/** The statuses the HTTP contract (docs/http-contract.md) allows for this request, given the body bound. */
export function allowedStatuses(request: FuzzRequest, maxBodyBytes: number): number[] {
  if (request.body.length > 0 && request.contentType !== 'json') return [415];
  if (request.body.length > maxBodyBytes) return [413];
  if (request.body.length === 0 && request.contentType !== 'json') return [415];
  if (!request.signed) return [401];
  return [200, 202];
}
