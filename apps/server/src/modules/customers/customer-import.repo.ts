import type pg from 'pg';
import { copyRows } from '../../platform/csv/copy-text.ts';

/**
 * Set-based SQL of the customers import. A batch is COPYed into a temp staging table on the
 * import's connection, matched to live customers in one statement, then applied as a few
 * UPDATE/INSERT … SELECT statements: the cost per row is PostgreSQL's, not round trips.
 */
const STAGE = 'customer_import_stage';

export const STAGE_COLUMNS = [
  'row_number', 'given_id', 'new_id', 'external_id', 'name', 'phone', 'email', 'birthday', 'birthday_calendar',
  'language', 'preferred_channel', 'tags', 'consent', 'attributes', 'search_text',
] as const;

export async function createCustomerStage(client: pg.PoolClient): Promise<void> {
  // The batch statements are cheap index lookups; JIT compiling them costs seconds per batch.
  // More memory and a longer GIN pending list let the trigram index of search_text take each
  // batch in fewer, larger merges (about a fifth faster); this connection is the import's alone.
  await client.query(`SET jit = off; SET work_mem = '64MB'; SET gin_pending_list_limit = '16MB'`);
  // ON COMMIT DELETE ROWS: each batch transaction starts with an empty stage, and a rolled-back
  // batch leaves nothing behind either.
  await client.query(`
    CREATE TEMP TABLE IF NOT EXISTS ${STAGE} (
      row_number int PRIMARY KEY,
      given_id uuid,
      new_id uuid NOT NULL,
      external_id text,
      name text,
      phone text,
      email text,
      birthday date,
      birthday_calendar text,
      language text,
      preferred_channel text,
      tags text[],
      consent jsonb,
      attributes jsonb,
      search_text text NOT NULL,
      target_id uuid,
      conflict text,
      pass int
    ) ON COMMIT DELETE ROWS`);
}

export async function stageCustomers(client: pg.PoolClient, payload: string): Promise<void> {
  await copyRows(client, `COPY ${STAGE} (${STAGE_COLUMNS.join(', ')}) FROM STDIN`, payload);
}

export interface StageMatch {
  rowNumber: number;
  targetId: string;
  /** external_id | phone | email: that key belongs to another customer than the row's other keys; or customer_erased | customer_merged */
  conflict: string | null;
}

/**
 * Finds the live customer each staged row is about: by id (a merged record leads to the one
 * that absorbed it), else external id, else phone, else e-mail. A row whose keys point at two
 * different customers is a conflict. Only matched rows are written back to the stage (pass 1),
 * so a file of new customers costs four index probes per row here and nothing more.
 */
export async function matchStagedCustomers(client: pg.PoolClient, tenantId: string): Promise<StageMatch[]> {
  // MATERIALIZED: inlined, the planner would repeat each lookup wherever its result is used.
  const { rows } = await client.query<{ row_number: number; target_id: string; conflict: string | null }>(
    `WITH keys AS MATERIALIZED (
       SELECT s.row_number,
         (SELECT coalesce(c.merged_into, c.id) FROM customers c WHERE c.tenant_id = $1 AND c.id = s.given_id) AS by_id,
         (SELECT c.id FROM customers c WHERE c.tenant_id = $1 AND c.external_id = s.external_id AND c.merged_into IS NULL) AS by_external_id,
         (SELECT c.id FROM customers c WHERE c.tenant_id = $1 AND c.phone = s.phone AND c.merged_into IS NULL) AS by_phone,
         (SELECT c.id FROM customers c WHERE c.tenant_id = $1 AND c.email = s.email AND c.merged_into IS NULL) AS by_email
       FROM ${STAGE} s
     ), matched AS MATERIALIZED (
       SELECT k.*, coalesce(k.by_id, k.by_external_id, k.by_phone, k.by_email) AS target_id FROM keys k
     ), flagged AS (
       UPDATE ${STAGE} s SET target_id = m.target_id, pass = 1,
         conflict = CASE WHEN m.by_external_id <> m.target_id THEN 'external_id'
                         WHEN m.by_phone <> m.target_id THEN 'phone'
                         WHEN m.by_email <> m.target_id THEN 'email'
                         ELSE (SELECT CASE WHEN t.erased_at IS NOT NULL THEN 'customer_erased' WHEN t.merged_into IS NOT NULL THEN 'customer_merged' END
                               FROM customers t WHERE t.tenant_id = $1 AND t.id = m.target_id) END
       FROM matched m
       WHERE m.row_number = s.row_number AND m.target_id IS NOT NULL
       RETURNING s.row_number, s.target_id, s.conflict
     )
     SELECT row_number, target_id, conflict FROM flagged`,
    [tenantId],
  );
  return rows.map((r) => ({ rowNumber: r.row_number, targetId: r.target_id, conflict: r.conflict }));
}

