import { randomUUID } from 'node:crypto';
import { signBody } from '../../src/webhook/verify.js';

export const SECRET = 'test-secret';

/** Stamped now: a delivery stamped outside the replay window is dead-lettered `stale-event`. */
export function documentUploaded(overrides: { eventId?: string; recordId?: string } = {}) {
  return {
    event: 'DOCUMENT_UPLOADED',
    eventId: overrides.eventId ?? randomUUID(),
    eventTimestamp: new Date().toISOString(),
    data: {
      recordId: overrides.recordId ?? `conv_${randomUUID().slice(0, 8)}`,
      organizationId: 'org_xyz789',
      attachmentId: 'att_1',
      fileName: 'cv.pdf',
      contentType: 'application/pdf',
    },
  };
}

export function conversation(type: 'CONVERSATION_STARTED' | 'CONVERSATION_COMPLETED', recordId: string, eventId = randomUUID()) {
  return { event: type, eventId, eventTimestamp: new Date().toISOString(), data: { recordId, organizationId: 'org_xyz789' } };
}

/** Headers and payload of a signed webhook request, for `app.inject` or fetch. */
export function signed(body: unknown, secret = SECRET): { headers: Record<string, string>; payload: Buffer } {
  const payload = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return { headers: { 'content-type': 'application/json', 'x-signature': signBody(payload, secret) }, payload };
}
