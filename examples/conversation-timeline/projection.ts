import type { PoppEvent } from 'popp-bridge/events';
import { type Screening, screening } from './screening.js';

export interface TimelineDocument {
  attachmentId: string;
  fileName: string;
  contentType: string;
  documentType: string | null;
  uploadedAt: string;
}

/**
 * Where a conversation stands: `open` until a lifecycle event arrives (a
 * document may come first), then the furthest stage reached.
 */
export type TimelineStatus =
  | 'open'
  | 'queued'
  | 'failed-to-start'
  | 'started'
  | 'needs-review'
  | 'max-nudges-reached'
  | 'completed'
  | 'opted-out';

/**
 * How far along each status is. A late event of an earlier stage (a QUEUED
 * delivered after the start) records its time without moving the status
 * back; a start after a failed start means the retry worked. Of two at the
 * same stage the later event wins (needs review, then max nudges).
 */
const STAGE: Record<TimelineStatus, number> = {
  open: 0,
  queued: 1,
  'failed-to-start': 2,
  started: 3,
  'needs-review': 4,
  'max-nudges-reached': 4,
  completed: 5,
  'opted-out': 5,
};

/** A conversation's current state, folded from its events in log order. */
export interface Timeline {
  recordId: string;
  organizationId: string;
  status: TimelineStatus;
  /** Popp's own status, as the last event that carried one said it (ONGOING, COMPLETED_SCREENING_PASSED, COMPLETED, …). */
  conversationStatus: string | null;
  candidateId: string | null;
  externalId: string | null;
  externalCampaignId: string | null;
  queuedAt: string | null;
  startedAt: string | null;
  failedToStartAt: string | null;
  needsReviewAt: string | null;
  maxNudgesReachedAt: string | null;
  optedOutAt: string | null;
  completedAt: string | null;
  screening: Screening | null;
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
    return {
      recordId,
      organizationId,
      status: 'open',
      conversationStatus: null,
      candidateId: null,
      externalId: null,
      externalCampaignId: null,
      queuedAt: null,
      startedAt: null,
      failedToStartAt: null,
      needsReviewAt: null,
      maxNudgesReachedAt: null,
      optedOutAt: null,
      completedAt: null,
      screening: null,
      documents: [],
      events: 0,
      lastEventAt: '',
    };
  },

  evolve(state: Timeline, event: PoppEvent): Timeline {
    const at = event.eventTimestamp;
    const next = { ...state, events: state.events + 1, lastEventAt: later(state.lastEventAt, at) };
    const reach = (status: TimelineStatus) => (STAGE[status] >= STAGE[next.status] ? status : next.status);
    switch (event.event) {
      case 'CONVERSATION_QUEUED':
        return { ...next, queuedAt: at, status: reach('queued') };
      case 'START_CONVERSATION_FAILED':
        return { ...next, failedToStartAt: at, status: reach('failed-to-start') };
      case 'CONVERSATION_STARTED': {
        const { conversationStatus, candidateId, externalId, externalCampaignId } = event.data;
        return {
          ...next,
          startedAt: at,
          status: reach('started'),
          conversationStatus: conversationStatus ?? next.conversationStatus,
          candidateId: candidateId ?? next.candidateId,
          externalId: externalId ?? next.externalId,
          externalCampaignId: externalCampaignId ?? next.externalCampaignId,
        };
      }
      case 'CONVERSATION_NEEDS_REVIEW':
        return { ...next, needsReviewAt: at, status: reach('needs-review') };
      case 'CONVERSATION_MAX_NUDGES_REACHED':
        return { ...next, maxNudgesReachedAt: at, status: reach('max-nudges-reached') };
      case 'CONVERSATION_OPTED_OUT':
        return { ...next, optedOutAt: at, status: reach('opted-out') };
      case 'CONVERSATION_COMPLETED': {
        const { data } = event;
        return {
          ...next,
          completedAt: at,
          status: reach('completed'),
          conversationStatus: data.conversationStatus ?? next.conversationStatus,
          externalId: data.externalId ?? next.externalId,
          externalCampaignId: data.externalCampaignId ?? next.externalCampaignId,
          screening: screening(data) ?? next.screening,
        };
      }
      case 'DOCUMENT_UPLOADED': {
        const { attachmentId, fileName, contentType, classifiedDocumentType } = event.data;
        const document = { attachmentId, fileName, contentType, documentType: classifiedDocumentType ?? null, uploadedAt: at };
        return { ...next, documents: [...next.documents, document] };
      }
      default:
        return next;
    }
  },
};

function later(a: string, b: string): string {
  return a === '' || Date.parse(b) > Date.parse(a) ? b : a;
}
