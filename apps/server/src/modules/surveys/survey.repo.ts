import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import type { SurveyDefinition } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { surveyResponses, surveys, surveyTokens, surveyVersions } from './survey.schema.ts';

export type SurveyRecord = typeof surveys.$inferSelect;

/** A survey with what the list and the builder show beside it. */
export interface SurveyRow extends SurveyRecord {
  /** the draft differs from the published version (always, before the first publish) */
  draftChanged: boolean;
  responseCount: number;
}

/** Rollup rows counting every response, whatever its segments (rollup.repo's ALL_SEGMENTS). */
const ALL_SEGMENTS = '00000000-0000-0000-0000-000000000000';

// jsonb equality ignores key order, so a draft saved again unchanged still reads as published.
const draftChanged = sql<boolean>`(${surveys.liveVersion} IS NULL OR ${surveys.draft} IS DISTINCT FROM ${surveyVersions.definition})`;
// Completed responses, from the rollups that completing one keeps current: never a scan of responses.
const responseCount = sql<number>`coalesce((
  SELECT sum(r.answered) FROM survey_rollups r
  WHERE r.tenant_id = ${surveys.tenantId} AND r.survey_id = ${surveys.id} AND r.question_id = '' AND r.segment_id = ${ALL_SEGMENTS}::uuid AND r.bucket = ''
), 0)::int`;

function selectRows(db: Executor, where: SQL | undefined) {
  return db
    .select({ survey: surveys, draftChanged, responseCount })
    .from(surveys)
    .leftJoin(surveyVersions, and(eq(surveyVersions.tenantId, surveys.tenantId), eq(surveyVersions.surveyId, surveys.id), eq(surveyVersions.version, surveys.liveVersion)))
    .where(where);
}

const toRow = (r: { survey: SurveyRecord; draftChanged: boolean; responseCount: number }): SurveyRow => ({ ...r.survey, draftChanged: r.draftChanged, responseCount: Number(r.responseCount) });

export async function findSurvey(db: Executor, tenantId: string, id: string): Promise<SurveyRow | undefined> {
  const [row] = await selectRows(db, and(eq(surveys.tenantId, tenantId), eq(surveys.id, id)));
  return row ? toRow(row) : undefined;
}

/**
 * The survey row locked for the rest of the transaction: edits, publishing and closing queue on
 * it. They take `no key update`, which answers being saved (their foreign key's share lock) do
 * not wait for; deleting takes `update`, so it waits for an answer in flight and then sees it.
 */
export async function lockSurvey(tx: Executor, tenantId: string, id: string, strength: 'no key update' | 'update' = 'no key update'): Promise<SurveyRecord | undefined> {
  const [row] = await tx.select().from(surveys).where(and(eq(surveys.tenantId, tenantId), eq(surveys.id, id))).for(strength);
  return row;
}

export interface SurveyPageKey {
  updatedAt: Date;
  id: string;
}

/** Most recently changed first; `after` continues a page. */
export async function listSurveys(
  db: Executor,
  tenantId: string,
  query: { limit: number; after?: SurveyPageKey | undefined; status?: string | undefined; kind?: string | undefined },
): Promise<SurveyRow[]> {
  const conditions: SQL[] = [eq(surveys.tenantId, tenantId)];
  if (query.status) conditions.push(eq(surveys.status, query.status));
  if (query.kind) conditions.push(eq(surveys.kind, query.kind));
  if (query.after) conditions.push(sql`(${surveys.updatedAt}, ${surveys.id}) < (${query.after.updatedAt.toISOString()}::timestamptz, ${query.after.id}::uuid)`);
  const rows = await selectRows(db, and(...conditions)).orderBy(sql`${surveys.updatedAt} DESC`, sql`${surveys.id} DESC`).limit(query.limit);
  return rows.map(toRow);
}

export async function insertSurvey(tx: Executor, row: typeof surveys.$inferInsert): Promise<void> {
  await tx.insert(surveys).values(row);
}

export async function updateSurvey(tx: Executor, tenantId: string, id: string, patch: Partial<typeof surveys.$inferInsert>): Promise<void> {
  await tx.update(surveys).set(patch).where(and(eq(surveys.tenantId, tenantId), eq(surveys.id, id)));
}

/** Every published definition, oldest first. */
export async function publishedDefinitions(db: Executor, tenantId: string, surveyId: string): Promise<{ version: number; definition: SurveyDefinition }[]> {
  const rows = await db
    .select({ version: surveyVersions.version, definition: surveyVersions.definition })
    .from(surveyVersions)
    .where(and(eq(surveyVersions.tenantId, tenantId), eq(surveyVersions.surveyId, surveyId)))
    .orderBy(asc(surveyVersions.version));
  return rows.map((r) => ({ version: r.version, definition: r.definition as SurveyDefinition }));
}

export async function insertVersion(tx: Executor, row: typeof surveyVersions.$inferInsert): Promise<void> {
  await tx.insert(surveyVersions).values(row);
}

/** Whether anyone has started answering (a partial response counts: it is someone's answer). */
export async function hasResponses(db: Executor, tenantId: string, surveyId: string): Promise<boolean> {
  const rows = await db
    .select({ one: sql`1` })
    .from(surveyResponses)
    .where(and(eq(surveyResponses.tenantId, tenantId), eq(surveyResponses.surveyId, surveyId)))
    .limit(1);
  return rows.length > 0;
}

/** Deletes the survey, what cascades from it, and its tokens (survey_tokens has no foreign key: it is shared). */
export async function deleteSurveyRow(tx: Executor, tenantId: string, id: string): Promise<void> {
  await tx.delete(surveyTokens).where(and(eq(surveyTokens.tenantId, tenantId), eq(surveyTokens.surveyId, id)));
  await tx.delete(surveys).where(and(eq(surveys.tenantId, tenantId), eq(surveys.id, id)));
}

/** The demo's surveys were "published" before the answers it back-fills. */
export async function backdateSurvey(tx: Executor, tenantId: string, id: string, at: Date): Promise<void> {
  await tx.update(surveys).set({ createdAt: at, publishedAt: at }).where(and(eq(surveys.tenantId, tenantId), eq(surveys.id, id)));
  await tx.update(surveyVersions).set({ publishedAt: at }).where(and(eq(surveyVersions.tenantId, tenantId), eq(surveyVersions.surveyId, id)));
}
