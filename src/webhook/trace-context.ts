/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/): the request's
 * `traceparent` is copied onto the records only when it is one, and its
 * `tracestate` only beside a valid `traceparent` and when it is a valid list
 * of at most 512 characters. Anything else is dropped, not repaired: the
 * headers are copied from an unverified part of the request (the signature
 * covers only the body), so nothing but these few well-formed bytes may reach
 * the topics.
 */
export interface TraceContext {
  traceparent: string | undefined;
  tracestate: string | undefined;
}

export const MAX_TRACESTATE_LENGTH = 512;

// version 00: exactly version-traceid-parentid-flags, lowercase hex. Later versions may append "-…" fields.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}(-[\x21-\x7e]*)?$/;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_PARENT_ID = '0'.repeat(16);
const TRACESTATE_MEMBER =
  /^(?:[a-z0-9][_0-9a-z\-*/]{0,255}|[a-z0-9][_0-9a-z\-*/]{0,240}@[a-z][_0-9a-z\-*/]{0,13})=[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;

export function traceContext(traceparent: string | undefined, tracestate: string | undefined): TraceContext {
  const parent = validTraceparent(traceparent);
  return { traceparent: parent, tracestate: parent ? validTracestate(tracestate) : undefined };
}

function validTraceparent(value: string | undefined): string | undefined {
  if (value === undefined || value.length > 256) return undefined;
  const match = TRACEPARENT.exec(value);
  if (!match) return undefined;
  const [, version, traceId, parentId, future] = match;
  if (version === 'ff' || traceId === ZERO_TRACE_ID || parentId === ZERO_PARENT_ID) return undefined;
  // Version 00 has nothing after the flags; of a later version only the fields we understand are kept.
  if (version === '00' && future !== undefined) return undefined;
  return value.slice(0, 55);
}

function validTracestate(value: string | undefined): string | undefined {
  if (value === undefined || value.length > MAX_TRACESTATE_LENGTH) return undefined;
  const members = value.split(',').map((member) => member.trim());
  const present = members.filter((member) => member.length > 0);
  if (present.length === 0 || present.length > 32) return undefined;
  if (!present.every((member) => TRACESTATE_MEMBER.test(member))) return undefined;
  return present.join(',');
}
