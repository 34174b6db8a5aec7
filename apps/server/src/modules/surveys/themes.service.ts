import { and, eq, sql } from 'drizzle-orm';
import type { Question, ResultsFilter, SurveyThemesView, ThemesQuery } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { invalidField } from '../../platform/http/problem.ts';
import { workspaceSettings } from '../workspace/index.ts';
import { isSlice, responseFilterConditions } from './response-slice.ts';
import { checkPeriod } from './results.period.ts';
import { resultsQuestions } from './results.service.ts';
import { surveyTextThemes } from './survey.schema.ts';
import { themesOf } from './themes.terms.ts';

/** The most recent answers a question's themes are computed from, so one run stays bounded. */
export const THEME_SAMPLE = 20_000;
/**
 * A slice's themes are computed on the request: from its most recent answers up to this many per
 * question (measured: 5,000 answers take about a quarter of the time of 20,000 in themesOf).
 */
export const SLICE_THEME_SAMPLE = 5_000;
const EXAMPLE_CHARS = 300;

/**
 * Recomputes the themes of every free-text question of a survey from its complete answers, most
 * recent first, and replaces the stored ones in the caller's transaction. On-premises, no
 * service called: the terms come from themes.terms.ts.
 */
export async function computeThemes(tx: Executor, tenantId: string, surveyId: string, now = new Date()): Promise<number> {
  const questions = (await resultsQuestions(tx, tenantId, surveyId)).filter((q) => q.type === 'text');
  let stored = 0;
  await tx.delete(surveyTextThemes).where(and(eq(surveyTextThemes.tenantId, tenantId), eq(surveyTextThemes.surveyId, surveyId)));
  for (const q of questions) {
    const res = await tx.execute(sql`
      SELECT a.response_id, a.text_value
      FROM survey_answers a JOIN survey_responses r ON r.tenant_id = a.tenant_id AND r.id = a.response_id
      WHERE a.tenant_id = ${tenantId} AND a.survey_id = ${surveyId} AND a.question_id = ${q.id}
        AND r.status = 'complete' AND a.text_value IS NOT NULL AND btrim(a.text_value) <> ''
      ORDER BY r.submitted_at DESC NULLS LAST, a.response_id
      LIMIT ${THEME_SAMPLE}`);
    const themes = themesOf(res.rows.map((r) => ({ responseId: String(r.response_id), text: String(r.text_value) })));
    if (themes.length === 0) continue;
    await tx.insert(surveyTextThemes).values(themes.map((t) => ({
      tenantId, surveyId, questionId: q.id, term: t.term, words: t.words, count: t.count, examples: t.examples, computedAt: now,
    })));
    stored += themes.length;
  }
  return stored;
}

/**
 * The themes of a slice (period, channel, segment, stage as the results read them), computed now
 * from the slice's most recent answers only, so every count and example answer is of the slice.
 * The responses index walks the slice newest first and stops at the sample.
 */
async function sliceThemes(db: Executor, tenantId: string, surveyId: string, questions: Question[], filter: ResultsFilter, now: Date): Promise<SurveyThemesView> {
  checkPeriod(filter.from, filter.to);
  const { timeZone } = await workspaceSettings(db, tenantId);
  const conditions = responseFilterConditions(filter, timeZone);
  const out: SurveyThemesView['questions'] = [];
  for (const q of questions) {
    const res = await db.execute(sql`
      SELECT a.response_id, a.text_value
      FROM survey_responses r
      JOIN survey_answers a ON a.tenant_id = r.tenant_id AND a.response_id = r.id AND a.question_id = ${q.id}
      WHERE r.tenant_id = ${tenantId} AND r.survey_id = ${surveyId} AND r.status = 'complete' AND r.submitted_at IS NOT NULL
        AND a.text_value IS NOT NULL AND btrim(a.text_value) <> ''
        ${conditions.length > 0 ? sql`AND ${sql.join(conditions, sql` AND `)}` : sql``}
      ORDER BY r.submitted_at DESC, r.id
      LIMIT ${SLICE_THEME_SAMPLE}`);
    const answers = res.rows.map((r) => ({ responseId: String(r.response_id), text: String(r.text_value) }));
    const texts = new Map(answers.map((a) => [a.responseId, a.text]));
    out.push({
      questionId: q.id, title: q.title,
      themes: themesOf(answers).map((t) => ({
        term: t.term, words: t.words, count: t.count, examples: t.examples.map((id) => ({ responseId: id, text: (texts.get(id) ?? '').slice(0, EXAMPLE_CHARS) })),
      })),
    });
  }
  return { computedAt: now.toISOString(), questions: out };
}

