import { type Consumer, type ConsumerLog, createConsumer, type RetryPolicy } from 'popp-bridge/consumer';
import { startOrClose } from '../shared/runtime.js';
import type { ExampleConnection } from '../shared/settings.js';
import { type Catalogue, openCatalogue } from './db.js';
import { createDocumentCheck, type DocumentCheckSettings } from './document-check.js';
import { intakeHandlers } from './handlers.js';
import { createPoppClient, type PoppClientOptions } from './popp-client.js';

export interface IntakeSettings extends ExampleConnection {
  dbPath: string;
  groupId: string;
  /** Popp's API: where processDocument is and the service's credentials. */
  popp: PoppClientOptions;
  documents: DocumentCheckSettings;
  /** How long an event is retried while Popp gives no verdict before it is dead-lettered (the SDK's policy; default 5 tries). */
  retry?: Partial<RetryPolicy>;
  log?: ConsumerLog;
  /** Default SIGTERM and SIGINT stop it; tests pass []. */
  signals?: readonly NodeJS.Signals[];
}

/**
 * document-intake: DOCUMENT_UPLOADED, checked with Popp's processDocument →
 * a catalogue of the documents that passed, per conversation, and a table of
 * those that did not, in its own consumer group.
 */
export async function startDocumentIntake(settings: IntakeSettings): Promise<{ consumer: Consumer; catalogue: Catalogue }> {
  const catalogue = openCatalogue(settings.dbPath);
  const check = createDocumentCheck(createPoppClient(settings.popp), settings.documents);
  const consumer = createConsumer({
    kafka: settings.kafka,
    topics: settings.topics,
    groupId: settings.groupId,
    handlers: intakeHandlers(catalogue, check),
    idempotency: catalogue.store,
    ...(settings.retry && { retry: settings.retry }),
    ...(settings.log && { log: settings.log }),
    ...(settings.signals && { signals: settings.signals }),
  });
  await startOrClose(consumer, () => catalogue.close());
  return { consumer, catalogue };
}