/** Rows of one batch about the same customer are applied one pass each, in file order; returns the number of passes. */
export async function rankStagedMatches(client: pg.PoolClient): Promise<number> {
  const { rows } = await client.query<{ passes: number | null }>(
    `WITH ranked AS (
       UPDATE ${STAGE} s SET pass = r.pass
       FROM (SELECT row_number, row_number() OVER (PARTITION BY target_id ORDER BY row_number)::int AS pass
             FROM ${STAGE} WHERE target_id IS NOT NULL AND conflict IS NULL) r
       WHERE r.row_number = s.row_number AND r.pass > 1
       RETURNING s.pass
     )
     SELECT max(pass) AS passes FROM ranked`,
  );
  return rows[0]?.passes ?? 1;
}

/** The consent a row gives, as stored on a customer: { sms: { granted, at, source } }. */
const CONSENT_STATE = `(SELECT jsonb_object_agg(e.key, jsonb_build_object('granted', e.value::boolean, 'at', $2::text, 'source', 'import'))
                        FROM jsonb_each_text(s.consent) e`;

/**
 * Appends consent_events for the consent the staged rows of one pass change on existing
 * customers (pass > 0) or give new ones (pass 0). Restating the current choice is no change.
 */
export async function recordStagedConsent(client: pg.PoolClient, tenantId: string, pass: number, at: string, actorId: string | null): Promise<void> {
  if (pass === 0) {
    await client.query(
      `INSERT INTO consent_events (tenant_id, customer_id, channel, status, source, at, actor_id)
       SELECT $1, s.new_id, e.key, CASE WHEN e.value = 'true' THEN 'granted' ELSE 'withdrawn' END, 'import', $2, $3
       FROM ${STAGE} s CROSS JOIN LATERAL jsonb_each_text(s.consent) e
       WHERE s.target_id IS NULL AND s.conflict IS NULL AND s.consent IS NOT NULL
       ORDER BY s.row_number`,
      [tenantId, at, actorId],
    );
    return;
  }
  await client.query(
    `INSERT INTO consent_events (tenant_id, customer_id, channel, status, source, at, actor_id)
     SELECT $1, c.id, e.key, CASE WHEN e.value = 'true' THEN 'granted' ELSE 'withdrawn' END, 'import', $2, $3
     FROM ${STAGE} s
     JOIN customers c ON c.tenant_id = $1 AND c.id = s.target_id
     CROSS JOIN LATERAL jsonb_each_text(s.consent) e
     WHERE s.pass = $4 AND s.conflict IS NULL AND s.consent IS NOT NULL AND (c.consent -> e.key ->> 'granted') IS DISTINCT FROM e.value
     ORDER BY s.row_number`,
    [tenantId, at, actorId, pass],
  );
}

export interface StaleSearchText {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
}

/**
 * Applies one pass of staged rows to the customers they matched: a value in the row replaces
 * the stored one, an empty cell keeps it; tags and attributes are added to; consent changes
 * only where the row says something new. Returns the customers whose search text could not be
 * taken from the row because it left a stored name, e-mail or phone in place.
 */