/**
 * Themes with the example answers' text (cut to a readable length): the stored ones (the hourly
 * job's) for the whole survey, or a slice's computed now when the query has any results filter.
 */
export async function listThemes(db: Executor, tenantId: string, surveyId: string, query: ThemesQuery = {}, now = new Date()): Promise<SurveyThemesView> {
  const questionId = query.question;
  const questions = (await resultsQuestions(db, tenantId, surveyId)).filter((q) => q.type === 'text');
  if (questionId && !questions.some((q) => q.id === questionId)) throw invalidField('querystring.question', 'unknown_question', { question: questionId });
  const wanted = questionId ? questions.filter((q) => q.id === questionId) : questions;
  if (isSlice(query)) return sliceThemes(db, tenantId, surveyId, wanted, query, now);
  const rows = await db.execute(sql`
    SELECT t.question_id, t.term, t.words, t.count, t.computed_at,
           coalesce((SELECT json_agg(json_build_object('responseId', a.response_id, 'text', left(a.text_value, ${EXAMPLE_CHARS})) ORDER BY e.n)
                     FROM unnest(t.examples) WITH ORDINALITY AS e(id, n)
                     JOIN survey_answers a ON a.tenant_id = t.tenant_id AND a.response_id = e.id AND a.question_id = t.question_id
                     WHERE a.text_value IS NOT NULL), '[]'::json) AS examples
    FROM survey_text_themes t
    WHERE t.tenant_id = ${tenantId} AND t.survey_id = ${surveyId}
    ORDER BY t.question_id, t.count DESC, t.words DESC, t.term`);
  let computedAt: string | null = null;
  const byQuestion = new Map<string, SurveyThemesView['questions'][number]['themes']>();
  for (const r of rows.rows) {
    const at = new Date(r.computed_at as string).toISOString();
    if (!computedAt || at > computedAt) computedAt = at;
    const list = byQuestion.get(String(r.question_id)) ?? [];
    list.push({ term: String(r.term), words: Number(r.words), count: Number(r.count), examples: r.examples as { responseId: string; text: string }[] });
    byQuestion.set(String(r.question_id), list);
  }
  return { computedAt, questions: wanted.map((q) => ({ questionId: q.id, title: q.title, themes: byQuestion.get(q.id) ?? [] })) };
}

/** Live surveys with answers completed since their themes were last computed, across workspaces. */
export async function surveysWithNewText(db: Executor, limit = 500): Promise<{ tenantId: string; surveyId: string }[]> {
  const res = await db.execute(sql`
    SELECT s.tenant_id, s.id FROM surveys s
    WHERE s.status = 'live'
      AND EXISTS (SELECT 1 FROM survey_responses r
                  WHERE r.tenant_id = s.tenant_id AND r.survey_id = s.id AND r.submitted_at >
                        coalesce((SELECT max(t.computed_at) FROM survey_text_themes t WHERE t.tenant_id = s.tenant_id AND t.survey_id = s.id), '-infinity'))
    LIMIT ${limit}`);
  return res.rows.map((r) => ({ tenantId: String(r.tenant_id), surveyId: String(r.id) }));
}
