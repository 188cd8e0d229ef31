import type { EventTypeIn } from '../../generated/events.js';
import { defineHandlers, type Handler } from '../../src/consumer/index.js';
import type { ScheduleDb } from './db.js';
import { interviewProjection, type SchedulingEvent } from './projection.js';

/**
 * Every scheduling event moves its booking on: load, evolve, save, inside
 * the database transaction that also records the eventId.
 */
export function scheduleHandlers(db: Pick<ScheduleDb, 'load' | 'save'>) {
  const apply = ({ event }: { event: SchedulingEvent }) => {
    const state = db.load(event.data.recordId) ?? interviewProjection.initial(event);
    db.save(interviewProjection.evolve(state, event));
  };
  // `satisfies`: a scheduling type added to the catalogue does not compile here until it is folded.
  return defineHandlers({
    CALENDAR_MEETING_SCHEDULED: apply,
    CALENDAR_MEETING_UPDATED: apply,
    CALENDAR_MEETING_RESCHEDULED: apply,
    CALENDAR_MEETING_CANCELLED: apply,
    CALENDAR_NOTE_TAKER_COMPLETED: apply,
    CALENDAR_AVAILABILITY_NOT_FOUND: apply,
    CALENDAR_MORE_TIME_REQUESTED: apply,
  } satisfies { [T in EventTypeIn<'scheduling'>]: Handler<T> });
}
