import { defineHandlers } from 'popp-bridge/consumer';
import type { Catalogue } from './db.js';
import type { DocumentCheck } from './document-check.js';

/**
 * The service's whole reaction to events: each uploaded document is checked
 * with Popp first; only one that passed joins the catalogue, the others are
 * kept apart with their validation errors. When Popp gives no verdict the
 * check throws, and the SDK retries the event and in the end dead-letters it:
 * no document is let in unchecked or dropped. Each runs inside the
 * catalogue's transaction together with the record of its eventId (see
 * `openCatalogue`), so a redelivery changes nothing; a check that runs again
 * after a rollback only asks Popp again.
 */
export function intakeHandlers(catalogue: Pick<Catalogue, 'addDocument' | 'rejectDocument'>, check: DocumentCheck) {
  return defineHandlers({
    DOCUMENT_UPLOADED: async ({ event }, { signal }) => {
      const verdict = await check(event, signal);
      if (verdict.passed) catalogue.addDocument(event);
      else catalogue.rejectDocument(event, verdict.validationErrors);
    },
  });
}
