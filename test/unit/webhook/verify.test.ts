import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSignatureVerifier, decodeSignature, signBody } from '../../../src/webhook/verify.js';

const body = Buffer.from('{"event":"CONVERSATION_STARTED","eventId":"e1"}');
const digest = (secret: string) => createHmac('sha256', secret).update(body).digest();

describe('signature verification', () => {
  const verify = createSignatureVerifier(['s3cret']);

  it.each([
    ['lowercase hex', digest('s3cret').toString('hex')],
    ['uppercase hex', digest('s3cret').toString('hex').toUpperCase()],
    ['base64', digest('s3cret').toString('base64')],
    ['base64 without padding', digest('s3cret').toString('base64').replace(/=+$/, '')],
    ['base64url', digest('s3cret').toString('base64url')],
    ['sha256= and hex', `sha256=${digest('s3cret').toString('hex')}`],
    ['SHA256= and base64', `SHA256=${digest('s3cret').toString('base64')}`],
  ])('accepts the HMAC as %s', (_name, header) => {
    expect(verify(body, header)).toBe(true);
  });

  it('rejects a missing, empty, malformed or truncated signature', () => {
    const hex = digest('s3cret').toString('hex');
    for (const header of [undefined, '', 'sha256=', 'not-a-signature', hex.slice(0, 62), `${hex}00`]) {
      expect(verify(body, header)).toBe(false);
    }
  });

  it('rejects the HMAC of another secret and of other bytes', () => {
    expect(verify(body, digest('other').toString('hex'))).toBe(false);
    const reformatted = Buffer.from(JSON.stringify(JSON.parse(body.toString()), null, 2));
    expect(verify(reformatted, digest('s3cret').toString('hex'))).toBe(false);
  });

  it('accepts any active secret during rotation', () => {
    const rotating = createSignatureVerifier(['old', 'new']);
    expect(rotating(body, digest('old').toString('hex'))).toBe(true);
    expect(rotating(body, digest('new').toString('hex'))).toBe(true);
    expect(rotating(body, digest('retired').toString('hex'))).toBe(false);
  });

  it('signs the way it verifies', () => {
    expect(verify(body, signBody(body, 's3cret'))).toBe(true);
  });

  it('refuses to be built without a secret', () => {
    expect(() => createSignatureVerifier([])).toThrow(/secret/);
  });

  it('decodes only 32-byte digests', () => {
    expect(decodeSignature(Buffer.alloc(16).toString('base64'))).toBeUndefined();
    expect(decodeSignature(Buffer.alloc(32, 7).toString('base64'))?.equals(Buffer.alloc(32, 7))).toBe(true);
  });
});
