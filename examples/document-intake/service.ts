import type { Config } from '../../src/config.js';
import { type Consumer, type ConsumerLog, connectionFromConfig, createConsumer } from '../../src/consumer/index.js';
import { startOrClose } from '../shared/runtime.js';
import { type Catalogue, openCatalogue } from './db.js';
import { intakeHandlers } from './handlers.js';

export interface IntakeSettings {
  config: Config;
  brokers: string[];
  dbPath: string;
  groupId: string;
  log?: ConsumerLog;
  /** Default SIGTERM and SIGINT stop it; tests pass []. */
  signals?: readonly NodeJS.Signals[];
}

/** document-intake: DOCUMENT_UPLOADED → a catalogue of documents per conversation, in its own consumer group. */
export async function startDocumentIntake(settings: IntakeSettings): Promise<{ consumer: Consumer; catalogue: Catalogue }> {
  const catalogue = openCatalogue(settings.dbPath);
  const consumer = createConsumer({
    ...connectionFromConfig(settings.config, settings.brokers),
    groupId: settings.groupId,
    handlers: intakeHandlers(catalogue),
    idempotency: catalogue.store,
    ...(settings.log && { log: settings.log }),
    ...(settings.signals && { signals: settings.signals }),
  });
  await startOrClose(consumer, () => catalogue.close());
  return { consumer, catalogue };
}
