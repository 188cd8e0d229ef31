import type { PoppEvent } from '../../generated/events.js';

export interface TimelineDocument {
  attachmentId: string;
  fileName: string;
  contentType: string;
  documentType: string | null;
  uploadedAt: string;
}

/** A conversation's current state, folded from its events in log order. */
export interface Timeline {
  recordId: string;
  organizationId: string;
  /** `open` until CONVERSATION_STARTED arrives (a document may come first). */
  status: 'open' | 'started' | 'completed';
  startedAt: string | null;
  completedAt: string | null;
  documents: TimelineDocument[];
  /** Events folded in: a double-applied event would show here. */
  events: number;
  lastEventAt: string;
}

/**
 * The projection as a plain definition (Emmett's shape): where a record's
 * state starts and how each event moves it on. Pure: the state depends on the
 * events alone, never on the clock, so a replay reaches the same state.
 */
export const timelineProjection = {
  name: 'conversation-timeline',

  initial(event: PoppEvent): Timeline {
    const { recordId, organizationId } = event.data;
    return { recordId, organizationId, status: 'open', startedAt: null, completedAt: null, documents: [], events: 0, lastEventAt: '' };
  },

  evolve(state: Timeline, event: PoppEvent): Timeline {
    const next = { ...state, events: state.events + 1, lastEventAt: later(state.lastEventAt, event.eventTimestamp) };
    switch (event.event) {
      case 'CONVERSATION_STARTED':
        return { ...next, startedAt: event.eventTimestamp, status: next.completedAt ? 'completed' : 'started' };
      case 'CONVERSATION_COMPLETED':
        return { ...next, completedAt: event.eventTimestamp, status: 'completed' };
      case 'DOCUMENT_UPLOADED': {
        const { attachmentId, fileName, contentType, classifiedDocumentType } = event.data;
        const document = {
          attachmentId,
          fileName,
          contentType,
          documentType: classifiedDocumentType ?? null,
          uploadedAt: event.eventTimestamp,
        };
        return { ...next, documents: [...next.documents, document] };
      }
      default:
        // The handlers subscribe to the three types above only.
        return state;
    }
  },
};

function later(a: string, b: string): string {
  return a === '' || Date.parse(b) > Date.parse(a) ? b : a;
}
