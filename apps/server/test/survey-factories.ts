import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { SurveyDefinition } from '@vafa/contracts';
import type { Executor } from '../src/platform/db/connect.ts';
import { newSurveyToken, storeSurveyToken } from '../src/modules/surveys/survey-token.ts';
import { surveyInvitations, surveys, surveyVersions } from '../src/modules/surveys/survey.schema.ts';

// Test data for the response tests: a published survey and invitations written straight into
// their tables, so these tests do not wait on (or break with) the builder's and distribution's routes.

export interface PublishedSurvey {
  id: string;
  token: string;
  definition: SurveyDefinition;
}

export async function publishSurvey(db: Executor, tenantId: string, input: unknown): Promise<PublishedSurvey> {
  const definition = SurveyDefinition.parse(input);
  const id = randomUUID();
  const token = newSurveyToken();
  await db.insert(surveys).values({ tenantId, id, name: definition.name, kind: definition.kind, status: 'live', draft: definition, liveVersion: 1, publicToken: token, publishedAt: new Date() });
  await db.insert(surveyVersions).values({ tenantId, surveyId: id, version: 1, definition });
  await storeSurveyToken(db, token, { tenantId, kind: 'public', targetId: id, surveyId: id });
  return { id, token, definition };
}

/** Publishes a new version of the survey (what the builder's publish does). */
export async function republish(db: Executor, tenantId: string, surveyId: string, input: unknown): Promise<number> {
  const definition = SurveyDefinition.parse(input);
  const [row] = await db.update(surveys).set({ liveVersion: sql`${surveys.liveVersion} + 1`, draft: definition, name: definition.name })
    .where(and(eq(surveys.tenantId, tenantId), eq(surveys.id, surveyId))).returning({ version: surveys.liveVersion });
  await db.insert(surveyVersions).values({ tenantId, surveyId, version: row!.version!, definition });
  return row!.version!;
}

export async function setSurveyStatus(db: Executor, tenantId: string, surveyId: string, status: 'live' | 'closed'): Promise<void> {
  await db.update(surveys).set({ status }).where(and(eq(surveys.tenantId, tenantId), eq(surveys.id, surveyId)));
}

export async function invite(
  db: Executor, tenantId: string, surveyId: string, customerId: string,
  extra: { context?: Record<string, string>; hidden?: Record<string, string>; expiresAt?: Date } = {},
): Promise<{ id: string; token: string }> {
  const id = randomUUID();
  const token = newSurveyToken();
  await db.insert(surveyInvitations).values({ tenantId, id, surveyId, customerId, channel: 'email', context: extra.context ?? {}, hidden: extra.hidden ?? {}, expiresAt: extra.expiresAt ?? null, sentAt: new Date() });
  await storeSurveyToken(db, token, { tenantId, kind: 'invitation', targetId: id, surveyId });
  return { id, token };
}

export const NPS_SURVEY = {
  name: 'NPS',
  settings: { languages: ['fa', 'ar', 'en'], defaultLanguage: 'fa' },
  questions: [
    { id: 'nps', type: 'nps', required: true, title: { fa: 'چقدر احتمال دارد ما را به دوستانتان پیشنهاد کنید؟', ar: 'ما مدى احتمال أن توصي بنا لأصدقائك؟', en: 'How likely are you to recommend us to a friend?' } },
    {
      id: 'why_low', type: 'text', required: true, showIf: { question: 'nps', op: 'lte', value: 6 },
      title: { fa: 'چه چیزی خوب پیش نرفت؟', ar: 'ما الذي لم يسر على ما يرام؟', en: 'What went wrong?' },
    },
    { id: 'comment', type: 'text', maxLength: 500, title: { fa: 'چیز دیگری هست که بخواهید بگویید؟', ar: 'هل هناك شيء آخر تود قوله؟', en: 'Anything else you would like to tell us?' } },
  ],
};
