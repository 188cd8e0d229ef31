import { createHmac, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { conversation, documentUploaded, SECRET } from './events.js';

/** What a signed JSON delivery of a generated body must become, when its generator knows. */
export type Expected = 'published' | 'invalid-json' | 'invalid-envelope';

/** One generated webhook delivery and what the contract says of it. */
export interface FuzzRequest {
  body: Buffer;
  headers: Record<string, string>;
  /** Signed with the bridge's secret, in any accepted encoding. */
  signed: boolean;
  contentType: 'json' | 'other' | 'none';
  expected?: Expected;
  /** The traceparent sent is a valid W3C one (it and its tracestate must be copied), or junk (neither may be). */
  validTrace?: boolean;
}

const hmac = (body: Buffer, secret = SECRET) => createHmac('sha256', secret).update(body).digest();

const valid = fc.oneof(
  fc.constant(null).map(() => documentUploaded()),
  fc.constantFrom('CONVERSATION_STARTED', 'CONVERSATION_COMPLETED' as const).map((type) => conversation(type, 'conv_fuzz')),
);

/** Bodies from well-formed to hostile. */
const plainBodies: fc.Arbitrary<Buffer> = fc.oneof(
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

/** Text of `length` characters, each 1 to 4 bytes in UTF-8: ids at the bound can be four times their length in bytes. */
const wide = (length: number) => fc.constantFrom('x', 'é', '名', '😀').map((character) => character.repeat(length));
const ID_FIELDS = ['eventId', 'recordId', 'organizationId'] as const;
type IdField = (typeof ID_FIELDS)[number];

type Envelope = { event: string; eventId: string; eventTimestamp: string; data: { recordId: string; organizationId: string } };

function withId(event: Envelope, field: IdField, value: string): Envelope {
  return field === 'eventId' ? { ...event, eventId: value } : { ...event, data: { ...event.data, [field]: value } };
}

/** Values that derive Kafka headers and the key, past their bounds (or right at them): the records must stay small. */
const derivedHeaderBodies: fc.Arbitrary<{ body: Buffer; expected: Expected }> = fc.oneof(
  fc.tuple(valid, fc.constantFrom(...ID_FIELDS), fc.integer({ min: 257, max: 12_000 })).map(([event, field, length]) => ({
    body: Buffer.from(JSON.stringify(withId(event, field, 'x'.repeat(length)))),
    expected: 'invalid-envelope' as const,
  })),
  fc.tuple(valid, fc.integer({ min: 50, max: 8_000 })).map(([event, digits]) => ({
    body: Buffer.from(JSON.stringify({ ...event, eventTimestamp: `2024-01-15T10:30:00.${'0'.repeat(digits)}Z` })),
    expected: 'invalid-envelope' as const,
  })),
  fc.tuple(valid, fc.integer({ min: 201, max: 5_000 })).map(([event, length]) => ({
    body: Buffer.from(JSON.stringify({ ...event, event: 'A'.repeat(length) })),
    expected: 'invalid-envelope' as const,
  })),
  // At the bound, in 4-byte characters: accepted, and the largest headers a valid event can make.
  fc.tuple(valid, wide(256), wide(256), wide(256)).map(([event, eventId, recordId, organizationId]) => ({
    body: Buffer.from(
      JSON.stringify({
        ...event,
        eventId: `${[...eventId].slice(36).join('')}${randomUUID()}`,
        data: { ...event.data, recordId, organizationId },
      }),
    ),
    expected: 'published' as const,
  })),
);

/** Bytes that are not UTF-8, spliced inside a string of a valid event (where a decoder would swap in U+FFFD). */
const invalidUtf8Bodies: fc.Arbitrary<{ body: Buffer; expected: Expected }> = fc
  .tuple(
    valid,
    fc.constantFrom('org_xyz789', 'conv_', 'cv.pdf', 'DOCUMENT_UPLOADED', '2024-01-15'),
    fc.constantFrom(
      [0xff, 0xfe],
      [0x80],
      [0xc3, 0x28],
      [0xed, 0xa0, 0x80],
      [0xc0, 0xaf],
      [0xe2, 0x82],
      [0xf8, 0x88, 0x80, 0x80, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
    ),
  )
  .filter(([event, marker]) => JSON.stringify(event).includes(marker))
  .map(([event, marker, bytes]) => {
    const text = JSON.stringify(event);
    const at = text.indexOf(marker) + 1;
    return {
      body: Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from(bytes), Buffer.from(text.slice(at))]),
      expected: 'invalid-json' as const,
    };
  });

/** Control characters, C1 controls and lone surrogates inside ids (JSON escapes them or carries them raw; both are valid JSON). */
const controlCharacterIdBodies: fc.Arbitrary<{ body: Buffer; expected: Expected }> = fc
  .tuple(
    valid,
    fc.constantFrom(...ID_FIELDS),
    fc.constantFrom('\u0000', '\r\n', '\n', '\t', '\u001b[2J', '\u007f', '\u0085', '\u009b', '\ud800', '\udfff', '\ude00\ud83d'),
    fc.nat({ max: 6 }),
  )
  .map(([event, field, bad, at]) => {
    const id = field === 'eventId' ? event.eventId : event.data[field];
    return {
      body: Buffer.from(JSON.stringify(withId(event, field, id.slice(0, at) + bad + id.slice(at)))),
      expected: 'invalid-envelope' as const,
    };
  });

const bodies: fc.Arbitrary<{ body: Buffer; expected?: Expected }> = fc.oneof(
  { weight: 6, arbitrary: plainBodies.map((body) => ({ body })) },
  { weight: 1, arbitrary: derivedHeaderBodies },
  { weight: 1, arbitrary: invalidUtf8Bodies },
  { weight: 1, arbitrary: controlCharacterIdBodies },
);

const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
const validTraceparent = fc
  .tuple(hex(32), hex(16), fc.constantFrom('00', '01'))
  .filter(([trace, parent]) => /[1-9a-f]/.test(trace) && /[1-9a-f]/.test(parent))
  .map(([trace, parent, flags]) => `00-${trace}-${parent}-${flags}`);
const validTracestate = fc.constantFrom('rojo=00f067aa0ba902b7', 'congo=t61rcWkgMzE,rojo=1', 'vendor@tenant=v1', ' a=1 , b=2 ');

/** Trace headers from valid to junk: only a valid traceparent, and a tracestate beside it, may reach the records. */
const traceHeaders: fc.Arbitrary<{ headers: Record<string, string>; validTrace?: boolean }> = fc.oneof(
  fc.constant({ headers: {} }),
  fc.tuple(validTraceparent, fc.option(validTracestate, { nil: undefined })).map(([traceparent, tracestate]) => ({
    headers: { traceparent, ...(tracestate && { tracestate }) },
    validTrace: true,
  })),
  fc
    .oneof(
      fc.integer({ min: 1_000, max: 8_000 }).map((size) => `<script>\t${'x'.repeat(size)}</script>`),
      validTraceparent.map((value) => value.toUpperCase().replace(/^00/, 'AA')),
      validTraceparent.map((value) => value.replace(/^00-[0-9a-f]{32}/, `00-${'0'.repeat(32)}`)),
      validTraceparent.map((value) => value.replace(/-[0-9a-f]{16}-/, `-${'0'.repeat(16)}-`)),
      validTraceparent.map((value) => value.replace(/^00/, 'ff')),
      validTraceparent.map((value) => `${value}-more`),
      validTraceparent.map((value) => value.slice(0, 50)),
      validTraceparent.map((value) => value.replace(/-/g, '\t')),
      fc.string({ maxLength: 60 }).filter((text) => /^[\x20-\x7e]*$/.test(text)),
    )
    .map((traceparent) => ({ headers: { traceparent, tracestate: `junk=<${'y'.repeat(600)}>` }, validTrace: false })),
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
      fc.constantFrom('x-forwarded-for', 'x-popp-event', 'accept'),
      fc.string({ maxLength: 40 }).filter((t) => /^[\x20-\x7e]*$/.test(t)),
    ),
    trace: traceHeaders,
  })
  .map(({ body: generated, kind, garbage, contentType, extra, trace }) => {
    const { body, expected } = generated;
    const headers: Record<string, string> = { ...extra, ...trace.headers };
    if (contentType) headers['content-type'] = contentType;
    const sig = signature(kind, body, garbage);
    if (sig !== undefined) headers['x-signature'] = sig;
    return {
      body,
      headers,
      signed: SIGNED_KINDS.has(kind),
      contentType: contentType === undefined ? 'none' : contentType.startsWith('application/json') ? 'json' : 'other',
      expected,
      validTrace: trace.validTrace,
    } satisfies FuzzRequest;
  });

