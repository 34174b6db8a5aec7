import { z } from 'zod';
import { defineSubscriber } from '../../platform/events/outbox.ts';
import { isBottomTwo } from '../surveys/index.ts';
import { inviteAfterClosure, recordCaseSurveyAnswer } from './case-csat.ts';
import { openCaseFromFeedback, type NegativeFeedback } from './case-feedback.ts';
import { giveGoodwill } from './case-goodwill.ts';
import { decideNotice, decideNotices } from './case-notices.ts';
import { complaintSettingsOf } from './complaint-settings.ts';
import type { ComplaintState } from './sla-clock.ts';

// The closed loop's event handlers. Each runs in its own transaction per event and is safe to
// run twice for one event: every effect is keyed (notice per transition, invitation per closure,
// goodwill per occasion, satisfaction per response, case per response).

const CaseEvent = z.object({
  caseId: z.string(),
  action: z.string().optional(),
  from: z.string().nullable().optional(),
  to: z.string().optional(),
}).passthrough();

/** Notices on acknowledgement, decisions and closure; after a resolved closure the CSAT and goodwill; goodwill on filing. */
export const caseLoopSubscriber = defineSubscriber({
  name: 'complaints.case-loop',
  topics: ['complaint.received', 'complaint.state_changed'],
  payload: CaseEvent,
  /**
   * What `run` does for each event, in one transaction for the batch: per workspace its settings
   * read once and the notices decided in one insert. Public filings come two events a case, in
   * bursts; run one by one they cost two transactions a case.
   */
  async runBatch(events, { database, clock }) {
    const now = clock.now();
    const byTenant = new Map<string, typeof events>();
    for (const event of events) byTenant.set(event.tenantId, [...(byTenant.get(event.tenantId) ?? []), event]);
    await database.db.transaction(async (tx) => {
      for (const [tenantId, list] of byTenant) {
        const { settings } = await complaintSettingsOf(tx, tenantId);
        const transitions: { caseId: string; to: ComplaintState; sourceEventId: number }[] = [];
        for (const event of list) {
          const { caseId } = event.payload;
          if (event.topic === 'complaint.received') {
            if (settings.goodwill.onFiling) await giveGoodwill(tx, tenantId, caseId, 'filing', now);
            continue;
          }
          const to = event.payload.to as ComplaintState | undefined;
          if (!to) continue;
          if (event.payload.action !== 'merge') transitions.push({ caseId, to, sourceEventId: event.id });
          if (to === 'closed' && event.payload.from === 'resolution_communicated') {
            await inviteAfterClosure(tx, tenantId, caseId, event.id, now);
            await giveGoodwill(tx, tenantId, caseId, 'resolution', now);
          }
        }
        await decideNotices(tx, tenantId, settings, transitions);
      }
    });
  },
  async run(event, { database, clock }) {
    const now = clock.now();
    const { caseId } = event.payload;
    await database.db.transaction(async (tx) => {
      if (event.topic === 'complaint.received') {
        await giveGoodwill(tx, event.tenantId, caseId, 'filing', now);
        return;
      }
      const to = event.payload.to as ComplaintState | undefined;
      if (!to) return;
      // A duplicate merged into another case is not closed for the customer: its code leads to the case that carries on.
      if (event.payload.action !== 'merge') await decideNotice(tx, event.tenantId, caseId, to, event.id);
      // Closed after its resolution (accepted, or its answer period over), not withdrawn early by a supervisor.
      if (to === 'closed' && event.payload.from === 'resolution_communicated') {
        await inviteAfterClosure(tx, event.tenantId, caseId, event.id, now);
        await giveGoodwill(tx, event.tenantId, caseId, 'resolution', now);
      }
    });
  },
});

const SurveyEvent = z.object({
  surveyId: z.string(),
  responseId: z.string(),
  customerId: z.string().optional(),
  channel: z.string(),
  occurredAt: z.string(),
  reason: z.enum(['nps', 'csat', 'ces']).optional(),
  score: z.number().optional(),
  scores: z.object({ csat: z.number().optional(), csatPoints: z.number().optional() }).passthrough().optional(),
  context: z.object({ caseId: z.string().optional() }).passthrough().optional(),
}).passthrough();

/**
 * Survey answers: one about a case (its context names it, from the post-closure invitation) is
 * the complainant's satisfaction, and reopens the case when negative; any other negative answer
 * may open a case (workspace setting).
 */
export const caseFeedbackSubscriber = defineSubscriber({
  name: 'complaints.feedback',
  topics: ['response.submitted', 'feedback.negative'],
  payload: SurveyEvent,
  async run(event, { database, clock }) {
    const now = clock.now();
    const p = event.payload;
    const caseId = p.context?.caseId;
    const answeredAt = Number.isNaN(Date.parse(p.occurredAt)) ? now : new Date(p.occurredAt);
    // Most answers are about no case: decided from the payload, before any transaction (an empty
    // one for every answer cost the survey bench a round trip or two per answer).
    if (event.topic === 'response.submitted' && (!caseId || p.scores?.csat === undefined)) return;
    await database.db.transaction(async (tx) => {
      if (event.topic === 'response.submitted') {
        const csat = p.scores?.csat;
        if (!caseId || csat === undefined) return;
        const points = p.scores?.csatPoints ?? 5;
        // Bottom two of the scale (1 and 2 of 5; of 2 points only 1), as surveys' negative signal reads CSAT.
        await recordCaseSurveyAnswer(tx, event.tenantId, { caseId, responseId: p.responseId, surveyId: p.surveyId, score: csat, points, negative: isBottomTwo(csat, 1, points), answeredAt }, now);
        return;
      }
      if (caseId) {
        await recordCaseSurveyAnswer(tx, event.tenantId, {
          caseId, responseId: p.responseId, surveyId: p.surveyId, score: p.reason === 'csat' ? (p.score ?? null) : null, points: null, negative: true, answeredAt,
        }, now);
        return;
      }
      await openCaseFromFeedback(tx, event.tenantId, p as unknown as NegativeFeedback, now);
    });
  },
});
