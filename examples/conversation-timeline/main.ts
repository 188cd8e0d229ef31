// npm run example:conversation-timeline [-- start|rebuild|show]
import { loadConfig } from '../../src/config.js';
import { formatRebuildProgress } from '../../src/consumer/index.js';
import { defaultDatabasePath, exampleBrokers, exampleLogger, reading, runExample, untilStopped } from '../shared/runtime.js';
import { openTimelineDb } from './db.js';
import { rebuildTimeline, startTimeline } from './service.js';

const NAME = 'conversation-timeline';
const print = (line: string) => console.log(line);

/** This example's own settings: the one place it reads the environment besides loadConfig(). */
const dbPath = process.env.CONVERSATION_TIMELINE_DB || defaultDatabasePath(NAME);
const baseGroup = process.env.CONVERSATION_TIMELINE_GROUP || NAME;

async function main(command = 'start'): Promise<number> {
  if (command === 'show') return show();
  if (command !== 'start' && command !== 'rebuild') {
    print(`usage: npm run example:${NAME} [-- start|rebuild|show]`);
    return 2;
  }
  const config = loadConfig();
  const brokers = await exampleBrokers(config, print);
  const { log } = exampleLogger(NAME, config);
  const settings = { config, brokers, dbPath, baseGroup, log };

  if (command === 'rebuild') {
    print(`Rebuilding ${dbPath} from ${config.topics.eventLog} under a fresh consumer group…`);
    const result = await rebuildTimeline({ ...settings, onProgress: (progress) => print(`  ${formatRebuildProgress(progress)}`) });
    const { handled, duplicates, skipped, deadLettered } = result.stats;
    const { events, seconds, eventsPerSec } = result.rebuild;
    print(
      `Rebuilt ${result.timelines} timeline(s) in group ${result.groupId} from ${events} events in ${seconds} s (${eventsPerSec} events/s):`,
    );
    print(`  ${handled} events applied,`);
    print(`  ${duplicates} duplicate(s) and ${skipped} event(s) of other types skipped, ${deadLettered} dead-lettered.`);
    if (result.previousGroupId) print(`  Deleted the previous group ${result.previousGroupId}. \`start\` continues in the new one.`);
    return 0;
  }

  const { consumer, db } = await startTimeline(settings);
  print(`${NAME} is folding ${consumer.topics.join(', ')} in group ${consumer.groupId} (Kafka ${brokers.join(',')}).`);
  print(`  Read model: ${dbPath}   (npm run example:${NAME} -- show; stop this, then -- rebuild to replay)`);
  return untilStopped(consumer, () => db.close());
}

/** Prints every timeline, one line each. */
function show(): number {
  return reading(
    () => openTimelineDb(dbPath),
    (db) => {
      const timelines = db.all();
      if (timelines.length === 0) print(`No timelines yet in ${dbPath}.`);
      for (const t of timelines) {
        const when = [t.startedAt && `started ${t.startedAt}`, t.completedAt && `completed ${t.completedAt}`].filter(Boolean).join(', ');
        print(`${t.recordId}  ${t.status.padEnd(9)}  ${t.documents.length} document(s)  ${t.events} event(s)  ${when}`);
      }
    },
  );
}

runExample(main, print);
