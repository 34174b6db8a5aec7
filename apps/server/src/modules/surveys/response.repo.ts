import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { AnswerValue } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { responseFilterConditions, type ResponseFilter as SliceFilter } from './response-slice.ts';
import { surveyAnswers, surveyInvitations, surveyRespondents, surveyResponses, surveys } from './survey.schema.ts';

export type ResponseRow = typeof surveyResponses.$inferSelect;
type AnswerRow = typeof surveyAnswers.$inferSelect;

export function answerFromRow(row: Pick<AnswerRow, 'skipped' | 'score' | 'choices' | 'otherText' | 'textValue' | 'dateValue' | 'desired' | 'adequate' | 'perceived'>): AnswerValue {
  if (row.skipped) return { skipped: true };
  if (row.score !== null) return { score: row.score };
  if (row.perceived !== null) return { desired: row.desired ?? 0, adequate: row.adequate ?? 0, perceived: row.perceived };
  if (row.choices !== null) return row.otherText ? { choices: row.choices, other: row.otherText } : { choices: row.choices };
  if (row.dateValue !== null) return { date: row.dateValue };
  return { text: row.textValue ?? '' };
}

function answerColumns(answer: AnswerValue) {
  const empty = { skipped: false, score: null, choices: null, otherText: null, textValue: null, dateValue: null, desired: null, adequate: null, perceived: null };
  if ('skipped' in answer) return { ...empty, skipped: true };
  if ('score' in answer) return { ...empty, score: answer.score };
  if ('perceived' in answer) return { ...empty, desired: answer.desired, adequate: answer.adequate, perceived: answer.perceived };
  if ('choices' in answer) return { ...empty, choices: answer.choices, otherText: answer.other ?? null };
  if ('date' in answer) return { ...empty, dateValue: answer.date };
  return { ...empty, textValue: answer.text };
}

export async function lockResponse(db: Executor, tenantId: string, surveyId: string, id: string): Promise<ResponseRow | undefined> {
  const [row] = await db.select().from(surveyResponses)
    .where(and(eq(surveyResponses.tenantId, tenantId), eq(surveyResponses.surveyId, surveyId), eq(surveyResponses.id, id)))
    .for('update');
  return row;
}

/** A kiosk's (or widget's) answer already received under its own reference. */
export async function findByClientRef(db: Executor, tenantId: string, surveyId: string, kioskId: string | undefined, clientRef: string): Promise<ResponseRow | undefined> {
  const [row] = await db.select().from(surveyResponses).where(and(
    eq(surveyResponses.tenantId, tenantId),
    eq(surveyResponses.surveyId, surveyId),
    kioskId ? eq(surveyResponses.kioskId, kioskId) : isNull(surveyResponses.kioskId),
    eq(surveyResponses.clientRef, clientRef),
  ));
  return row;
}

export async function insertResponse(db: Executor, row: typeof surveyResponses.$inferInsert): Promise<boolean> {
  // A kiosk resending an answer races its first send: the unique (kiosk, client_ref) index decides.
  const inserted = await db.insert(surveyResponses).values(row).onConflictDoNothing().returning({ id: surveyResponses.id });
  return inserted.length > 0;
}

export async function updateResponse(db: Executor, tenantId: string, id: string, patch: Partial<typeof surveyResponses.$inferInsert>): Promise<void> {
  await db.update(surveyResponses).set({ ...patch, updatedAt: new Date() }).where(and(eq(surveyResponses.tenantId, tenantId), eq(surveyResponses.id, id)));
}

export async function answersOf(db: Executor, tenantId: string, responseId: string): Promise<Record<string, AnswerValue>> {
  const rows = await db.select().from(surveyAnswers).where(and(eq(surveyAnswers.tenantId, tenantId), eq(surveyAnswers.responseId, responseId)));
  return Object.fromEntries(rows.map((r) => [r.questionId, answerFromRow(r)]));
}