/** The statuses the HTTP contract (docs/http-contract.md) allows for this request, given the body bound. */
export function allowedStatuses(request: FuzzRequest, maxBodyBytes: number): number[] {
  if (request.body.length > 0 && request.contentType !== 'json') return [415];
  if (request.body.length > maxBodyBytes) return [413];
  if (request.body.length === 0 && request.contentType !== 'json') return [415];
  if (!request.signed) return [401];
  return [200, 202];
}

/** The key and headers of one record, in bytes as Kafka stores them. */
export function derivedBytes(record: { key: string | null; headers: Record<string, string> }): number {
  let bytes = record.key === null ? 0 : Buffer.byteLength(record.key);
  for (const [name, value] of Object.entries(record.headers)) bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
  return bytes;
}

/** Every header value printable and well-formed: no control character, no lone surrogate (which has no UTF-8). */
export function printableHeaders(headers: Record<string, string>): boolean {
  return Object.values(headers).every(
    (value) =>
      Buffer.from(value, 'utf8').toString('utf8') === value &&
      [...value].every((c) => (c.codePointAt(0) ?? 0) >= 0x20 && !((c.codePointAt(0) ?? 0) >= 0x7f && (c.codePointAt(0) ?? 0) <= 0x9f)),
  );
}

/** The bound on `derivedBytes` docs/kafka-contract.md states: far below the 64 KiB topics leave above MAX_BODY_BYTES. */
export const MAX_DERIVED_BYTES = 16_384;

