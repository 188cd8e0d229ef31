// npm run example:conversation-timeline [-- start|rebuild|show]
import { projectionCommands } from '../shared/projection-main.js';
import { defaultDatabasePath, runExample } from '../shared/runtime.js';
import type { TimelineDb } from './db.js';
import { timelineDefinition } from './service.js';

const NAME = 'conversation-timeline';
const print = (line: string) => console.log(line);

/** This example's own settings (its Kafka settings are read in ../shared/settings.ts). */
const dbPath = process.env.CONVERSATION_TIMELINE_DB || defaultDatabasePath(NAME);
const baseGroup = process.env.CONVERSATION_TIMELINE_GROUP || NAME;

/** Prints every timeline, one line each. */
function show(db: TimelineDb): void {
  const timelines = db.all();
  if (timelines.length === 0) print(`No timelines yet in ${dbPath}.`);
  for (const t of timelines) {
    const when = [
      t.queuedAt && `queued ${t.queuedAt}`,
      t.startedAt && `started ${t.startedAt}`,
      t.needsReviewAt && `needs review since ${t.needsReviewAt}`,
      t.maxNudgesReachedAt && `max nudges ${t.maxNudgesReachedAt}`,
      t.failedToStartAt && `failed to start ${t.failedToStartAt}`,
      t.optedOutAt && `opted out ${t.optedOutAt}`,
      t.completedAt && `completed ${t.completedAt}`,
    ].filter(Boolean);
    const screening = t.screening
      ? `  screening ${t.screening.outcome ?? 'n/a'}${t.screening.scorecardTotalValue === null ? '' : ` (${t.screening.scorecardTotalValue})`}`
      : '';
    print(`${t.recordId}  ${t.status.padEnd(18)}${screening}  ${t.documents.length} document(s)  ${t.events} event(s)  ${when.join(', ')}`);
  }
}

runExample(projectionCommands({ name: NAME, dbPath, baseGroup, definition: timelineDefinition, rows: 'timeline(s)', show, print }), print);
