import { sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';

// SQL of the closed loop's read side. Every query starts from survey_responses_loop_idx (the
// responses whose context names a follow-up or a case), never from all of a survey's responses.

const LOOP = sql`r.context ?| array['followupId', 'caseId']`;

export interface LoopPairRow {
  afterId: string;
  afterSurveyId: string;
  afterVersion: number;
  afterAt: Date;
  followupId: string | null;
  caseId: string | null;
  beforeId: string;
  beforeSurveyId: string;
  beforeVersion: number;
  beforeAt: Date;
}

/**
 * Complete later answers of the workspace's loops paired with the customer's earlier answer that
 * opened the loop, where either side is an answer to `surveyId`. Both sides named (a respondent row).
 */
export async function loopPairs(db: Executor, tenantId: string, surveyId: string): Promise<LoopPairRow[]> {
  const { rows } = await db.execute(sql`
    SELECT r.id AS "afterId", r.survey_id AS "afterSurveyId", r.version AS "afterVersion", r.submitted_at AS "afterAt",
           r.context->>'followupId' AS "followupId", r.context->>'caseId' AS "caseId",
           b.id AS "beforeId", b.survey_id AS "beforeSurveyId", b.version AS "beforeVersion", b.submitted_at AS "beforeAt"
    FROM survey_responses r
    JOIN survey_respondents ra ON ra.tenant_id = r.tenant_id AND ra.response_id = r.id
    JOIN survey_responses b ON b.tenant_id = r.tenant_id AND b.id = (r.context->>'priorResponseId')::uuid
    JOIN survey_respondents rb ON rb.tenant_id = b.tenant_id AND rb.response_id = b.id
    WHERE r.tenant_id = ${tenantId} AND ${LOOP} AND r.context ? 'priorResponseId'
      AND r.status = 'complete' AND b.status = 'complete' AND b.submitted_at <= r.submitted_at
      AND (r.survey_id = ${surveyId} OR b.survey_id = ${surveyId})
    ORDER BY r.submitted_at, r.id`);
  return rows.map((r) => ({ ...r, afterAt: new Date(r.afterAt as string), beforeAt: new Date(r.beforeAt as string) })) as LoopPairRow[];
}

export interface LoopResponseRow {
  id: string;
  surveyId: string;
  surveyName: string;
  version: number;
  submittedAt: Date;
  followupId: string | null;
  caseId: string | null;
  priorResponseId: string | null;
}

const responseColumns = sql`r.id, r.survey_id AS "surveyId", s.name AS "surveyName", r.version, r.submitted_at AS "submittedAt",
  r.context->>'followupId' AS "followupId", r.context->>'caseId' AS "caseId", r.context->>'priorResponseId' AS "priorResponseId"`;

function present(rows: Record<string, unknown>[]): LoopResponseRow[] {
  return rows.map((r) => ({ ...r, submittedAt: new Date(r.submittedAt as string) })) as unknown as LoopResponseRow[];
}

/** A complete, named response of the workspace (anonymous surveys' responses are never part of a loop). */
export async function namedResponse(db: Executor, tenantId: string, responseId: string): Promise<LoopResponseRow | undefined> {
  const { rows } = await db.execute(sql`
    SELECT ${responseColumns}
    FROM survey_responses r JOIN surveys s ON s.tenant_id = r.tenant_id AND s.id = r.survey_id
    JOIN survey_respondents p ON p.tenant_id = r.tenant_id AND p.response_id = r.id
    WHERE r.tenant_id = ${tenantId} AND r.id = ${responseId} AND r.status = 'complete'`);
  return present(rows)[0];
}

/** The later answers of a loop: to surveys sent after the follow-up, after the case, or after the given earlier answer. */
export async function laterResponses(
  db: Executor, tenantId: string, by: { followupId?: string | null; caseId?: string | null; priorResponseId?: string | null },
): Promise<LoopResponseRow[]> {
  const matches = [
    by.followupId ? sql`r.context->>'followupId' = ${by.followupId}` : null,
    by.caseId ? sql`r.context->>'caseId' = ${by.caseId}` : null,
    by.priorResponseId ? sql`r.context->>'priorResponseId' = ${by.priorResponseId}` : null,
  ].filter((m) => m !== null);
  if (matches.length === 0) return [];
  const { rows } = await db.execute(sql`
    SELECT ${responseColumns}
    FROM survey_responses r JOIN surveys s ON s.tenant_id = r.tenant_id AND s.id = r.survey_id
    JOIN survey_respondents p ON p.tenant_id = r.tenant_id AND p.response_id = r.id
    WHERE r.tenant_id = ${tenantId} AND ${LOOP} AND r.status = 'complete' AND (${sql.join(matches, sql` OR `)})
    ORDER BY r.submitted_at, r.id
    LIMIT 50`);
  return present(rows);
}

/** The scored answers (NPS, CSAT, CES and the rest with a score) of the given responses. */
export async function scoredAnswers(db: Executor, tenantId: string, responseIds: string[]): Promise<Map<string, Record<string, { score: number }>>> {
  const out = new Map<string, Record<string, { score: number }>>(responseIds.map((id) => [id, {}]));
  if (responseIds.length === 0) return out;
  const { rows } = await db.execute(sql`
    SELECT response_id AS "responseId", question_id AS "questionId", score FROM survey_answers
    WHERE tenant_id = ${tenantId} AND response_id = ANY(${sql.param(responseIds)}::uuid[]) AND score IS NOT NULL AND NOT skipped`);
  for (const r of rows as { responseId: string; questionId: string; score: number }[]) out.get(r.responseId)![r.questionId] = { score: Number(r.score) };
  return out;
}
