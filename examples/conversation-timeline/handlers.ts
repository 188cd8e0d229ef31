import { defineHandlers, type PoppEvent } from '../../src/consumer/index.js';
import type { TimelineDb } from './db.js';
import { timelineProjection } from './projection.js';

/**
 * Every event type moves its record's timeline on: load, evolve, save, inside
 * the database transaction that also records the eventId.
 */
export function timelineHandlers(db: Pick<TimelineDb, 'load' | 'save'>) {
  const apply = (event: PoppEvent) => {
    const state = db.load(event.data.recordId) ?? timelineProjection.initial(event);
    db.save(timelineProjection.evolve(state, event));
  };
  return defineHandlers({
    CONVERSATION_STARTED: ({ event }) => apply(event),
    CONVERSATION_COMPLETED: ({ event }) => apply(event),
    DOCUMENT_UPLOADED: ({ event }) => apply(event),
  });
}
