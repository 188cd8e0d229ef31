import { defineHandlers } from 'popp-bridge/consumer';
import type { ScheduleDb } from './db.js';
import { interviewProjection } from './projection.js';

/**
 * The whole scheduling category, one handler: every scheduling event moves
 * its booking on (load, evolve, save) inside the database transaction that
 * also records the eventId. A scheduling type added to the catalogue later
 * reaches it too, counted as an event of its booking.
 */
export function scheduleHandlers(db: Pick<ScheduleDb, 'load' | 'save'>) {
  return defineHandlers({
    scheduling: ({ event }) => {
      const state = db.load(event.data.recordId) ?? interviewProjection.initial(event);
      db.save(interviewProjection.evolve(state, event));
    },
  });
}
