import { signBody } from '../webhook/verify.js';

export { signBody };

/** What a test POSTs to a bridge's `/webhooks/popp`: the exact body bytes and the headers Popp would send with them. */
export interface SignedDelivery {
  /** Send these bytes as they are: the signature covers them, and a re-serialised copy may differ. */
  body: string;
  headers: { 'content-type': 'application/json'; 'x-signature': string };
}

/**
 * An event signed with the bridge's webhook secret (HMAC-SHA256 of the body,
 * `sha256=` and lowercase hex, one of the encodings the bridge accepts; see
 * docs/http-contract.md), as Popp would deliver it. A string is sent as it is.
 */
export function signedDelivery(event: unknown, secret: string): SignedDelivery {
  const body = typeof event === 'string' ? event : JSON.stringify(event);
  return { body, headers: { 'content-type': 'application/json', 'x-signature': signBody(body, secret) } };
}

/**
 * POSTs a signed event to a running bridge (`url` is its base, e.g.
 * `http://127.0.0.1:3000`) and gives back the status and the answer's JSON:
 * 200 `published` or `duplicate`, 202 `dead-lettered` or `spooled`, … (docs/http-contract.md).
 */
export async function deliver(url: string, event: unknown, secret: string): Promise<{ status: number; body: unknown }> {
  const { body, headers } = signedDelivery(event, secret);
  const response = await fetch(new URL('/webhooks/popp', url), { method: 'POST', headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: handed back as text
  }
  return { status: response.status, body: parsed };
}