export async function upsertAnswers(db: Executor, tenantId: string, surveyId: string, responseId: string, answers: Record<string, AnswerValue>): Promise<void> {
  const entries = Object.entries(answers);
  if (entries.length === 0) return;
  const now = new Date();
  await db.insert(surveyAnswers)
    .values(entries.map(([questionId, answer]) => ({ tenantId, responseId, questionId, surveyId, updatedAt: now, ...answerColumns(answer) })))
    .onConflictDoUpdate({
      target: [surveyAnswers.tenantId, surveyAnswers.responseId, surveyAnswers.questionId],
      set: {
        skipped: sql`excluded.skipped`, score: sql`excluded.score`, choices: sql`excluded.choices`, otherText: sql`excluded.other_text`,
        textValue: sql`excluded.text_value`, dateValue: sql`excluded.date_value`, desired: sql`excluded.desired`,
        adequate: sql`excluded.adequate`, perceived: sql`excluded.perceived`, updatedAt: now,
      },
    });
}

export async function deleteAnswers(db: Executor, tenantId: string, responseId: string, questionIds: string[]): Promise<void> {
  if (questionIds.length === 0) return;
  await db.delete(surveyAnswers).where(and(
    eq(surveyAnswers.tenantId, tenantId), eq(surveyAnswers.responseId, responseId),
    sql`${surveyAnswers.questionId} = ANY(${sql.param(questionIds)}::text[])`,
  ));
}

export interface InvitationRow {
  id: string;
  surveyId: string;
  customerId: string;
  context: Record<string, string>;
  hidden: Record<string, string>;
  respondedAt: Date | null;
  expiresAt: Date | null;
}

export async function lockInvitation(db: Executor, tenantId: string, id: string): Promise<InvitationRow | undefined> {
  const [row] = await db.select({
    id: surveyInvitations.id, surveyId: surveyInvitations.surveyId, customerId: surveyInvitations.customerId,
    context: surveyInvitations.context, hidden: surveyInvitations.hidden, respondedAt: surveyInvitations.respondedAt, expiresAt: surveyInvitations.expiresAt,
  }).from(surveyInvitations).where(and(eq(surveyInvitations.tenantId, tenantId), eq(surveyInvitations.id, id))).for('update');
  return row ? { ...row, context: (row.context ?? {}) as Record<string, string>, hidden: (row.hidden ?? {}) as Record<string, string> } : undefined;
}

/**
 * Marks the invitation answered. For an anonymous survey the time is kept to the day only, so
 * the invitation (which names the customer) cannot be matched to a response by its timestamp.
 */
export async function markInvitationResponded(db: Executor, tenantId: string, id: string, anonymous: boolean): Promise<void> {
  // The first answer's time is kept by COALESCE, not by `responded_at IS NULL` in the WHERE: with
  // that condition the planner, right after a wave inserts its invitations and before ANALYZE,
  // took the partial reminder index (WHERE responded_at IS NULL) and filtered the whole wave per
  // answer (33 ms each, measured), instead of the primary key.
  await db.update(surveyInvitations)
    .set({ respondedAt: sql`coalesce(${surveyInvitations.respondedAt}, ${anonymous ? sql`date_trunc('day', now())` : sql`now()`})` })
    .where(and(eq(surveyInvitations.tenantId, tenantId), eq(surveyInvitations.id, id)));
}

export async function markInvitationOpened(db: Executor, tenantId: string, id: string): Promise<void> {
  await db.update(surveyInvitations)
    .set({ openedAt: sql`now()` })
    .where(and(eq(surveyInvitations.tenantId, tenantId), eq(surveyInvitations.id, id), isNull(surveyInvitations.openedAt)));
}

/** The response already given through an invitation (non-anonymous surveys only keep this link). */
export async function responseOfInvitation(db: Executor, tenantId: string, invitationId: string): Promise<string | undefined> {
  const [row] = await db.select({ responseId: surveyRespondents.responseId }).from(surveyRespondents)
    .where(and(eq(surveyRespondents.tenantId, tenantId), eq(surveyRespondents.invitationId, invitationId)));
  return row?.responseId;
}

