import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { SurveyDefinition, type AnswerValue, type Question, type SurveyChannel } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { applyToRollups } from './rollup.repo.ts';

/**
 * Test data for the results tests, written straight into the tables (what the response service
 * stores) with the rollups applied as it applies them.
 */
export async function seedSurvey(db: Executor, tenantId: string, questions: unknown[], name = 'Results test'): Promise<{ id: string; questions: Question[] }> {
  const id = randomUUID();
  const definition = SurveyDefinition.parse({ name, questions });
  await db.execute(sql`INSERT INTO surveys (tenant_id, id, name, status, draft, live_version, public_token, published_at)
    VALUES (${tenantId}, ${id}, ${name}, 'live', ${JSON.stringify(definition)}::jsonb, 1, ${randomBytes(16).toString('base64url')}, now())`);
  await db.execute(sql`INSERT INTO survey_versions (tenant_id, survey_id, version, definition) VALUES (${tenantId}, ${id}, 1, ${JSON.stringify(definition)}::jsonb)`);
  return { id, questions: definition.questions };
}

export interface SeededResponse {
  id: string;
  submittedAt: Date;
  channel: SurveyChannel;
  stage: string | null;
  segmentIds: string[];
  answers: Record<string, AnswerValue>;
}

async function insertAnswers(db: Executor, tenantId: string, surveyId: string, responseId: string, answers: Record<string, AnswerValue>) {
  for (const [questionId, a] of Object.entries(answers)) {
    await db.execute(sql`INSERT INTO survey_answers (tenant_id, response_id, question_id, survey_id, skipped, score, choices, other_text, text_value, date_value, desired, adequate, perceived)
      VALUES (${tenantId}, ${responseId}, ${questionId}, ${surveyId}, ${'skipped' in a},
              ${'score' in a ? a.score : null}, ${'choices' in a ? sql`${sql.param(a.choices)}::text[]` : null}, ${'choices' in a ? (a.other ?? null) : null},
              ${'text' in a ? a.text : null}, ${'date' in a ? a.date : null},
              ${'desired' in a ? a.desired : null}, ${'adequate' in a ? a.adequate : null}, ${'perceived' in a ? a.perceived : null})`);
  }
}

export async function seedResponse(
  db: Executor, tenantId: string, survey: { id: string; questions: Question[] },
  r: Partial<Omit<SeededResponse, 'answers'>> & { answers: Record<string, AnswerValue> },
): Promise<SeededResponse> {
  const full: SeededResponse = {
    id: r.id ?? randomUUID(), submittedAt: r.submittedAt ?? new Date(), channel: r.channel ?? 'link', stage: r.stage ?? null, segmentIds: r.segmentIds ?? [], answers: r.answers,
  };
  await db.execute(sql`INSERT INTO survey_responses (tenant_id, id, survey_id, version, status, channel, locale, stage, segment_ids, started_at, submitted_at)
    VALUES (${tenantId}, ${full.id}, ${survey.id}, 1, 'complete', ${full.channel}, 'fa', ${full.stage}, ${sql.param(full.segmentIds)}::uuid[], ${full.submittedAt.toISOString()}, ${full.submittedAt.toISOString()})`);
  await insertAnswers(db, tenantId, survey.id, full.id, full.answers);
  await applyToRollups(db, tenantId, { ...full, surveyId: survey.id, responseId: full.id, questions: survey.questions }, 1);
  return full;
}

/** An edit as the response service does it: take the old answers back, store and add the new. */
export async function editResponse(db: Executor, tenantId: string, survey: { id: string; questions: Question[] }, r: SeededResponse, answers: Record<string, AnswerValue>): Promise<SeededResponse> {
  await applyToRollups(db, tenantId, { ...r, surveyId: survey.id, responseId: r.id, questions: survey.questions }, -1);
  await db.execute(sql`DELETE FROM survey_answers WHERE tenant_id = ${tenantId} AND response_id = ${r.id}`);
  await insertAnswers(db, tenantId, survey.id, r.id, answers);
  const edited = { ...r, answers };
  await applyToRollups(db, tenantId, { ...edited, surveyId: survey.id, responseId: r.id, questions: survey.questions }, 1);
  return edited;
}

export async function deleteResponse(db: Executor, tenantId: string, survey: { id: string; questions: Question[] }, r: SeededResponse): Promise<void> {
  await applyToRollups(db, tenantId, { ...r, surveyId: survey.id, responseId: r.id, questions: survey.questions }, -1);
  await db.execute(sql`DELETE FROM survey_responses WHERE tenant_id = ${tenantId} AND id = ${r.id}`);
}
