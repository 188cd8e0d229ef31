import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openScheduleDb } from '../../examples/interview-schedule/db.js';
import type { Interview } from '../../examples/interview-schedule/projection.js';
import { rebuildSchedule, type ScheduleSettings, startSchedule } from '../../examples/interview-schedule/service.js';
import { startTestBridge, type TestBridge } from '../support/bridge.js';
import { produce, uniqueGroup } from '../support/consumer.js';
import { bookingEvent, eventOf, minute } from '../support/examples.js';
import { uniquePrefix } from '../support/kafka.js';

const brokers = inject('kafkaBrokers');

/** The clock of `show`: meetings in 2030 are ahead of it, those of 2024 behind. */
const NOW = new Date('2025-06-01T00:00:00.000Z');

describe('examples/interview-schedule', () => {
  let bridge: TestBridge;
  let dir: string;
  let settings: ScheduleSettings;
  const post = async (events: unknown[]) => {
    for (const event of events) expect((await bridge.post(event)).status).toBe(200);
  };
  const live = async () => {
    const { consumer, db } = await startSchedule(settings);
    try {
      await consumer.caughtUp();
      return { groupId: consumer.groupId, stats: consumer.stats(), state: db.all(), upcoming: db.upcoming(NOW) };
    } finally {
      await consumer.stop();
      db.close();
    }
  };
  const summary = (i: Interview) => [i.recordId, i.status, i.meeting?.startDateTime, i.reschedules, i.updates, i.events];

  beforeAll(async () => {
    bridge = await startTestBridge(brokers, uniquePrefix('schedule'));
    dir = mkdtempSync(join(tmpdir(), 'popp-schedule-'));
    settings = {
      kafka: { brokers },
      topics: { prefix: bridge.prefix },
      dbPath: join(dir, 'schedule.sqlite'),
      baseGroup: uniqueGroup('schedule'),
      signals: [],
    };
  });
  afterAll(async () => {
    await bridge?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('folds each booking from scheduled through rescheduled, updated and cancelled into upcoming interviews, and a rebuild reaches the same state', async () => {
    const scheduledA = bookingEvent('CALENDAR_MEETING_SCHEDULED', 'booking_a', 1, '2030-03-02T15:00:00.000Z');
    await post([
      scheduledA,
      bookingEvent('CALENDAR_MEETING_RESCHEDULED', 'booking_a', 5, '2030-03-04T09:00:00.000Z'),
      bookingEvent('CALENDAR_MEETING_SCHEDULED', 'booking_b', 1, '2030-03-01T10:00:00.000Z'),
      bookingEvent('CALENDAR_MEETING_UPDATED', 'booking_b', 2, '2030-03-01T10:00:00.000Z'),
      bookingEvent('CALENDAR_MEETING_CANCELLED', 'booking_b', 3, '2030-03-01T10:00:00.000Z'),
      // A meeting that took place: its notes are ready, it is no longer upcoming.
      bookingEvent('CALENDAR_MEETING_SCHEDULED', 'booking_c', 1, '2024-01-16T10:00:00.000Z'),
      bookingEvent('CALENDAR_NOTE_TAKER_COMPLETED', 'booking_c', 50, '2024-01-16T10:00:00.000Z'),
      // No slot at first, then more time asked for, then a booking (written with an offset).
      bookingEvent('CALENDAR_AVAILABILITY_NOT_FOUND', 'booking_d', 1, '2030-03-03T00:00:00.000Z'),
      bookingEvent('CALENDAR_MORE_TIME_REQUESTED', 'booking_d', 2, '2030-03-03T00:00:00.000Z'),
      bookingEvent('CALENDAR_MEETING_SCHEDULED', 'booking_d', 3, '2030-03-03T08:00:00-05:00'),
      bookingEvent('CALENDAR_AVAILABILITY_NOT_FOUND', 'booking_e', 1, '2030-03-05T00:00:00.000Z'),
      // Popp delivers an older reschedule after the cancellation: the cancellation stands.
      bookingEvent('CALENDAR_MEETING_SCHEDULED', 'booking_f', 1, '2030-04-01T10:00:00.000Z'),
      bookingEvent('CALENDAR_MEETING_CANCELLED', 'booking_f', 6, '2030-04-02T10:00:00.000Z'),
      bookingEvent('CALENDAR_MEETING_RESCHEDULED', 'booking_f', 4, '2030-04-02T10:00:00.000Z'),
      // Not a scheduling event: the projection does not read its topic.
      eventOf('CONVERSATION_STARTED', 'conv_of_booking_a', 0),
    ]);
    // A second copy of one event in its topic, as after a 503 whose write landed late and Popp's retry.
    await produce(brokers, `${bridge.prefix}calendar.meeting.scheduled`, [
      { key: 'booking_a', value: Buffer.from(JSON.stringify(scheduledA)) },
    ]);

    const first = await live();
    expect(first.stats).toMatchObject({ handled: 14, duplicates: 1, skipped: 0, deadLettered: 0 });
    expect(first.state.map(summary)).toEqual([
      ['booking_a', 'rescheduled', '2030-03-04T09:00:00.000Z', 1, 0, 2],
      ['booking_b', 'cancelled', '2030-03-01T10:00:00.000Z', 0, 1, 3],
      ['booking_c', 'scheduled', '2024-01-16T10:00:00.000Z', 0, 0, 2],
      ['booking_d', 'scheduled', '2030-03-03T08:00:00-05:00', 0, 0, 3],
      ['booking_e', 'unscheduled', '2030-03-05T00:00:00.000Z', 0, 0, 1],
      ['booking_f', 'cancelled', '2030-04-02T10:00:00.000Z', 1, 0, 3],
    ]);
    // Soonest first, whatever offset the time was written with (08:00-05:00 is 13:00 UTC on the 3rd).
    expect(first.upcoming.map((i) => i.recordId)).toEqual(['booking_d', 'booking_a']);
    const byId = new Map(first.state.map((i) => [i.recordId, i]));
    expect(byId.get('booking_a')).toMatchObject({
      organizationId: 'org_xyz789',
      conversationId: 'conv_of_booking_a',
      externalConversationId: 'conversation-booking_a',
      externalCampaignId: 'campaign-456',
      lastEventAt: minute(5),
      meeting: {
        endDateTime: '2030-03-04T09:30:00.000Z',
        timezone: 'America/New_York',
        videoConference: true,
        meetingUrl: 'https://meet.example.com/booking_a',
        location: null,
        participants: ['john.doe@example.com', 'jane.smith@example.com'],
      },
    });
    expect(byId.get('booking_c')).toMatchObject({ notesReadyAt: minute(50), availabilityNotFoundAt: null });
    expect(byId.get('booking_d')).toMatchObject({ availabilityNotFoundAt: minute(1), moreTimeRequestedAt: minute(2) });
    expect(byId.get('booking_e')).toMatchObject({ status: 'unscheduled', availabilityNotFoundAt: minute(1), changeKey: null });

    // The read model goes wrong: the rebuild must not depend on what is there.
    const corrupt = new Database(settings.dbPath);
    corrupt.exec("UPDATE interviews SET status = 'cancelled', events = 99; DELETE FROM interviews WHERE record_id = 'booking_d'");
    corrupt.close();

    const rebuilt = await rebuildSchedule(settings);
    expect(rebuilt.previousGroupId).toBe(first.groupId);
    expect(rebuilt.groupId).not.toBe(first.groupId);
    expect(rebuilt.stats).toMatchObject({ handled: 14, duplicates: 1 });
    expect(rebuilt.size).toBe(6);
    const afterRebuild = openScheduleDb(settings.dbPath);
    expect(afterRebuild.all()).toEqual(first.state);
    expect(afterRebuild.upcoming(NOW)).toEqual(first.upcoming);
    afterRebuild.close();

    // The live projection continues in the rebuilding group, applying only what is new.
    await post([bookingEvent('CALENDAR_MEETING_CANCELLED', 'booking_a', 7, '2030-03-04T09:00:00.000Z')]);
    const next = await live();
    expect(next.groupId).toBe(rebuilt.groupId);
    expect(next.stats).toMatchObject({ handled: 1, duplicates: 0 });
    expect(next.upcoming.map((i) => i.recordId)).toEqual(['booking_d']);
    expect(next.state.find((i) => i.recordId === 'booking_a')).toMatchObject({ status: 'cancelled', reschedules: 1, events: 3 });
  });

  it('refuses to rebuild while the live projection runs in its group', async () => {
    const { consumer, db } = await startSchedule(settings);
    try {
      await expect(rebuildSchedule(settings)).rejects.toThrow(`the projection is running in group ${consumer.groupId}: stop it`);
    } finally {
      await consumer.stop();
      db.close();
    }
  });
});
