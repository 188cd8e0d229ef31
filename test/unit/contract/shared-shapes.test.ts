import { describe, expect, it } from 'vitest';
import { createCatalogue } from '../../../src/contract/catalogue.js';
import { sampleEvent } from '../../../src/events/samples.js';
import { schemasDir } from '../../../src/paths.js';

const catalogue = createCatalogue({ schemasDir, topicPrefix: 'popp.' });

// biome-ignore lint/suspicious/noExplicitAny: the edits below reach into nested sample JSON on purpose, wrong types included
type Loose = Record<string, any>;

/** The documented sample of a type with `edit` applied to its data. */
function check(type: string, edit: (data: Loose) => void = () => {}) {
  const event = sampleEvent(type, catalogue.schemas.events.get(type)) as { data: Loose };
  edit(event.data);
  return catalogue.check(event);
}

const violation = (field: RegExp) => ({ ok: false, reason: 'schema-violation', detail: expect.stringMatching(field) });
const ok = { ok: true };

describe('MeetingDetails and its participants (every scheduling event)', () => {
  it('refuses a documented field of the wrong type, naming where', () => {
    expect(check('CALENDAR_MEETING_SCHEDULED', (d) => (d.meetingDetails.videoConference = 'yes'))).toEqual(
      violation(/^\/data\/meetingDetails\/videoConference must be boolean/),
    );
    expect(check('CALENDAR_MEETING_RESCHEDULED', (d) => (d.meetingDetails.startDateTime = 'tomorrow at ten'))).toEqual(
      violation(/startDateTime must match format "date-time"/),
    );
    expect(check('CALENDAR_MEETING_UPDATED', (d) => (d.meetingDetails.meetingUrl = 'meet dot example'))).toEqual(
      violation(/meetingUrl must match format "uri"/),
    );
    expect(check('CALENDAR_MEETING_CANCELLED', (d) => (d.meetingDetails.participants[0].email = 42))).toEqual(
      violation(/^\/data\/meetingDetails\/participants\/0\/email must be string/),
    );
    expect(check('CALENDAR_NOTE_TAKER_COMPLETED', (d) => (d.meetingDetails.participants = { email: 'a@example.com' }))).toEqual(
      violation(/participants must be array/),
    );
  });

  it('requires meetingDetails where a meeting exists, and lets it be absent where none may exist yet', () => {
    expect(check('CALENDAR_MEETING_SCHEDULED', (d) => delete d.meetingDetails)).toEqual(violation(/\(meetingDetails\)/));
    expect(check('CALENDAR_AVAILABILITY_NOT_FOUND', (d) => delete d.meetingDetails)).toEqual(ok);
    expect(check('CALENDAR_MORE_TIME_REQUESTED', (d) => delete d.meetingDetails)).toEqual(ok);
  });

  it('passes unknown fields, an in-person meeting without a URL, and a meeting with only some fields', () => {
    expect(
      check('CALENDAR_MEETING_SCHEDULED', (d) => {
        d.meetingDetails.recordingConsent = true;
        d.meetingDetails.participants[0].role = 'candidate';
        d.bookingSource = 'calendly';
      }),
    ).toEqual(ok);
    expect(
      check('CALENDAR_MEETING_UPDATED', (d) => {
        d.meetingDetails = { title: 'Interview', videoConference: false, location: 'Office, 2nd floor' };
      }),
    ).toEqual(ok);
  });

  it('is one shared shape, bundled into each scheduling schema the registry gets', () => {
    for (const type of catalogue.knownTypes.filter((t) => catalogue.categoryOf(t) === 'scheduling')) {
      const definitions = catalogue.schemas.events.get(type)?.definitions as Record<string, unknown>;
      expect(Object.keys(definitions).sort(), type).toEqual(['MeetingDetails', 'MeetingParticipant']);
    }
  });
});

describe('RequirementOutcome (CANDIDATE_ANALYSIS_COMPLETED)', () => {
  it('refuses a documented field of the wrong type', () => {
    expect(check('CANDIDATE_ANALYSIS_COMPLETED', (d) => (d.requirementOutcomes[0].isMet = 'true'))).toEqual(
      violation(/^\/data\/requirementOutcomes\/0\/isMet must be boolean/),
    );
    expect(check('CANDIDATE_ANALYSIS_COMPLETED', (d) => (d.requirementOutcomes[1].requirement = ['React']))).toEqual(
      violation(/requirement must be string/),
    );
    expect(check('CANDIDATE_ANALYSIS_COMPLETED', (d) => (d.totalScoreScaled = '85.5'))).toEqual(
      violation(/totalScoreScaled must be number/),
    );
  });

  it('passes an outcome without evidence, and unknown fields', () => {
    expect(
      check('CANDIDATE_ANALYSIS_COMPLETED', (d) => {
        delete d.requirementOutcomes[0].evidence;
        d.requirementOutcomes[0].weight = 0.4;
      }),
    ).toEqual(ok);
  });
});

