import type { Readable } from 'node:stream';
import type pg from 'pg';
import type { Locale } from '../i18n/locale.ts';
import { PROBLEM_MESSAGES, localise } from '../i18n/messages.ts';
import { importErrorsQuery, type ImportErrorRow } from './import-runs.ts';
import { queryCsvStream } from './query-csv.ts';

/** `severity`: `error` for a refused row's problems, `warning` for what an imported row left out. */
export const ERROR_REPORT_HEADER = ['row', 'severity', 'field', 'code', 'problem', 'original_line'] as const;

/** A problem's code in words, in the reader's language where the catalog has it. */
function describe(code: string, field: string, locale: Locale): string {
  return PROBLEM_MESSAGES[code] ? localise(code, locale, { field, key: field.replace(/^attribute\./, '') }) : code;
}

/**
 * The report of an import run: one line per problem of each refused row and per warning of an
 * imported one, with the row as it stood in the file, streamed from a cursor whatever the
 * number of rows.
 */
export function importErrorsCsv(pool: pg.Pool, tenantId: string, importId: string, locale: Locale): Readable {
  return queryCsvStream<ImportErrorRow>(pool, importErrorsQuery(tenantId, importId), ERROR_REPORT_HEADER, (row) =>
    row.problems.map((p) => [row.row_number, p.severity ?? 'error', p.field, p.code, describe(p.code, p.field, locale), row.raw]),
  );
}
