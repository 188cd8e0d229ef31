import { randomUUID } from 'node:crypto';
import { signBody } from '../src/webhook/verify.js';

const TYPES = ['CONVERSATION_STARTED', 'DOCUMENT_UPLOADED', 'CONVERSATION_COMPLETED'] as const;

/** A realistic event of a mix of the three types over `records` recordIds, with a unique eventId. */
export function benchEvent(index: number, records: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const event = TYPES[index % 3] as string;
  const data: Record<string, unknown> = { recordId: `conv_${index % records}`, organizationId: `org_${index % 7}` };
  if (event === 'DOCUMENT_UPLOADED') {
    Object.assign(data, {
      attachmentId: `att_${index}`,
      fileName: 'Curriculum Vitae - Jane Doe.pdf',
      contentType: 'application/pdf',
      classifiedDocumentType: 'RESUME',
      classifiedDocumentTypes: ['RESUME', 'COVER_LETTER'],
    });
  }
  return { event, eventId: randomUUID(), eventTimestamp: new Date().toISOString(), data, ...extra };
}

export interface SignedBody {
  body: string;
  signature: string;
}

/** Pre-signed bodies, so the load generator spends no CPU on HMACs during a row. */
export function signedBodies(count: number, secret: string, records = 5_000): SignedBody[] {
  return Array.from({ length: count }, (_, index) => {
    const body = JSON.stringify(benchEvent(index, records));
    return { body, signature: signBody(body, secret) };
  });
}