describe('ScreeningQuestionOutcome (CONVERSATION_COMPLETED)', () => {
  it('refuses a documented field of the wrong type', () => {
    expect(check('CONVERSATION_COMPLETED', (d) => (d.screeningQuestionsOutcome[0].questionOutcome = true))).toEqual(
      violation(/^\/data\/screeningQuestionsOutcome\/0\/questionOutcome must be string/),
    );
    expect(check('CONVERSATION_COMPLETED', (d) => (d.screeningQuestionsOutcome[1].responseSummary = 3))).toEqual(
      violation(/responseSummary must be string/),
    );
  });

  it('passes a questionOutcome Popp does not list yet, and unknown fields', () => {
    expect(
      check('CONVERSATION_COMPLETED', (d) => {
        d.screeningQuestionsOutcome[0].questionOutcome = 'INCONCLUSIVE';
        d.screeningQuestionsOutcome[0].confidence = 0.9;
      }),
    ).toEqual(ok);
  });
});

describe('ConversationStatus', () => {
  it('passes the listed statuses, COMPLETED (which Popp sends but does not list) and a new one', () => {
    for (const status of ['QUEUED', 'ONGOING', 'COMPLETED_SCREENING_FAILED', 'COMPLETED', 'PAUSED_BY_RECRUITER']) {
      expect(
        check('CONVERSATION_COMPLETED', (d) => (d.conversationStatus = status)),
        status,
      ).toEqual(ok);
      expect(
        check('CONVERSATION_STARTED', (d) => (d.conversationStatus = status)),
        status,
      ).toEqual(ok);
    }
  });

  it('refuses a status that is not a string, null included (never documented as nullable)', () => {
    expect(check('CONVERSATION_STARTED', (d) => (d.conversationStatus = 3))).toEqual(violation(/conversationStatus must be string/));
    expect(check('CONVERSATION_COMPLETED', (d) => (d.conversationStatus = null))).toEqual(violation(/conversationStatus must be string/));
  });
});

describe('nullable fields (the older CONVERSATION_COMPLETED shape)', () => {
  it('accepts null where the documentation shows "or null"', () => {
    const nulls = [
      'scorecardTotalValue',
      'externalId',
      'participantFirsName',
      'participantFirstName',
      'participantLastName',
      'externalCampaignId',
    ];
    expect(
      check('CONVERSATION_COMPLETED', (d) => {
        for (const field of nulls) d[field] = null;
      }),
    ).toEqual(ok);
  });

  it('still refuses the wrong type there, and null where the documentation does not show it', () => {
    expect(check('CONVERSATION_COMPLETED', (d) => (d.scorecardTotalValue = '82'))).toEqual(
      violation(/scorecardTotalValue must be number,null/),
    );
    expect(check('CONVERSATION_STARTED', (d) => (d.externalId = null))).toEqual(violation(/externalId must be string/));
    expect(check('CANDIDATE_ANALYSIS_COMPLETED', (d) => (d.isAllMandatoryRequirementsMet = null))).toEqual(
      violation(/isAllMandatoryRequirementsMet must be boolean/),
    );
  });
});

describe('the workflow correlation fields (every workflow event)', () => {
  it('refuses a correlation field of the wrong type', () => {
    expect(check('WORKFLOW_RUN_STARTED', (d) => (d.workflowId = 42))).toEqual(violation(/^\/data\/workflowId must be string/));
    expect(check('WORKFLOW_NODE_COMPLETED', (d) => (d.timestamp = 'just now'))).toEqual(
      violation(/timestamp must match format "date-time"/),
    );
  });

  it('passes events that leave correlation fields out (Popp omits some per type), and unknown fields', () => {
    expect(
      check('WORKFLOW_PUBLISHED', (d) => {
        for (const field of ['candidateProfileId', 'candidateProfileExternalId', 'timestamp']) delete d[field];
        d.nodeOutcome = 'APPROVED';
      }),
    ).toEqual(ok);
  });

  it('keeps recordId and organizationId required', () => {
    expect(check('WORKFLOW_RUN_FAILED', (d) => delete d.organizationId)).toEqual({
      ok: false,
      reason: 'invalid-envelope',
      detail: expect.any(String),
    });
  });
});

describe('violation details', () => {
  it('name the field, never the value: values are candidates’ personal data', () => {
    const verdict = check('CONVERSATION_STARTED', (d) => (d.participantLastName = { secret: 'Doe-Smith' }));
    expect(verdict).toEqual(violation(/participantLastName/));
    if (!verdict.ok) expect(verdict.detail).not.toContain('Doe-Smith');
  });
});
