import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import type { SurveyActionHandler } from '../engagement/index.ts';
import { insertInvitations } from './invitation.repo.ts';
import { checkedLoopContext } from './loop-link.ts';
import { surveyOpen } from './response.service.ts';
import { claimContacts, contactedSince, recontactCutoff, surveyPolicy } from './survey-policy.ts';
import { liveSurvey } from './survey-version.ts';
import { surveys } from './survey.schema.ts';

async function surveyRefusal(db: Executor, tenantId: string, surveyId: string, now: Date): Promise<string | null> {
  const live = await liveSurvey(db, tenantId, surveyId);
  if (!live) return 'survey_not_live';
  return surveyOpen(live, now) ? null : 'survey_closed';
}

/**
 * The automation action `send_survey`, carried out here for engagement's rule engine: an
 * invitation in the run's transaction (the issuer sends its message next), tied to the follow-up,
 * order or case the triggering event named (and the earlier answer that opened it, when the
 * customer's own), unless the survey is closed or the customer was
 * asked by any survey within the recontact limit.
 */
export const sendSurveyAction: SurveyActionHandler = {
  async existingSurveys(db, tenantId, ids) {
    if (ids.length === 0) return new Set();
    const rows = await db.select({ id: surveys.id }).from(surveys).where(and(eq(surveys.tenantId, tenantId), inArray(surveys.id, ids)));
    return new Set(rows.map((r) => r.id));
  },

  async refusal(db, tenantId, surveyId, customerId, now) {
    const refused = await surveyRefusal(db, tenantId, surveyId, now);
    if (refused) return refused;
    const cutoff = recontactCutoff(await surveyPolicy(db, tenantId), now);
    return (await contactedSince(db, tenantId, customerId, cutoff)) ? 'recontact_limit' : null;
  },

  async send(tx, request) {
    const { tenantId, customerId, surveyId, now } = request;
    const refused = await surveyRefusal(tx, tenantId, surveyId, now);
    if (refused) return { status: 'skipped', reason: refused };
    const cutoff = recontactCutoff(await surveyPolicy(tx, tenantId), now);
    if (!(await claimContacts(tx, tenantId, [customerId], now, cutoff)).has(customerId)) return { status: 'skipped', reason: 'recontact_limit' };
    const id = randomUUID();
    const context = await checkedLoopContext(tx, tenantId, customerId, request.context);
    await insertInvitations(tx, tenantId, [{
      id, surveyId, customerId, distributionId: null, wave: 1, channel: request.channel, context, hidden: {}, sentAt: null,
    }], now);
    return { status: 'done', invitationId: id };
  },
};
