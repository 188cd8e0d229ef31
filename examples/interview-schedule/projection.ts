import type { EventOf, EventTypeIn, MeetingDetails } from 'popp-bridge/events';

/** Every event of the scheduling category: the projection folds them all. */
export type SchedulingEvent = EventOf<EventTypeIn<'scheduling'>>;

/** What the booking's latest change made of it; `unscheduled` until a booking change arrives (availability may come first). */
export type InterviewStatus = 'unscheduled' | 'scheduled' | 'updated' | 'rescheduled' | 'cancelled';

const CHANGES: Partial<Record<SchedulingEvent['event'], InterviewStatus>> = {
  CALENDAR_MEETING_SCHEDULED: 'scheduled',
  CALENDAR_MEETING_UPDATED: 'updated',
  CALENDAR_MEETING_RESCHEDULED: 'rescheduled',
  CALENDAR_MEETING_CANCELLED: 'cancelled',
};

export interface Meeting {
  title: string | null;
  startDateTime: string | null;
  endDateTime: string | null;
  timezone: string | null;
  location: string | null;
  videoConference: boolean | null;
  meetingUrl: string | null;
  /** E-mail addresses only: the read model needs who, not their names. */
  participants: string[];
}

/** One booking (`recordId`), folded from its scheduling events. */
export interface Interview {
  recordId: string;
  organizationId: string;
  conversationId: string | null;
  externalConversationId: string | null;
  externalCampaignId: string | null;
  status: InterviewStatus;
  /** Sort key (`<time>|<eventId>`) of the change that set `status`: an older change arriving later loses to it. */
  changeKey: string | null;
  meeting: Meeting | null;
  /** Ranked sort key of the event `meeting` comes from: booking changes outrank the other events, then the later wins. */
  meetingKey: string | null;
  /** Ranked sort key of the event the three correlation ids come from, by the same rule. */
  idsKey: string | null;
  reschedules: number;
  updates: number;
  notesReadyAt: string | null;
  availabilityNotFoundAt: string | null;
  moreTimeRequestedAt: string | null;
  /** Events folded in: a double-applied event would show here. */
  events: number;
  lastEventAt: string;
}

/**
 * The projection as a plain definition, like the timeline's, but the fold
 * does not depend on the order events arrive in: every field is a count, a
 * latest time, or taken from the event with the highest sort key. The
 * service reads one topic per scheduling type, and Kafka orders records only
 * within a partition of one topic, so a live run and a replay may interleave
 * the topics differently; both still reach the same state. It also means an
 * older change that Popp delivers late does not undo a newer one.
 */
export const interviewProjection = {
  name: 'interview-schedule',

  initial(event: SchedulingEvent): Interview {
    const { recordId, organizationId } = event.data;
    return {
      recordId,
      organizationId,
      conversationId: null,
      externalConversationId: null,
      externalCampaignId: null,
      status: 'unscheduled',
      changeKey: null,
      meeting: null,
      meetingKey: null,
      idsKey: null,
      reschedules: 0,
      updates: 0,
      notesReadyAt: null,
      availabilityNotFoundAt: null,
      moreTimeRequestedAt: null,
      events: 0,
      lastEventAt: '',
    };
  },

  evolve(state: Interview, event: SchedulingEvent): Interview {
    const at = event.eventTimestamp;
    const key = sortKey(at, event.eventId);
    const change = CHANGES[event.event];
    const next: Interview = { ...state, events: state.events + 1, lastEventAt: latest(state.lastEventAt, at) };
    const wins = (current: string | null, candidate: string) => current === null || candidate > current;
    if (change && wins(next.changeKey, key)) {
      next.status = change;
      next.changeKey = key;
    }
    // Booking changes describe the meeting as booked; the other events only stand in until one arrives.
    const ranked = `${change ? 1 : 0}|${key}`;
    const details = event.data.meetingDetails;
    if (details && wins(next.meetingKey, ranked)) {
      next.meeting = meeting(details);
      next.meetingKey = ranked;
    }
    const ids = correlation(event);
    if (ids && wins(next.idsKey, ranked)) Object.assign(next, ids, { idsKey: ranked });
    switch (event.event) {
      case 'CALENDAR_MEETING_RESCHEDULED':
        return { ...next, reschedules: next.reschedules + 1 };
      case 'CALENDAR_MEETING_UPDATED':
        return { ...next, updates: next.updates + 1 };
      case 'CALENDAR_NOTE_TAKER_COMPLETED':
        return { ...next, notesReadyAt: latest(next.notesReadyAt, at) };
      case 'CALENDAR_AVAILABILITY_NOT_FOUND':
        return { ...next, availabilityNotFoundAt: latest(next.availabilityNotFoundAt, at) };
      case 'CALENDAR_MORE_TIME_REQUESTED':
        return { ...next, moreTimeRequestedAt: latest(next.moreTimeRequestedAt, at) };
      default:
        return next;
    }
  },
};

type CorrelationIds = Pick<Interview, 'conversationId' | 'externalConversationId' | 'externalCampaignId'>;

/** The conversation and campaign ids an event carries (documented for SCHEDULED only), or undefined when it carries none. */
function correlation(event: SchedulingEvent): CorrelationIds | undefined {
  const data = event.data as { conversationId?: string; externalConversationId?: string; externalCampaignId?: string };
  const { conversationId = null, externalConversationId = null, externalCampaignId = null } = data;
  if (conversationId === null && externalConversationId === null && externalCampaignId === null) return undefined;
  return { conversationId, externalConversationId, externalCampaignId };
}

function meeting(details: MeetingDetails): Meeting {
  return {
    title: details.title ?? null,
    startDateTime: details.startDateTime ?? null,
    endDateTime: details.endDateTime ?? null,
    timezone: details.timezone ?? null,
    location: details.location ?? null,
    videoConference: details.videoConference ?? null,
    meetingUrl: details.meetingUrl ?? null,
    participants: (details.participants ?? []).flatMap((p) => (p.email ? [p.email] : [])),
  };
}

/** `<UTC time>|<eventId>`: compares as strings in time order, the eventId breaking ties, whatever offset Popp wrote. */
export function sortKey(timestamp: string, eventId: string): string {
  return `${new Date(timestamp).toISOString()}|${eventId}`;
}

/** The later of two times; of two ways to write the same instant, the greater string, so the order they come in never matters. */
function latest(a: string | null, b: string): string {
  if (a === null || a === '') return b;
  const difference = Date.parse(b) - Date.parse(a);
  return difference > 0 || (difference === 0 && b > a) ? b : a;
}
