import type { ConversationCompletedData } from 'popp-bridge/events';

export interface ScreeningAnswer {
  question: string | null;
  /** PASSED or FAILED, or whatever new value Popp sends. */
  outcome: string | null;
  summary: string | null;
}

/** What CONVERSATION_COMPLETED said of the screening. */
export interface Screening {
  /** From `conversationStatus`: COMPLETED_SCREENING_PASSED or _FAILED; null for COMPLETED, CLOSED or a status not known here. */
  outcome: 'passed' | 'failed' | null;
  scorecardTotalValue: number | null;
  answers: ScreeningAnswer[];
}

/** The screening of a completion, or null when it says nothing of one (a bare COMPLETED). */
export function screening(data: ConversationCompletedData): Screening | null {
  const status = data.conversationStatus;
  const outcome = status === 'COMPLETED_SCREENING_PASSED' ? 'passed' : status === 'COMPLETED_SCREENING_FAILED' ? 'failed' : null;
  const score = data.scorecardTotalValue ?? null;
  const answers = (data.screeningQuestionsOutcome ?? []).map((q) => ({
    question: q.screeningQuestion ?? null,
    outcome: q.questionOutcome ?? null,
    summary: q.responseSummary ?? null,
  }));
  return outcome === null && score === null && answers.length === 0 ? null : { outcome, scorecardTotalValue: score, answers };
}
