import { v7 as uuidv7 } from 'uuid';
import type { CreateSurvey, Locale, SurveyDefinition, SurveyListQuery } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import type { Actor } from '../../platform/http/access.ts';
import { Problem, notFound } from '../../platform/http/problem.ts';
import { recordAudit, workspaceSettings } from '../workspace/index.ts';
import { newSurveyToken, storeSurveyToken } from './survey-token.ts';
import * as repo from './survey.repo.ts';
import { templateDefinition } from './survey.templates.ts';
import { assertKeepsMeaning, assertValidDefinition } from './survey.validate.ts';

/**
 * A survey's life: a draft is edited freely (but always valid); publishing freezes it as the
 * next immutable version, which respondents then answer; editing a live survey changes only the
 * draft until it is published again. Closing stops answers; a survey anyone has answered is
 * closed rather than deleted, so its answers stay.
 */

/** Who acts: a member or key, or the system (the demo seeding). */
type Acting = Actor | { kind: 'system'; id?: string } | null;

const actorRef = (actor: Acting) => (actor ? `${actor.kind}:${actor.id ?? ''}` : null);

export async function getSurvey(db: Executor, tenantId: string, id: string): Promise<repo.SurveyRow> {
  const row = await repo.findSurvey(db, tenantId, id);
  if (!row) throw notFound();
  return row;
}

async function lockedSurvey(tx: Executor, tenantId: string, id: string, strength: 'no key update' | 'update' = 'no key update'): Promise<repo.SurveyRecord> {
  const row = await repo.lockSurvey(tx, tenantId, id, strength);
  if (!row) throw notFound();
  return row;
}

function invalidCursor(): Problem {
  return new Problem(400, 'invalid_cursor', {}, [{ field: 'querystring.cursor', code: 'invalid_cursor', message: 'invalid_cursor' }]);
}

function encodeCursor(row: repo.SurveyRow): string {
  return Buffer.from(JSON.stringify([row.updatedAt.toISOString(), row.id])).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function decodeCursor(cursor: string): repo.SurveyPageKey {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const updatedAt = new Date(String(at));
    if (typeof at !== 'string' || typeof id !== 'string' || !UUID.test(id) || Number.isNaN(updatedAt.getTime())) throw invalidCursor();
    return { updatedAt, id };
  } catch {
    throw invalidCursor();
  }
}

export async function listSurveyPage(db: Executor, tenantId: string, query: SurveyListQuery): Promise<{ rows: repo.SurveyRow[]; nextCursor: string | null }> {
  const rows = await repo.listSurveys(db, tenantId, {
    limit: query.limit + 1,
    after: query.cursor !== undefined ? decodeCursor(query.cursor) : undefined,
    status: query.status,
    kind: query.kind,
  });
  const page = rows.slice(0, query.limit);
  return { rows: page, nextCursor: rows.length > query.limit ? encodeCursor(page.at(-1)!) : null };
}

/** A new draft with its public link's token. */
async function insertDraft(tx: Executor, tenantId: string, actor: Acting, definition: SurveyDefinition, template: string | null): Promise<string> {
  assertValidDefinition(definition);
  const id = uuidv7();
  const publicToken = newSurveyToken();
  const now = new Date();
  await repo.insertSurvey(tx, {
    tenantId, id, name: definition.name, kind: definition.kind, status: 'draft', draft: definition, publicToken, template,
    createdBy: actorRef(actor), createdAt: now, updatedAt: now,
  });
  await storeSurveyToken(tx, publicToken, { tenantId, kind: 'public', targetId: id, surveyId: id });
  return id;
}

export async function createSurvey(tx: Executor, tenantId: string, actor: Acting, input: CreateSurvey): Promise<repo.SurveyRow> {
  let definition = input.definition;
  if (!definition) {
    if (!input.template) throw new Problem(422, 'survey_definition_required', {}, [{ field: 'definition', code: 'survey_definition_required', message: 'survey_definition_required' }]);
    const languages = input.languages ?? [(await workspaceSettings(tx, tenantId)).defaultLanguage as Locale];
    definition = templateDefinition(input.template, languages);
  }
  const id = await insertDraft(tx, tenantId, actor, definition, input.template ?? null);
  await recordAudit(tx, tenantId, actor, { action: 'survey.created', targetType: 'survey', targetId: id, details: input.template ? { template: input.template } : {} });
  return getSurvey(tx, tenantId, id);
}

/** Replaces the draft; a live survey keeps answering its published version until published again. */
export async function updateDraft(tx: Executor, tenantId: string, id: string, definition: SurveyDefinition): Promise<repo.SurveyRow> {
  const survey = await lockedSurvey(tx, tenantId, id);
  assertValidDefinition(definition);
  // Refused now rather than at publish time, where the builder could no longer say which edit it was.
  if (survey.liveVersion !== null) assertKeepsMeaning(definition, (await repo.publishedDefinitions(tx, tenantId, id)).map((v) => v.definition));
  await repo.updateSurvey(tx, tenantId, id, { draft: definition, name: definition.name, kind: definition.kind, updatedAt: new Date() });
  return getSurvey(tx, tenantId, id);
}

