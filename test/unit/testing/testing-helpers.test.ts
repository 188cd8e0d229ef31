import { describe, expect, it } from 'vitest';
import { createCatalogue } from '../../../src/contract/catalogue.js';
import { sampleEvent, signedDelivery } from '../../../src/testing/index.js';
import { createSignatureVerifier } from '../../../src/webhook/verify.js';

describe('the testing helpers of the package', () => {
  it('sign a delivery that the bridge verifies, and only those exact bytes', () => {
    const verify = createSignatureVerifier(['test-secret']);
    const { body, headers } = signedDelivery({ event: 'CONVERSATION_STARTED', eventId: 'e1' }, 'test-secret');
    expect(headers['content-type']).toBe('application/json');
    expect(verify(Buffer.from(body), headers['x-signature'])).toBe(true);
    expect(verify(Buffer.from(`${body} `), headers['x-signature'])).toBe(false);
    expect(verify(Buffer.from(body), signedDelivery(body, 'other-secret').headers['x-signature'])).toBe(false);
  });

  it('make sample events that pass their schema, with the fields a test sets', () => {
    const catalogue = createCatalogue({ topicPrefix: 'popp.' });
    const upload = sampleEvent('DOCUMENT_UPLOADED', { recordId: 'conv_1', data: { fileName: 'passport.pdf' } });
    expect(upload.data).toMatchObject({ recordId: 'conv_1', fileName: 'passport.pdf' });
    expect(catalogue.check(upload)).toEqual({ ok: true });
    for (const type of ['CALENDAR_MEETING_SCHEDULED', 'WORKFLOW_RUN_FAILED', 'CANDIDATE_ANALYSIS_COMPLETED'] as const) {
      expect(catalogue.check(sampleEvent(type))).toEqual({ ok: true });
    }
  });
});
