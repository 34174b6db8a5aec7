import { and, eq } from 'drizzle-orm';
import { SurveyDefinition } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { surveys, surveyVersions } from './survey.schema.ts';

/** The survey as respondents see it: its status and the published definition they answer. */
export interface LiveSurvey {
  id: string;
  status: 'draft' | 'live' | 'closed';
  version: number;
  definition: SurveyDefinition;
  closedReason: string | null;
}

/**
 * The published version a respondent answers (or a given earlier one, to read old answers with
 * the questions they were given against). Undefined when the survey or version does not exist or
 * was never published.
 */
export async function liveSurvey(db: Executor, tenantId: string, surveyId: string, version?: number): Promise<LiveSurvey | undefined> {
  const [row] = await db
    .select({ id: surveys.id, status: surveys.status, liveVersion: surveys.liveVersion, closedReason: surveys.closedReason, definition: surveyVersions.definition, version: surveyVersions.version })
    .from(surveys)
    .innerJoin(surveyVersions, and(eq(surveyVersions.tenantId, surveys.tenantId), eq(surveyVersions.surveyId, surveys.id)))
    .where(and(eq(surveys.tenantId, tenantId), eq(surveys.id, surveyId), eq(surveyVersions.version, version ?? surveys.liveVersion)));
  if (!row) return undefined;
  return {
    id: row.id,
    status: row.status as LiveSurvey['status'],
    version: row.version,
    // Stored definitions were validated when published; parsing fills defaults added since.
    definition: SurveyDefinition.parse(row.definition),
    closedReason: row.closedReason,
  };
}
