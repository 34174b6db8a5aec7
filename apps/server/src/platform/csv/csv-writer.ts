import { Readable, pipeline } from 'node:stream';
import { stringify } from 'csv-stringify';

export type CsvCell = string | number | boolean | null | undefined;

// A cell that starts like a formula (=, +, -, @) runs as one when the file is opened in a
// spreadsheet (OWASP "CSV injection"). Numbers and phones (+98 912…) are left alone.
const FORMULA_START = /^[=+\-@\t\r]/;
const NUMBER_LIKE = /^[+-][\d\s().-]*$/;

/** A cell safe to open in Excel: formula-like text gets a leading apostrophe. */
export function neutraliseFormula(value: string): string {
  return FORMULA_START.test(value) && !NUMBER_LIKE.test(value) ? `'${value}` : value;
}

/** Undoes neutraliseFormula on import, so an exported file reads back as it was. */
export function stripFormulaGuard(value: string): string {
  return value.charCodeAt(0) === 39 && FORMULA_START.test(value.slice(1, 2)) ? value.slice(1) : value;
}

/**
 * Streams rows as CSV text in UTF-8 with a byte-order mark, which is what makes Excel show
 * Persian and Arabic correctly. Pulls rows only as fast as the reader takes the text.
 */
export function csvStream(header: readonly string[], rows: AsyncIterable<CsvCell[]> | Iterable<CsvCell[]>): Readable {
  const stringifier = stringify({ bom: true, cast: { boolean: (value) => (value ? 'true' : 'false') } });
  const source = Readable.from(
    (async function* () {
      yield [...header];
      for await (const row of rows) yield row.map((cell) => (typeof cell === 'string' ? neutraliseFormula(cell) : cell));
    })(),
  );
  return pipeline(source, stringifier, () => undefined);
}

/** One record as a CSV line, for showing a rejected row as it stood in the file. */
export function formatCsvLine(cells: readonly string[], delimiter = ','): string {
  return cells
    .map((cell) => (cell.includes(delimiter) || /["\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell))
    .join(delimiter);
}

/** Response headers for a CSV download. */
export function csvDownloadHeaders(fileName: string): Record<string, string> {
  return { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${fileName}"`, 'cache-control': 'no-store' };
}
