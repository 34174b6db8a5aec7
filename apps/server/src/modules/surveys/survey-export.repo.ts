import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { CsvQuery } from '../../platform/csv/query-csv.ts';
import { responseFilterConditions, type ResponseFilter } from './response-slice.ts';

/** One answer as the export reads it: [skipped, score, choices, other, text, date, desired, adequate, perceived]. */
export type ExportedAnswer = [boolean, number | null, string[] | null, string | null, string | null, string | null, number | null, number | null, number | null];

export interface SurveyExportRow {
  id: string;
  submitted_at: Date;
  version: number;
  channel: string;
  locale: string;
  hidden: Record<string, string>;
  customer_id: string | null;
  answers: Record<string, ExportedAnswer> | null;
}

const dialect = new PgDialect();

/**
 * The completed responses of a survey under the responses screen's filters (response-slice.ts),
 * oldest first, each with its answers folded into one object (a lookup on the answers' primary
 * key per response). The responses index (tenant, survey, submitted_at) walks them in order
 * without a sort, so a cursor streams a million of them in constant memory. `withCustomer` is
 * false for anonymous surveys, which have no respondents to join.
 */
export function surveyExportQuery(tenantId: string, surveyId: string, filter: ResponseFilter, timeZone: string, withCustomer: boolean): CsvQuery {
  const conditions = responseFilterConditions(filter, timeZone);
  const query = dialect.sqlToQuery(sql`
    SELECT r.id, r.submitted_at, r.version, r.channel, r.locale, r.hidden,
           ${withCustomer ? sql`(SELECT p.customer_id FROM survey_respondents p WHERE p.tenant_id = r.tenant_id AND p.response_id = r.id)` : sql`NULL::uuid`} AS customer_id,
           (SELECT jsonb_object_agg(a.question_id, jsonb_build_array(a.skipped, a.score, a.choices, a.other_text, a.text_value, a.date_value, a.desired, a.adequate, a.perceived))
              FROM survey_answers a WHERE a.tenant_id = r.tenant_id AND a.response_id = r.id) AS answers
    FROM survey_responses r
    WHERE r.tenant_id = ${tenantId} AND r.survey_id = ${surveyId} AND r.status = 'complete' AND r.submitted_at IS NOT NULL
      ${conditions.length > 0 ? sql`AND ${sql.join(conditions, sql` AND `)}` : sql``}
    ORDER BY r.submitted_at, r.id`);
  return { text: query.sql, values: query.params };
}
