import { defineHandlers } from '../../src/consumer/index.js';
import type { Catalogue } from './db.js';

/**
 * The service's whole reaction to events: one plain definition per type.
 * Each runs inside the catalogue's transaction together with the record of
 * its eventId (see `openCatalogue`), so a redelivery changes nothing.
 */
export function intakeHandlers(catalogue: Pick<Catalogue, 'addDocument'>) {
  return defineHandlers({
    DOCUMENT_UPLOADED: ({ event }) => catalogue.addDocument(event),
  });
}
