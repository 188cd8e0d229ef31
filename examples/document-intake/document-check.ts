import type { EventOf } from 'popp-bridge/events';
import type { DocumentTypeDefinition, PoppClient, ValidationError } from './popp-client.js';

export type Verdict = { passed: true } | { passed: false; validationErrors: ValidationError[] };

export interface DocumentCheckSettings {
  /**
   * Where Popp can GET an uploaded document: a URL with `{organizationId}`,
   * `{recordId}` (the conversation), `{attachmentId}` and `{fileName}` in it.
   * DOCUMENT_UPLOADED carries the attachment's id, not a URL, and Popp does
   * not document one: the service says where its documents are.
   */
  documentUrlTemplate: string;
  /** Classified document type (`passport`, …) → its definition; `*` for any other, or unrecognised, document. */
  documentTypes: Readonly<Record<string, DocumentTypeDefinition>>;
}

/** The error a document gets when no document type is configured for it: it is kept out, and says why. */
export const NO_DOCUMENT_TYPE = 'NO_DOCUMENT_TYPE';

/**
 * Asks Popp whether an uploaded document passes the customer's current
 * validation configuration. Popp's failures are thrown (the consumer retries
 * the event, then dead-letters it): a document is never let in, nor kept out,
 * without a verdict.
 */
export function createDocumentCheck(popp: PoppClient, settings: DocumentCheckSettings) {
  return async (event: EventOf<'DOCUMENT_UPLOADED'>, signal?: AbortSignal): Promise<Verdict> => {
    const { data } = event;
    const classified = data.classifiedDocumentType;
    const documentType = (classified !== undefined && settings.documentTypes[classified]) || settings.documentTypes['*'];
    if (!documentType) {
      return {
        passed: false,
        validationErrors: [
          { code: NO_DOCUMENT_TYPE, message: `no document type configured for ${classified ?? 'an unrecognised document'}` },
        ],
      };
    }
    const documentUrl = settings.documentUrlTemplate.replace(/\{(organizationId|recordId|attachmentId|fileName)\}/g, (_, field: string) =>
      encodeURIComponent(String(data[field as 'recordId'])),
    );
    const result = await popp.processDocument({ documentUrl, documentType }, signal ? { signal } : {});
    return result.passedValidation ? { passed: true } : { passed: false, validationErrors: result.validationErrors };
  };
}

export type DocumentCheck = ReturnType<typeof createDocumentCheck>;