/**
 * Freezes the draft as version n+1 and makes it live. When the draft is the live version
 * unchanged, no version is added (publishing twice is harmless); a closed survey goes live again.
 */
export async function publishSurvey(tx: Executor, tenantId: string, actor: Acting, id: string, ip?: string): Promise<repo.SurveyRow> {
  const survey = await lockedSurvey(tx, tenantId, id);
  const current = await getSurvey(tx, tenantId, id);
  const draft = current.draft as SurveyDefinition;
  assertValidDefinition(draft);
  const published = await repo.publishedDefinitions(tx, tenantId, id);
  assertKeepsMeaning(draft, published.map((v) => v.definition));
  const now = new Date();
  let version = survey.liveVersion;
  if (current.draftChanged) {
    version = (published.at(-1)?.version ?? 0) + 1;
    await repo.insertVersion(tx, { tenantId, surveyId: id, version, definition: draft, publishedBy: actorRef(actor), publishedAt: now });
  }
  await repo.updateSurvey(tx, tenantId, id, {
    liveVersion: version, status: 'live', publishedAt: current.draftChanged ? now : survey.publishedAt, closedAt: null, closedReason: null, updatedAt: now,
  });
  await recordAudit(tx, tenantId, actor, { action: 'survey.published', targetType: 'survey', targetId: id, ...(ip ? { ip } : {}), details: { version, newVersion: current.draftChanged } });
  return getSurvey(tx, tenantId, id);
}

/** Stops taking answers (closed_reason `manual`). Closing a closed survey changes nothing. */
export async function closeSurvey(tx: Executor, tenantId: string, actor: Acting, id: string, ip?: string): Promise<repo.SurveyRow> {
  const survey = await lockedSurvey(tx, tenantId, id);
  if (survey.status === 'draft') throw new Problem(409, 'survey_not_published');
  if (survey.status === 'live') {
    const now = new Date();
    await repo.updateSurvey(tx, tenantId, id, { status: 'closed', closedAt: now, closedReason: 'manual', updatedAt: now });
    await recordAudit(tx, tenantId, actor, { action: 'survey.closed', targetType: 'survey', targetId: id, ...(ip ? { ip } : {}), details: { reason: 'manual' } });
  }
  return getSurvey(tx, tenantId, id);
}

/** Takes answers again, on the version that was live. Reopening a live survey changes nothing. */
export async function reopenSurvey(tx: Executor, tenantId: string, actor: Acting, id: string, ip?: string): Promise<repo.SurveyRow> {
  const survey = await lockedSurvey(tx, tenantId, id);
  if (survey.status === 'draft') throw new Problem(409, 'survey_not_published');
  if (survey.status === 'closed') {
    await repo.updateSurvey(tx, tenantId, id, { status: 'live', closedAt: null, closedReason: null, updatedAt: new Date() });
    await recordAudit(tx, tenantId, actor, { action: 'survey.reopened', targetType: 'survey', targetId: id, ...(ip ? { ip } : {}), details: { previousReason: survey.closedReason } });
  }
  return getSurvey(tx, tenantId, id);
}

/** Only a survey nobody has answered: answers are kept (close the survey instead). */
export async function deleteSurvey(tx: Executor, tenantId: string, actor: Acting, id: string, ip?: string): Promise<void> {
  const survey = await lockedSurvey(tx, tenantId, id, 'update');
  if (await repo.hasResponses(tx, tenantId, id)) throw new Problem(409, 'survey_has_responses');
  await repo.deleteSurveyRow(tx, tenantId, id);
  await recordAudit(tx, tenantId, actor, { action: 'survey.deleted', targetType: 'survey', targetId: id, ...(ip ? { ip } : {}), details: { name: survey.name, status: survey.status } });
}

const COPY_SUFFIX: Record<Locale, string> = { fa: ' (رونوشت)', ar: ' (نسخة)', en: ' (copy)' };

/** A new draft with the same questions and settings, its own link and no answers. */
export async function duplicateSurvey(tx: Executor, tenantId: string, actor: Acting, id: string, locale: Locale): Promise<repo.SurveyRow> {
  const source = await getSurvey(tx, tenantId, id);
  const draft = source.draft as SurveyDefinition;
  const suffix = COPY_SUFFIX[locale];
  const definition = { ...draft, name: `${draft.name.slice(0, 200 - suffix.length)}${suffix}` };
  const copyId = await insertDraft(tx, tenantId, actor, definition, source.template);
  await recordAudit(tx, tenantId, actor, { action: 'survey.created', targetType: 'survey', targetId: copyId, details: { duplicateOf: id } });
  return getSurvey(tx, tenantId, copyId);
}