export async function respondentOf(db: Executor, tenantId: string, responseId: string): Promise<{ customerId: string; invitationId: string | null } | undefined> {
  const [row] = await db.select({ customerId: surveyRespondents.customerId, invitationId: surveyRespondents.invitationId }).from(surveyRespondents)
    .where(and(eq(surveyRespondents.tenantId, tenantId), eq(surveyRespondents.responseId, responseId)));
  return row;
}

export async function insertRespondent(db: Executor, row: typeof surveyRespondents.$inferInsert): Promise<void> {
  await db.insert(surveyRespondents).values(row);
}

export async function lockClientRef(db: Executor, tenantId: string, surveyId: string, clientRef: string): Promise<void> {
  await db.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`survey-ref:${tenantId}:${surveyId}:${clientRef}`}, 0))`);
}

/** Serialises completions of one survey while it counts against a quota (a transaction-scoped advisory lock). */
export async function lockSurveyQuota(db: Executor, tenantId: string, surveyId: string): Promise<void> {
  await db.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`survey-quota:${tenantId}:${surveyId}`}, 0))`);
}

export async function countComplete(db: Executor, tenantId: string, surveyId: string, segmentId?: string): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(surveyResponses).where(and(
    eq(surveyResponses.tenantId, tenantId), eq(surveyResponses.surveyId, surveyId), eq(surveyResponses.status, 'complete'),
    segmentId ? sql`${surveyResponses.segmentIds} @> ARRAY[${segmentId}]::uuid[]` : undefined,
  ));
  return row?.n ?? 0;
}

export async function closeSurveyForQuota(db: Executor, tenantId: string, surveyId: string): Promise<void> {
  await db.update(surveys).set({ status: 'closed', closedReason: 'quota', closedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(surveys.tenantId, tenantId), eq(surveys.id, surveyId), eq(surveys.status, 'live')));
}

export async function responsesById(db: Executor, tenantId: string, surveyId: string, ids: string[]): Promise<ResponseRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(surveyResponses).where(and(
    eq(surveyResponses.tenantId, tenantId), eq(surveyResponses.surveyId, surveyId), sql`${surveyResponses.id} = ANY(${sql.param(ids)}::uuid[])`,
  ));
}

export async function answersOfMany(db: Executor, tenantId: string, responseIds: string[]): Promise<Map<string, Record<string, AnswerValue>>> {
  const out = new Map<string, Record<string, AnswerValue>>(responseIds.map((id) => [id, {}]));
  if (responseIds.length === 0) return out;
  const rows = await db.select().from(surveyAnswers)
    .where(and(eq(surveyAnswers.tenantId, tenantId), sql`${surveyAnswers.responseId} = ANY(${sql.param(responseIds)}::uuid[])`));
  for (const r of rows) out.get(r.responseId)![r.questionId] = answerFromRow(r);
  return out;
}

export interface ListedResponse extends ResponseRow {
  customerId: string | null;
  invitationId: string | null;
  customerName: string | null;
  tags: string[];
  /** the ordering instant at full precision, for the next page's cursor */
  cursorAt: string;
}

export interface ResponseFilter extends SliceFilter {
  status: 'complete' | 'partial';
  /** keyset: continue after (at, id), newest first */
  after?: { at: string; id: string } | undefined;
  limit: number;
  /** the workspace's time zone, whose days `from`/`to` are */
  timeZone: string;
}

/**
 * A page of a survey's responses, newest first: complete ones by submission time (the
 * (tenant, survey, submitted_at) index walks them backwards), partial ones by start time.
 */