export async function applyStagedUpdates(client: pg.PoolClient, tenantId: string, pass: number, at: string): Promise<StaleSearchText[]> {
  const keepsStored = `(s.name IS NULL AND c.name IS NOT NULL) OR (s.email IS NULL AND c.email IS NOT NULL) OR (s.phone IS NULL AND c.phone IS NOT NULL)`;
  const { rows } = await client.query<StaleSearchText & { stale: boolean }>(
    `WITH applied AS (
       UPDATE customers c SET
         external_id = coalesce(s.external_id, c.external_id),
         name = coalesce(s.name, c.name),
         phone = coalesce(s.phone, c.phone),
         email = coalesce(s.email, c.email),
         birthday = coalesce(s.birthday, c.birthday),
         birthday_calendar = CASE WHEN s.birthday IS NULL THEN c.birthday_calendar ELSE s.birthday_calendar END,
         language = coalesce(s.language, c.language),
         preferred_channel = coalesce(s.preferred_channel, c.preferred_channel),
         tags = CASE WHEN s.tags IS NULL THEN c.tags
                     ELSE ARRAY(SELECT t.tag FROM unnest(c.tags || s.tags) WITH ORDINALITY AS t(tag, n) GROUP BY t.tag ORDER BY min(t.n) LIMIT 50) END,
         attributes = CASE WHEN s.attributes IS NULL THEN c.attributes ELSE c.attributes || s.attributes END,
         consent = CASE WHEN s.consent IS NULL THEN c.consent
                        ELSE c.consent || coalesce(${CONSENT_STATE} WHERE (c.consent -> e.key ->> 'granted') IS DISTINCT FROM e.value), '{}'::jsonb) END,
         search_text = CASE WHEN ${keepsStored} THEN c.search_text ELSE s.search_text END,
         updated_at = $2::timestamptz
       FROM ${STAGE} s
       WHERE c.tenant_id = $1 AND c.id = s.target_id AND s.pass = $3 AND s.conflict IS NULL
       RETURNING c.id, c.name, c.email, c.phone, ${keepsStored} AS stale
     )
     SELECT id, name, email, phone FROM applied WHERE stale`,
    [tenantId, at, pass],
  );
  return rows;
}

export async function setSearchTexts(client: pg.PoolClient, tenantId: string, texts: { id: string; searchText: string }[]): Promise<void> {
  if (texts.length === 0) return;
  await client.query(
    `UPDATE customers c SET search_text = u.search_text
     FROM unnest($2::uuid[], $3::text[]) AS u(id, search_text)
     WHERE c.tenant_id = $1 AND c.id = u.id`,
    [tenantId, texts.map((t) => t.id), texts.map((t) => t.searchText)],
  );
}

/** Creates a customer for every staged row that matched none, in file order. */
export async function insertStagedCustomers(client: pg.PoolClient, tenantId: string, at: string): Promise<number> {
  const result = await client.query(
    `INSERT INTO customers (tenant_id, id, external_id, name, phone, email, birthday, birthday_calendar, language, preferred_channel,
                            consent, tags, attributes, search_text, created_at, updated_at)
     SELECT $1, s.new_id, s.external_id, s.name, s.phone, s.email, s.birthday, s.birthday_calendar, s.language, s.preferred_channel,
            coalesce(${CONSENT_STATE}), '{}'::jsonb), coalesce(s.tags, '{}'), coalesce(s.attributes, '{}'::jsonb), s.search_text,
            $2::timestamptz, $2::timestamptz
     FROM ${STAGE} s
     WHERE s.target_id IS NULL AND s.conflict IS NULL
     ORDER BY s.row_number`,
    [tenantId, at],
  );
  return result.rowCount ?? 0;
}

/** The customers the last insertStagedCustomers created, in file order. */
export async function stagedNewCustomerIds(client: pg.PoolClient): Promise<string[]> {
  const { rows } = await client.query<{ id: string }>(`SELECT new_id AS id FROM ${STAGE} WHERE target_id IS NULL AND conflict IS NULL ORDER BY row_number`);
  return rows.map((r) => r.id);
}
