import { describe, expect, it } from 'vitest';
import { BridgeError, ERRORS, KafkaRefusedError, toBridgeError } from '../../src/errors.js';

describe('error catalogue', () => {
  it('gives every code a status, a retriable flag that matches it, and a message', () => {
    for (const [code, entry] of Object.entries(ERRORS)) {
      expect(entry.status, code).toBeGreaterThanOrEqual(400);
      expect(entry.message.length, code).toBeGreaterThan(0);
      // Only 503s and 500s invite a retry; a client error never does.
      expect(entry.retriable, code).toBe(entry.status >= 500);
    }
  });

  it('has the statuses of the HTTP contract', () => {
    expect(ERRORS.invalid_signature.status).toBe(401);
    expect(ERRORS.unsupported_media_type.status).toBe(415);
    expect(ERRORS.payload_too_large.status).toBe(413);
    expect(ERRORS.publish_timeout.status).toBe(503);
    expect(ERRORS.overloaded.status).toBe(503);
  });

  it('maps Fastify errors onto the catalogue and anything else to internal', () => {
    expect(toBridgeError({ code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 }).code).toBe('unsupported_media_type');
    expect(toBridgeError({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }).code).toBe('payload_too_large');
    expect(toBridgeError({ statusCode: 400 }).code).toBe('bad_request');
    expect(toBridgeError(new Error('boom')).code).toBe('internal');
    const own = new BridgeError('overloaded');
    expect(toBridgeError(own)).toBe(own);
  });

  it('turns a Kafka refusal that escaped the dead-letter path into a retriable kafka_unavailable', () => {
    expect(toBridgeError(new KafkaRefusedError('MESSAGE_TOO_LARGE'))).toMatchObject({ code: 'kafka_unavailable', status: 503 });
  });
});
