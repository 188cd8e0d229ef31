// npm run example:document-intake [-- list]
import { loadConfig } from '../../src/config.js';
import { defaultDatabasePath, exampleBrokers, exampleLogger, reading, runExample, untilStopped } from '../shared/runtime.js';
import { openCatalogue } from './db.js';
import { startDocumentIntake } from './service.js';

const NAME = 'document-intake';
const print = (line: string) => console.log(line);

/** This example's own settings: the one place it reads the environment besides loadConfig(). */
const dbPath = process.env.DOCUMENT_INTAKE_DB || defaultDatabasePath(NAME);
const groupId = process.env.DOCUMENT_INTAKE_GROUP || NAME;

async function main(command = 'start'): Promise<number> {
  if (command === 'list') return list();
  if (command !== 'start') {
    print(`usage: npm run example:${NAME} [-- start|list]`);
    return 2;
  }
  const config = loadConfig();
  const brokers = await exampleBrokers(config, print);
  const { log } = exampleLogger(NAME, config);
  const { consumer, catalogue } = await startDocumentIntake({ config, brokers, dbPath, groupId, log });
  print(`${NAME} is consuming ${consumer.topics.join(', ')} in group ${groupId} (Kafka ${brokers.join(',')}).`);
  print(`  Catalogue: ${dbPath}   (npm run example:${NAME} -- list)`);
  print(`  Dead letters: ${consumer.deadLetterTopic}`);
  print('  Try: npx popp-bridge trigger DOCUMENT_UPLOADED   (with the bridge running: npm start)');
  return untilStopped(consumer, () => catalogue.close());
}

/** Prints the catalogue: one conversation per block, its documents below. */
function list(): number {
  return reading(
    () => openCatalogue(dbPath),
    (catalogue) => {
      const conversations = catalogue.byConversation();
      if (conversations.size === 0) print(`No documents yet in ${dbPath}.`);
      for (const [conversationId, documents] of conversations) {
        print(`${conversationId} (${documents[0]?.organizationId}): ${documents.length} document(s)`);
        for (const doc of documents) {
          print(`  ${doc.uploadedAt}  ${doc.fileName}  ${doc.contentType}${doc.documentType ? `  [${doc.documentType}]` : ''}`);
        }
      }
    },
  );
}

runExample(main, print);
