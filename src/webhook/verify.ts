import { createHmac, timingSafeEqual } from 'node:crypto';

const HEX = /^[0-9a-f]{64}$/i;
const BASE64 = /^[A-Za-z0-9+/_-]{43}=?$/;

/**
 * Popp does not document the signature's encoding, so accept HMAC-SHA256 of the
 * raw body as hex (any case) or base64 (standard or URL-safe), with or without
 * a `sha256=` prefix. Every active secret is tried (rotation) and compared in
 * constant time.
 */
export function createSignatureVerifier(secrets: readonly string[]): (body: Buffer, signature: string | undefined) => boolean {
  if (secrets.length === 0) throw new Error('at least one webhook secret is needed');
  const keys = secrets.map((secret) => Buffer.from(secret, 'utf8'));
  return (body, signature) => {
    const given = decodeSignature(signature);
    if (!given) return false;
    let match = false;
    // No early exit: the time taken does not tell which secret matched.
    for (const key of keys) {
      const expected = createHmac('sha256', key).update(body).digest();
      match = timingSafeEqual(expected, given) || match;
    }
    return match;
  };
}

/** The 32 digest bytes a header carries, or undefined when it carries none. */
export function decodeSignature(header: string | undefined): Buffer | undefined {
  if (!header) return undefined;
  let value = header.trim();
  if (value.slice(0, 7).toLowerCase() === 'sha256=') value = value.slice(7);
  if (HEX.test(value)) return Buffer.from(value, 'hex');
  if (BASE64.test(value)) {
    const bytes = Buffer.from(value, 'base64');
    return bytes.length === 32 ? bytes : undefined;
  }
  return undefined;
}

/** Signs a body the way the bridge verifies it: lowercase hex, `sha256=` prefixed (used by `trigger`). */
export function signBody(body: Buffer | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
