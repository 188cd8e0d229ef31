import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openScheduleDb } from '../../../examples/interview-schedule/db.js';
import { type Interview, interviewProjection, type SchedulingEvent } from '../../../examples/interview-schedule/projection.js';
import { bookingEvent, minute } from '../../support/examples.js';

const fold = (events: SchedulingEvent[]): Interview | undefined =>
  events.reduce<Interview | undefined>(
    (state, event) => interviewProjection.evolve(state ?? interviewProjection.initial(event), event),
    undefined,
  );

/** One booking's story, as Popp might send it; the first two share a timestamp, so their eventIds decide between them. */
const story = (): SchedulingEvent[] =>
  [
    bookingEvent('CALENDAR_AVAILABILITY_NOT_FOUND', 'booking_p', 1, '2030-03-01T09:00:00.000Z'),
    bookingEvent('CALENDAR_MORE_TIME_REQUESTED', 'booking_p', 1, '2030-03-01T10:00:00.000Z'),
    bookingEvent('CALENDAR_MEETING_SCHEDULED', 'booking_p', 3, '2030-03-02T09:00:00.000Z', { conversationId: 'conv_p' }),
    bookingEvent('CALENDAR_MEETING_UPDATED', 'booking_p', 4, '2030-03-02T09:00:00.000Z'),
    bookingEvent('CALENDAR_MEETING_RESCHEDULED', 'booking_p', 5, '2030-03-03T11:00:00+02:00'),
    bookingEvent('CALENDAR_MEETING_CANCELLED', 'booking_p', 6, '2030-03-03T09:00:00.000Z'),
    bookingEvent('CALENDAR_NOTE_TAKER_COMPLETED', 'booking_p', 7, '2030-03-03T09:00:00.000Z'),
  ] as SchedulingEvent[];

describe('the interview-schedule projection', () => {
  it('reaches the same state whatever order a booking’s events arrive in', () => {
    const events = story();
    const expected = fold(events);
    expect(expected).toMatchObject({ status: 'cancelled', reschedules: 1, updates: 1, events: 7 });
    // The ids of the latest booking change, though an earlier event named another conversation.
    expect(expected?.conversationId).toBe('conv_of_booking_p');
    fc.assert(
      fc.property(fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }), (shuffled) => {
        expect(fold(shuffled)).toEqual(expected);
      }),
    );
  });

  it('takes the meeting from the latest booking change, not from a later availability or notes event', () => {
    const events = story().filter((e) => e.event !== 'CALENDAR_MEETING_CANCELLED');
    expect(fold(events)).toMatchObject({ status: 'rescheduled', meeting: { startDateTime: '2030-03-03T11:00:00+02:00' } });
  });

  it('stays unscheduled, with the meeting it was asked about, while only availability events arrived', () => {
    const state = fold(story().slice(0, 2));
    expect(state).toMatchObject({
      status: 'unscheduled',
      changeKey: null,
      availabilityNotFoundAt: minute(1),
      moreTimeRequestedAt: minute(1),
    });
    expect(['2030-03-01T09:00:00.000Z', '2030-03-01T10:00:00.000Z']).toContain(state?.meeting?.startDateTime);
  });

  it('lists as upcoming only booked meetings that have not ended, soonest first, comparing times in UTC', () => {
    const db = openScheduleDb(':memory:');
    const save = (id: string, type: string, start: string) =>
      db.save(fold([bookingEvent(type, id, 1, start) as SchedulingEvent]) as Interview);
    save('booking_late', 'CALENDAR_MEETING_SCHEDULED', '2030-01-01T12:00:00.000Z');
    save('booking_early', 'CALENDAR_MEETING_RESCHEDULED', '2030-01-01T09:00:00-02:00'); // 11:00 UTC
    save('booking_past', 'CALENDAR_MEETING_SCHEDULED', '2024-01-01T12:00:00.000Z');
    save('booking_cancelled', 'CALENDAR_MEETING_CANCELLED', '2030-01-01T12:00:00.000Z');
    save('booking_none', 'CALENDAR_AVAILABILITY_NOT_FOUND', '2030-01-01T12:00:00.000Z');
    // Under way: started before `now`, ends after it.
    save('booking_now', 'CALENDAR_MEETING_UPDATED', '2025-06-01T09:50:00.000Z');
    expect(db.upcoming(new Date('2025-06-01T10:00:00.000Z')).map((i) => i.recordId)).toEqual([
      'booking_now',
      'booking_early',
      'booking_late',
    ]);
    db.close();
  });
});