export async function listResponses(db: Executor, tenantId: string, surveyId: string, filter: ResponseFilter): Promise<ListedResponse[]> {
  const at = filter.status === 'complete' ? sql`r.submitted_at` : sql`r.started_at`;
  const conditions = [sql`r.tenant_id = ${tenantId}`, sql`r.survey_id = ${surveyId}`, sql`r.status = ${filter.status}`];
  if (filter.status === 'complete') conditions.push(sql`r.submitted_at IS NOT NULL`);
  if (filter.after) conditions.push(sql`(${at}, r.id) < (${filter.after.at}::timestamptz, ${filter.after.id}::uuid)`);
  conditions.push(...responseFilterConditions(filter, filter.timeZone, at));
  const result = await db.execute<Record<string, unknown>>(sql`
    SELECT r.tenant_id, r.id, r.survey_id, r.version, r.status, r.channel, r.locale, r.stage, r.hidden, r.context, r.segment_ids::text[] AS segment_ids,
      r.kiosk_id, r.client_ref, r.step, r.started_at, r.updated_at, r.submitted_at, (${at})::text AS cursor_at, p.customer_id, p.invitation_id, c.name AS customer_name,
      coalesce((SELECT array_agg(t.tag ORDER BY t.tag) FROM survey_response_tags t WHERE t.tenant_id = r.tenant_id AND t.response_id = r.id), '{}') AS tags
    FROM survey_responses r
    LEFT JOIN survey_respondents p ON p.tenant_id = r.tenant_id AND p.response_id = r.id
    LEFT JOIN customers c ON c.tenant_id = p.tenant_id AND c.id = p.customer_id AND c.erased_at IS NULL
    WHERE ${sql.join(conditions, sql` AND `)}
    ORDER BY ${at} DESC, r.id DESC
    LIMIT ${filter.limit}`);
  return result.rows.map((r) => ({
    tenantId: r.tenant_id as string, id: r.id as string, surveyId: r.survey_id as string, version: r.version as number, status: r.status as string,
    channel: r.channel as string, locale: r.locale as string, stage: r.stage as string | null, hidden: r.hidden as Record<string, string>,
    context: r.context as Record<string, string>, segmentIds: (r.segment_ids as string[] | null) ?? [], kioskId: r.kiosk_id as string | null,
    clientRef: r.client_ref as string | null, deviceHash: null, step: r.step as number,
    startedAt: new Date(r.started_at as string), updatedAt: new Date(r.updated_at as string), submittedAt: r.submitted_at ? new Date(r.submitted_at as string) : null,
    customerId: r.customer_id as string | null, invitationId: r.invitation_id as string | null, customerName: r.customer_name as string | null,
    tags: (r.tags as string[] | null) ?? [], cursorAt: r.cursor_at as string,
  }));
}

export async function deleteResponseRow(db: Executor, tenantId: string, id: string): Promise<void> {
  await db.delete(surveyResponses).where(and(eq(surveyResponses.tenantId, tenantId), eq(surveyResponses.id, id)));
}

export async function customerName(db: Executor, tenantId: string, customerId: string): Promise<string | null> {
  const result = await db.execute<{ name: string | null }>(sql`SELECT name FROM customers WHERE tenant_id = ${tenantId} AND id = ${customerId} AND erased_at IS NULL`);
  return result.rows[0]?.name ?? null;
}

export async function tagsOf(db: Executor, tenantId: string, responseId: string): Promise<string[]> {
  const result = await db.execute<{ tag: string }>(sql`SELECT tag FROM survey_response_tags WHERE tenant_id = ${tenantId} AND response_id = ${responseId} ORDER BY tag`);
  return result.rows.map((r) => r.tag);
}

// Set-based forms of the writes above, for a group of new complete answers (response.coalescer.ts).

/** The advisory locks of `lockClientRef` for many references in one statement, taken in key order so two groups never wait on each other in a cycle. */
export async function lockClientRefs(db: Executor, tenantId: string, refs: { surveyId: string; clientRef: string }[]): Promise<void> {
  const keys = [...new Set(refs.map((r) => `survey-ref:${tenantId}:${r.surveyId}:${r.clientRef}`))].sort();
  await db.execute(sql`SELECT count(pg_advisory_xact_lock(hashtextextended(k.key, 0)))
    FROM (SELECT key FROM unnest(${sql.param(keys)}::text[]) WITH ORDINALITY AS u(key, n) ORDER BY n) AS k`);
}

