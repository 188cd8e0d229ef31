import { defineHandlers, type PoppEvent } from 'popp-bridge/consumer';
import type { TimelineDb } from './db.js';
import { timelineProjection } from './projection.js';

/**
 * Every conversation event and every document moves its record's timeline
 * on: load, evolve, save, inside the database transaction that also records
 * the eventId.
 */
export function timelineHandlers(db: Pick<TimelineDb, 'load' | 'save'>) {
  const apply = ({ event }: { event: PoppEvent }) => {
    const state = db.load(event.data.recordId) ?? timelineProjection.initial(event);
    db.save(timelineProjection.evolve(state, event));
  };
  return defineHandlers({
    CONVERSATION_QUEUED: apply,
    START_CONVERSATION_FAILED: apply,
    CONVERSATION_STARTED: apply,
    CONVERSATION_NEEDS_REVIEW: apply,
    CONVERSATION_MAX_NUDGES_REACHED: apply,
    CONVERSATION_OPTED_OUT: apply,
    CONVERSATION_COMPLETED: apply,
    DOCUMENT_UPLOADED: apply,
  });
}
