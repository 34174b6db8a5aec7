import type { CaseLoyaltyView, CaseSurveyOriginView } from '@vafa/contracts';
import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { Problem, notFound } from '../../platform/http/problem.ts';
import { roleAllows, type Actor } from '../../platform/http/access.ts';
import { bookedForEvents, memberStanding } from '../loyalty/index.ts';
import { responseOrigin } from '../surveys/index.ts';
import { complaintGoodwill } from './complaint-customer.schema.ts';
import * as repo from './complaint.repo.ts';

// The customer context a staff case page shows beside the case: the complainant's points and tier
// with the goodwill this case gave them (read through the loyalty module), and the survey response
// that opened the case (through the surveys module). Each route holds its own module's permission
// and must also see complaints; a case of another workspace is the same 404 as none.

function requireCaseReader(actor: Actor): void {
  if (!roleAllows(actor.role, 'complaints:read')) throw new Problem(403, 'forbidden');
}

async function caseOf(db: Executor, tenantId: string, caseId: string): Promise<repo.CaseRow> {
  const row = await repo.findCase(db, tenantId, caseId);
  if (!row) throw notFound();
  return row;
}

/** The complainant's loyalty standing and this case's goodwill as loyalty booked it. */
export async function caseLoyalty(db: Executor, tenantId: string, actor: Actor, caseId: string, now: Date): Promise<CaseLoyaltyView> {
  requireCaseReader(actor);
  const row = await caseOf(db, tenantId, caseId);
  const gestures = await db.select().from(complaintGoodwill)
    .where(and(eq(complaintGoodwill.tenantId, tenantId), eq(complaintGoodwill.caseId, caseId)))
    .orderBy(asc(complaintGoodwill.createdAt));
  // A gesture was given to the customer linked when it was decided (a merge may have moved the case since).
  const booked = new Map<string, Awaited<ReturnType<typeof bookedForEvents>>>();
  for (const customerId of new Set(gestures.map((g) => g.customerId))) {
    booked.set(customerId, await bookedForEvents(db, tenantId, customerId, 'complaint.goodwill', gestures.filter((g) => g.customerId === customerId).map((g) => g.idempotencyKey)));
  }
  const member = row.customerId ? await memberStanding(db, tenantId, row.customerId, now) : null;
  return {
    caseId,
    customerId: row.customerId,
    member,
    goodwill: gestures
      .sort((a, b) => (a.occasion === b.occasion ? 0 : a.occasion === 'filing' ? -1 : 1))
      .map((g) => {
        const got = booked.get(g.customerId)?.get(g.idempotencyKey) ?? { points: 0, coupon: 'none' as const };
        return {
          occasion: g.occasion as 'filing' | 'resolution',
          kind: g.kind as 'points' | 'coupon',
          amount: g.amount,
          currency: g.currency,
          decidedAt: g.createdAt.toISOString(),
          pointsCredited: got.points,
          coupon: g.kind === 'coupon' ? got.coupon : 'none',
        };
      }),
  };
}

/** The survey response that opened the case, for a link to it. */
export async function caseSurveyOrigin(db: Executor, tenantId: string, actor: Actor, caseId: string): Promise<CaseSurveyOriginView> {
  requireCaseReader(actor);
  const row = await caseOf(db, tenantId, caseId);
  const found = row.relatedResponseId ? await responseOrigin(db, tenantId, row.relatedResponseId) : null;
  return {
    caseId,
    responseId: row.relatedResponseId,
    response: found && { surveyId: found.surveyId, surveyName: found.surveyName, channel: found.channel, submittedAt: found.submittedAt?.toISOString() ?? null },
  };
}
