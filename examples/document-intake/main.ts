// npm run example:document-intake [-- list]
import { defaultDatabasePath, exampleLogger, reading, runExample, untilStopped } from '../shared/runtime.js';
import { connectionFromEnv, localBrokerUnlessSet } from '../shared/settings.js';
import { openCatalogue } from './db.js';
import { startDocumentIntake } from './service.js';
import { poppSettingsFromEnv } from './settings.js';

const NAME = 'document-intake';
const print = (line: string) => console.log(line);

/** This example's own settings (its Kafka settings are read in ../shared/settings.ts, Popp's in ./settings.ts). */
const dbPath = process.env.DOCUMENT_INTAKE_DB || defaultDatabasePath(NAME);
const groupId = process.env.DOCUMENT_INTAKE_GROUP || NAME;

async function main(command = 'start'): Promise<number> {
  if (command === 'list') return list();
  if (command !== 'start') {
    print(`usage: npm run example:${NAME} [-- start|list]`);
    return 2;
  }
  const connection = connectionFromEnv();
  const { popp, documents } = poppSettingsFromEnv();
  await localBrokerUnlessSet(process.env, print);
  const { log } = exampleLogger(NAME);
  const { consumer, catalogue } = await startDocumentIntake({ ...connection, popp, documents, dbPath, groupId, log });
  print(`${NAME} is consuming ${consumer.topics.join(', ')} in group ${groupId} (Kafka ${connection.kafka.brokers.join(',')}).`);
  print(`  Each document is checked with Popp (${new URL(popp.processDocumentPath, popp.baseUrl).origin}) before it is catalogued.`);
  print(`  Catalogue and rejected documents: ${dbPath}   (npm run example:${NAME} -- list)`);
  print(`  Dead letters (no verdict from Popp after every retry): ${consumer.deadLetterTopic}`);
  print('  Try: npx popp-bridge trigger DOCUMENT_UPLOADED   (with the bridge running: npm start)');
  return untilStopped(consumer, () => catalogue.close());
}

/** Prints the catalogue (one conversation per block, its documents below), then the rejected documents and why. */
function list(): number {
  return reading(
    () => openCatalogue(dbPath),
    (catalogue) => {
      const conversations = catalogue.byConversation();
      if (conversations.size === 0) print(`No documents yet in ${dbPath}.`);
      for (const [conversationId, docs] of conversations) {
        print(`${conversationId} (${docs[0]?.organizationId}): ${docs.length} document(s)`);
        for (const doc of docs) {
          print(`  ${doc.uploadedAt}  ${doc.fileName}  ${doc.contentType}${doc.documentType ? `  [${doc.documentType}]` : ''}`);
        }
      }
      const rejected = catalogue.rejected();
      if (rejected.length > 0) print(`Rejected: ${rejected.length} document(s)`);
      for (const doc of rejected) {
        print(`  ${doc.uploadedAt}  ${doc.conversationId}  ${doc.fileName}  ${JSON.stringify(doc.validationErrors)}`);
      }
    },
  );
}

runExample(main, print);