/** Responses (not a kiosk's) already stored under these references, by `${surveyId}\0${clientRef}`. */
export async function findByClientRefs(db: Executor, tenantId: string, refs: { surveyId: string; clientRef: string }[]): Promise<Map<string, { id: string; status: string }>> {
  const rows = await db.select({ id: surveyResponses.id, status: surveyResponses.status, surveyId: surveyResponses.surveyId, clientRef: surveyResponses.clientRef })
    .from(surveyResponses).where(and(
      eq(surveyResponses.tenantId, tenantId), isNull(surveyResponses.kioskId),
      sql`${surveyResponses.clientRef} = ANY(${sql.param([...new Set(refs.map((r) => r.clientRef))])}::text[])`,
    ));
  return new Map(rows.map((r) => [`${r.surveyId}\0${r.clientRef}`, { id: r.id, status: r.status }]));
}

export interface LockedInvitation extends InvitationRow {
  /** the response already given or started through it (non-anonymous surveys only keep this link) */
  responseId: string | null;
}

export interface GroupState {
  /** the current status and live version of the group's surveys */
  surveys: Map<string, { status: 'draft' | 'live' | 'closed'; liveVersion: number | null }>;
  /** the group's invitations, locked */
  invitations: Map<string, LockedInvitation>;
}

const instant = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));

/**
 * What a group of answers is checked against, in one statement: its surveys' status and live
 * version, and its invitations (`lockInvitation` for many) locked in id order, each with the
 * response already given or started through it.
 */
export async function lockGroupState(db: Executor, tenantId: string, surveyIds: string[], invitationIds: string[]): Promise<GroupState> {
  // Each invitation by its whole primary key, one probe per id (LATERAL), in id order: with
  // `id = ANY(…)` the planner, before ANALYZE has seen a wave's bulk insert, read the workspace's
  // every invitation through the customer index and filtered them (8 ms at 23,000 invitations).
  const result = await db.execute<{ surveys: Record<string, unknown>[]; invitations: Record<string, unknown>[] }>(sql`
    WITH inv AS (
      SELECT i.id, i.survey_id, i.customer_id, i.context, i.hidden, i.responded_at, i.expires_at, p.response_id
      FROM unnest(${sql.param([...new Set(invitationIds)].sort())}::uuid[]) WITH ORDINALITY AS k(id, n)
      CROSS JOIN LATERAL (
        SELECT * FROM survey_invitations WHERE tenant_id = ${tenantId} AND id = k.id FOR UPDATE) AS i
      LEFT JOIN survey_respondents p ON p.tenant_id = i.tenant_id AND p.invitation_id = i.id
      ORDER BY k.n)
    SELECT
      (SELECT coalesce(json_agg(json_build_object('id', s.id, 'status', s.status, 'live_version', s.live_version)), '[]')
         FROM surveys s WHERE s.tenant_id = ${tenantId} AND s.id = ANY(${sql.param([...new Set(surveyIds)])}::uuid[])) AS surveys,
      (SELECT coalesce(json_agg(inv), '[]') FROM inv) AS invitations`);
  const row = result.rows[0]!;
  return {
    surveys: new Map(row.surveys.map((r) => [r.id as string, { status: r.status as 'draft' | 'live' | 'closed', liveVersion: (r.live_version as number | null) ?? null }])),
    invitations: new Map(row.invitations.map((r) => [r.id as string, {
      id: r.id as string, surveyId: r.survey_id as string, customerId: r.customer_id as string,
      context: (r.context ?? {}) as Record<string, string>, hidden: (r.hidden ?? {}) as Record<string, string>,
      respondedAt: instant(r.responded_at), expiresAt: instant(r.expires_at), responseId: (r.response_id as string | null) ?? null,
    }])),
  };
}