/**
 * What is wrong with one written record of `request`, by the rules for what
 * the bridge derives from a request: small and printable headers, the key
 * equal to `data.recordId`, trace headers only from a valid traceparent.
 */
export function recordFindings(
  record: { key: string | null; value: Buffer; headers: Record<string, string> },
  request: Pick<FuzzRequest, 'headers' | 'validTrace'>,
): string[] {
  const findings: string[] = [];
  if (derivedBytes(record) > MAX_DERIVED_BYTES) findings.push(`key and headers take ${derivedBytes(record)} bytes`);
  if (!printableHeaders(record.headers)) findings.push('a header holds a control character or a lone surrogate');
  if (record.headers['dead-letter-reason'] === undefined) {
    const recordId = (JSON.parse(record.value.toString('utf8')) as { data: { recordId: string } }).data.recordId;
    if (record.key !== recordId) findings.push('the key is not data.recordId');
  }
  const { traceparent, tracestate } = record.headers;
  if (request.validTrace === true && traceparent !== request.headers.traceparent) findings.push('a valid traceparent was not copied');
  if (request.validTrace === true && request.headers.tracestate && !tracestate) findings.push('a valid tracestate was not copied');
  if (request.validTrace !== true && (traceparent !== undefined || tracestate !== undefined))
    findings.push('a junk trace header was copied');
  return findings;
}
