import { and, eq } from 'drizzle-orm';
import type { AnswerValue, ResultsFilter, SurveyChannel, SurveyResponseDetail, SurveyResponsePage } from '@vafa/contracts';
import { SCORED_TYPES } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import type { Actor } from '../../platform/http/access.ts';
import { notFound, Problem } from '../../platform/http/problem.ts';
import { recordAudit, workspaceSettings } from '../workspace/index.ts';
import { checkFilterPeriod, type ResponseFilter as SliceFilter } from './response-slice.ts';
import * as repo from './response.repo.ts';
import { applyToRollups } from './rollup.repo.ts';
import { liveSurvey } from './survey-version.ts';
import { surveys } from './survey.schema.ts';

// Reading and deleting a survey's responses (the responses screen and the API).

async function requireSurvey(db: Executor, tenantId: string, surveyId: string): Promise<void> {
  const [row] = await db.select({ id: surveys.id }).from(surveys).where(and(eq(surveys.tenantId, tenantId), eq(surveys.id, surveyId)));
  if (!row) throw notFound();
}

function present(row: repo.ListedResponse, answers: Record<string, AnswerValue>): SurveyResponsePage['items'][number] {
  return {
    id: row.id,
    surveyId: row.surveyId,
    version: row.version,
    status: row.status as 'partial' | 'complete',
    channel: row.channel as SurveyChannel,
    locale: row.locale as 'fa' | 'ar' | 'en',
    customerId: row.customerId,
    invitationId: row.invitationId,
    hidden: row.hidden as Record<string, string>,
    answers,
    tags: row.tags,
    startedAt: row.startedAt.toISOString(),
    submittedAt: row.submittedAt?.toISOString() ?? null,
    customerName: row.customerName,
  };
}

function encodeCursor(row: repo.ListedResponse): string {
  return Buffer.from(JSON.stringify({ at: row.cursorAt, id: row.id }), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string | undefined): { at: string; id: string } | undefined {
  if (!cursor) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { at?: unknown; id?: unknown };
    if (typeof value.at === 'string' && /^\d{4}-\d{2}-\d{2} [\d:.]+[+-]\d{2}(:\d{2})?$/.test(value.at) && typeof value.id === 'string' && /^[0-9a-f-]{36}$/.test(value.id)) {
      return { at: value.at, id: value.id };
    }
  } catch {
    // answered below
  }
  throw new Problem(400, 'invalid_cursor', {}, [{ field: 'querystring.cursor', code: 'invalid_cursor', message: 'invalid_cursor' }]);
}

export interface ListQuery {
  cursor?: string | undefined;
  limit: number;
  status: 'complete' | 'partial';
  channel?: SurveyChannel | undefined;
  question?: string | undefined;
  scoreMin?: number | undefined;
  scoreMax?: number | undefined;
  hasText?: boolean | undefined;
  tag?: string | undefined;
  segmentId?: string | undefined;
  stage?: ResultsFilter['stage'] | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/** A tag as it is stored and looked up: NFC, trimmed, inner whitespace as one space. */
export const normaliseResponseTag = (tag: string) => tag.normalize('NFC').trim().replace(/\s+/g, ' ');

/**
 * The list's filters as SQL reads them (the responses screen and its export): the score's
 * question (default: the live version's first scored question), the tag as stored, a period of
 * real days (400 invalid_period otherwise).
 */
export async function resolveResponseFilter(db: Executor, tenantId: string, surveyId: string, query: Omit<ListQuery, 'cursor' | 'limit' | 'status'>): Promise<SliceFilter> {
  checkFilterPeriod(query);
  let scoreQuestion = query.question;
  if (!scoreQuestion && (query.scoreMin !== undefined || query.scoreMax !== undefined)) {
    const live = await liveSurvey(db, tenantId, surveyId);
    scoreQuestion = live?.definition.questions.find((q) => (SCORED_TYPES as readonly string[]).includes(q.type))?.id;
  }
  return {
    channel: query.channel, scoreQuestion, scoreMin: query.scoreMin, scoreMax: query.scoreMax, hasText: query.hasText,
    tag: query.tag === undefined ? undefined : normaliseResponseTag(query.tag),
    segmentId: query.segmentId, stage: query.stage, from: query.from, to: query.to,
  };
}

export async function listSurveyResponses(db: Executor, tenantId: string, surveyId: string, query: ListQuery): Promise<SurveyResponsePage> {
  await requireSurvey(db, tenantId, surveyId);
  const filter = await resolveResponseFilter(db, tenantId, surveyId, query);
  const { timeZone } = await workspaceSettings(db, tenantId);
  const rows = await repo.listResponses(db, tenantId, surveyId, { ...filter, status: query.status, timeZone, after: decodeCursor(query.cursor), limit: query.limit + 1 });
  const page = rows.slice(0, query.limit);
  const answers = await repo.answersOfMany(db, tenantId, page.map((r) => r.id));
  const last = page[page.length - 1];
  return { items: page.map((r) => present(r, answers.get(r.id) ?? {})), nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
}

async function findListed(db: Executor, tenantId: string, surveyId: string, responseId: string): Promise<repo.ListedResponse> {
  const [row] = await repo.responsesById(db, tenantId, surveyId, [responseId]);
  if (!row) throw notFound();
  const respondent = await repo.respondentOf(db, tenantId, responseId);
  const name = respondent ? await repo.customerName(db, tenantId, respondent.customerId) : null;
  return { ...row, customerId: respondent?.customerId ?? null, invitationId: respondent?.invitationId ?? null, customerName: name, tags: await repo.tagsOf(db, tenantId, responseId), cursorAt: '' };
}

export async function getSurveyResponse(db: Executor, tenantId: string, surveyId: string, responseId: string): Promise<SurveyResponseDetail> {
  const row = await findListed(db, tenantId, surveyId, responseId);
  const version = await liveSurvey(db, tenantId, surveyId, row.version);
  return {
    response: present(row, await repo.answersOf(db, tenantId, responseId)),
    questions: version?.definition.questions ?? [],
    defaultLanguage: version?.definition.settings.defaultLanguage ?? 'fa',
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Deletes a response; a complete one is first taken out of the rollups. Audited. */
export async function deleteSurveyResponse(tx: Executor, tenantId: string, actor: Actor, surveyId: string, responseId: string): Promise<void> {
  const row = await repo.lockResponse(tx, tenantId, surveyId, responseId);
  if (!row) throw notFound();
  if (row.status === 'complete' && row.submittedAt) {
    const version = await liveSurvey(tx, tenantId, surveyId, row.version);
    if (version) {
      await applyToRollups(tx, tenantId, {
        surveyId, responseId, submittedAt: row.submittedAt, channel: row.channel as SurveyChannel, stage: row.stage,
        segmentIds: row.segmentIds, questions: version.definition.questions, answers: await repo.answersOf(tx, tenantId, responseId),
      }, -1);
    }
  }
  await repo.deleteResponseRow(tx, tenantId, responseId);
  await recordAudit(tx, tenantId, actor, {
    action: 'survey_response.deleted', targetType: 'survey_response', targetId: responseId,
    details: { surveyId, status: row.status, channel: row.channel },
  });
}
