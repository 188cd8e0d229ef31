// npm run example:interview-schedule [-- start|rebuild|show]
import { projectionCommands } from '../shared/projection-main.js';
import { defaultDatabasePath, runExample } from '../shared/runtime.js';
import type { ScheduleDb } from './db.js';
import type { Interview } from './projection.js';
import { scheduleDefinition } from './service.js';

const NAME = 'interview-schedule';
const print = (line: string) => console.log(line);

/** This example's own settings (its Kafka settings are read in ../shared/settings.ts). */
const dbPath = process.env.INTERVIEW_SCHEDULE_DB || defaultDatabasePath(NAME);
const baseGroup = process.env.INTERVIEW_SCHEDULE_GROUP || NAME;

/** The upcoming interviews, soonest first, then how many bookings are not upcoming and why. */
function show(db: ScheduleDb): void {
  const upcoming = db.upcoming(new Date());
  const all = db.all();
  if (all.length === 0) print(`No bookings yet in ${dbPath}.`);
  else print(`${upcoming.length} upcoming interview(s):`);
  for (const interview of upcoming) print(`  ${line(interview)}`);
  const others = all.length - upcoming.length;
  if (others > 0) {
    const byStatus = new Map<string, number>();
    for (const i of all) if (!upcoming.some((u) => u.recordId === i.recordId)) byStatus.set(i.status, (byStatus.get(i.status) ?? 0) + 1);
    print(`${others} other booking(s): ${[...byStatus].map(([status, n]) => `${n} ${status}`).join(', ')}`);
  }
}

function line(i: Interview): string {
  const m = i.meeting;
  const where = m?.videoConference ? (m.meetingUrl ?? 'video') : (m?.location ?? '');
  const flags = [
    i.reschedules > 0 && `rescheduled ${i.reschedules}x`,
    i.notesReadyAt && 'notes ready',
    i.moreTimeRequestedAt && 'more time requested',
  ].filter(Boolean);
  return `${m?.startDateTime ?? '?'}  ${i.recordId}  ${i.status.padEnd(11)}  ${m?.timezone ?? ''}  ${where}${flags.length ? `  (${flags.join(', ')})` : ''}`;
}

runExample(projectionCommands({ name: NAME, dbPath, baseGroup, definition: scheduleDefinition, rows: 'booking(s)', show, print }), print);