/** What a group of new complete answers writes (`writeCompletions`). */
export interface CompletionRows {
  responses: (typeof surveyResponses.$inferInsert)[];
  respondents: { responseId: string; customerId: string; invitationId: string | null }[];
  answers: { surveyId: string; responseId: string; answers: Record<string, AnswerValue> }[];
  /** invitations answered; an anonymous survey's keep the day only (see `markInvitationResponded`) */
  invitations: { id: string; anonymous: boolean }[];
  /** statements of other modules folded in (the events, the rollups), run in the same statement */
  also: SQL[];
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/**
 * Writes a group's responses, respondents, answers and invitations, and the `also` statements,
 * as one statement of data-modifying CTEs: one round trip however many answers. Returns how
 * many responses were inserted (fewer than given means a conflict: the caller gives up the group).
 */
export async function writeCompletions(db: Executor, tenantId: string, rows: CompletionRows): Promise<number> {
  const now = new Date().toISOString();
  const responses = rows.responses.map((r) => ({
    id: r.id, survey_id: r.surveyId, version: r.version, status: r.status, channel: r.channel, locale: r.locale, stage: r.stage ?? null,
    hidden: r.hidden ?? {}, context: r.context ?? {}, segment_ids: r.segmentIds ?? [], kiosk_id: r.kioskId ?? null, client_ref: r.clientRef ?? null,
    device_hash: r.deviceHash ? r.deviceHash.toString('hex') : null, step: r.step ?? 0,
    started_at: iso(r.startedAt), updated_at: iso(r.updatedAt), submitted_at: iso(r.submittedAt),
  }));
  const respondents = rows.respondents.map((r) => ({ response_id: r.responseId, customer_id: r.customerId, invitation_id: r.invitationId }));
  const answers = rows.answers.flatMap((r) => Object.entries(r.answers).map(([questionId, answer]) => {
    const c = answerColumns(answer);
    return {
      response_id: r.responseId, question_id: questionId, survey_id: r.surveyId, skipped: c.skipped, score: c.score, choices: c.choices,
      other_text: c.otherText, text_value: c.textValue, date_value: c.dateValue, desired: c.desired, adequate: c.adequate, perceived: c.perceived,
    };
  }));
  const parts: SQL[] = [sql`
    r AS (
      INSERT INTO survey_responses (tenant_id, id, survey_id, version, status, channel, locale, stage, hidden, context, segment_ids,
        kiosk_id, client_ref, device_hash, step, started_at, updated_at, submitted_at)
      SELECT ${tenantId}::uuid, v.id, v.survey_id, v.version, v.status, v.channel, v.locale, v.stage, v.hidden, v.context, v.segment_ids,
        v.kiosk_id, v.client_ref, decode(v.device_hash, 'hex'), v.step, v.started_at, v.updated_at, v.submitted_at
      FROM jsonb_to_recordset(${JSON.stringify(responses)}::jsonb) AS v(id uuid, survey_id uuid, version int, status text, channel text, locale text,
        stage text, hidden jsonb, context jsonb, segment_ids uuid[], kiosk_id uuid, client_ref text, device_hash text, step int,
        started_at timestamptz, updated_at timestamptz, submitted_at timestamptz)
      ON CONFLICT DO NOTHING
      RETURNING 1)`];
  if (respondents.length > 0) {
    parts.push(sql`
    p AS (
      INSERT INTO survey_respondents (tenant_id, response_id, customer_id, invitation_id)
      SELECT ${tenantId}::uuid, v.response_id, v.customer_id, v.invitation_id
      FROM jsonb_to_recordset(${JSON.stringify(respondents)}::jsonb) AS v(response_id uuid, customer_id uuid, invitation_id uuid))`);
  }
  if (answers.length > 0) {
    parts.push(sql`
    a AS (
      INSERT INTO survey_answers (tenant_id, response_id, question_id, survey_id, skipped, score, choices, other_text, text_value, date_value,
        desired, adequate, perceived, updated_at)
      SELECT ${tenantId}::uuid, v.response_id, v.question_id, v.survey_id, v.skipped, v.score, v.choices, v.other_text, v.text_value, v.date_value,
        v.desired, v.adequate, v.perceived, ${now}::timestamptz
      FROM jsonb_to_recordset(${JSON.stringify(answers)}::jsonb) AS v(response_id uuid, question_id text, survey_id uuid, skipped boolean, score smallint,
        choices text[], other_text text, text_value text, date_value date, desired smallint, adequate smallint, perceived smallint))`);
  }
  if (rows.invitations.length > 0) {
    // The first answer's time kept by COALESCE (see markInvitationResponded). Each row is found by
    // its whole primary key, one probe per id behind an OFFSET 0 fence, and updated by its ctid
    // (a TID scan): joined on (tenant_id, id) the planner, before ANALYZE has seen a wave's bulk
    // insert, read the workspace's every invitation instead (see lockGroupState). The rows were
    // locked by lockGroupState in this transaction, so their ctids cannot move.
    parts.push(sql`
    i AS (
      UPDATE survey_invitations AS t
      SET responded_at = coalesce(t.responded_at, CASE WHEN k.anonymous THEN date_trunc('day', now()) ELSE now() END)
      FROM (SELECT l.ctid AS row, k.anonymous
            FROM jsonb_to_recordset(${JSON.stringify(rows.invitations)}::jsonb) AS k(id uuid, anonymous boolean)
            CROSS JOIN LATERAL (SELECT ctid FROM survey_invitations WHERE tenant_id = ${tenantId} AND id = k.id OFFSET 0) AS l) AS k
      WHERE t.ctid = k.row AND t.tenant_id = ${tenantId})`);
  }
  rows.also.forEach((statement, n) => parts.push(sql`${sql.raw(`x${n}`)} AS (${statement})`));
  const result = await db.execute<{ inserted: number }>(sql`WITH ${sql.join(parts, sql`,`)} SELECT count(*)::int AS inserted FROM r`);
  return result.rows[0]!.inserted;
}

export interface LinkRow {
  tenantId: string;
  kind: string;
  targetId: string;
  surveyId: string;
  status: string;
  liveVersion: number | null;
  closedReason: string | null;
  invitation: { id: string; customerId: string; channel: string; respondedAt: Date | null; expiresAt: Date | null; hidden: Record<string, string> } | null;
}

/**
 * What links' tokens open, with each survey's current state and the invitation, in one statement
 * however many tokens (the definition is read by version apart); by the token hash in hex.
 */
export async function linksByTokenHashes(db: Executor, tokenHashes: Buffer[]): Promise<Map<string, LinkRow>> {
  const result = await db.execute<Record<string, unknown>>(sql`
    SELECT encode(t.token_hash, 'hex') AS token_hash, t.tenant_id, t.kind, t.target_id, t.survey_id, s.status, s.live_version, s.closed_reason,
           i.id AS invitation_id, i.customer_id, i.channel, i.responded_at, i.expires_at, i.hidden
    FROM survey_tokens t
    JOIN surveys s ON s.tenant_id = t.tenant_id AND s.id = t.survey_id
    LEFT JOIN survey_invitations i ON t.kind = 'invitation' AND i.tenant_id = t.tenant_id AND i.id = t.target_id
    WHERE t.token_hash = ANY(${sql.param(tokenHashes)}::bytea[])`);
  return new Map(result.rows.map((r) => [r.token_hash as string, {
    tenantId: r.tenant_id as string, kind: r.kind as string, targetId: r.target_id as string, surveyId: r.survey_id as string,
    status: r.status as string, liveVersion: (r.live_version as number | null) ?? null, closedReason: (r.closed_reason as string | null) ?? null,
    invitation: r.invitation_id ? {
      id: r.invitation_id as string, customerId: r.customer_id as string, channel: r.channel as string,
      respondedAt: instant(r.responded_at), expiresAt: instant(r.expires_at), hidden: (r.hidden ?? {}) as Record<string, string>,
    } : null,
  }]));
}

/** What a link's token opens (`linksByTokenHashes` for one). */
export async function linkByTokenHash(db: Executor, tokenHash: Buffer): Promise<LinkRow | undefined> {
  return (await linksByTokenHashes(db, [tokenHash])).get(tokenHash.toString('hex'));
}

/** A published version's definition as stored (published versions never change). */
export async function versionDefinition(db: Executor, tenantId: string, surveyId: string, version: number): Promise<unknown> {
  const result = await db.execute<{ definition: unknown }>(sql`SELECT definition FROM survey_versions WHERE tenant_id = ${tenantId} AND survey_id = ${surveyId} AND version = ${version}`);
  return result.rows[0]?.definition;
}
