import { and, eq } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { surveyResponses, surveys } from './survey.schema.ts';

/** A response's survey and when it was given, for a screen that links to it (a case the answer opened); null when it is gone. */
export async function responseOrigin(db: Executor, tenantId: string, responseId: string): Promise<{ surveyId: string; surveyName: string; channel: string; submittedAt: Date | null } | null> {
  const [row] = await db.select({ surveyId: surveyResponses.surveyId, surveyName: surveys.name, channel: surveyResponses.channel, submittedAt: surveyResponses.submittedAt })
    .from(surveyResponses)
    .innerJoin(surveys, and(eq(surveys.tenantId, surveyResponses.tenantId), eq(surveys.id, surveyResponses.surveyId)))
    .where(and(eq(surveyResponses.tenantId, tenantId), eq(surveyResponses.id, responseId)));
  return row ?? null;
}
