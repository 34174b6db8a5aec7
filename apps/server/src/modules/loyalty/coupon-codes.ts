import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import { CsvError, parse } from 'csv-parse';
import { COUPON_CODE_ALPHABET } from '@vafa/contracts';
import { CsvFileError, sniffCsv } from '../../platform/csv/csv-reader.ts';
import { toAsciiDigits } from '../../platform/i18n/digits.ts';

// Coupon codes as people and shops write them: pure helpers for generating codes, folding a
// code for comparison, and reading an uploaded CSV of codes line by line.

/** A code as stored: Persian and Arabic-Indic digits as ASCII, trimmed, upper case. */
export function cleanCode(text: string): string {
  return toAsciiDigits(text.normalize('NFKC')).replace(/[\u200B-\u200F\u2066-\u2069\uFEFF]/g, '').trim().toUpperCase();
}

/** What makes two codes the same: case, digits' script, spaces and dashes do not. */
export const codeKey = (code: string) => code.replace(/[\s_-]/g, '');

/** Letters, digits, dashes and underscores, 1 to 64 of them, at least one letter or digit. */
const CODE_PATTERN = /^[A-Z0-9][A-Z0-9_ -]{0,63}$/;
export const isValidCode = (code: string) => CODE_PATTERN.test(code) && codeKey(code).length > 0;

/** `count` random codes from the unambiguous alphabet, distinct among themselves. */
export function generateCodes(count: number, length: number, prefix: string): string[] {
  const codes = new Set<string>();
  const clean = prefix.toUpperCase();
  while (codes.size < count) {
    let body = '';
    for (let i = 0; i < length; i++) body += COUPON_CODE_ALPHABET[randomInt(COUPON_CODE_ALPHABET.length)];
    codes.add(clean + body);
  }
  return [...codes];
}

export interface CodeLine {
  line: number;
  code: string;
}

/** Header cells that name the code column (the file may also have no header at all). */
const HEADER_NAMES = new Set(['code', 'codes', 'coupon', 'coupon code', 'voucher', 'کد', 'کد تخفیف', 'کوپن', 'كود', 'الكود', 'رمز', 'الرمز', 'قسيمة', 'القسيمة', 'كود الخصم']);
const isHeaderCell = (cell: string) => HEADER_NAMES.has(cell.normalize('NFKC').trim().toLowerCase());

/** At most this many code rows in one file. */
export const MAX_UPLOADED_CODES = 100_000;

/**
 * The rows of an uploaded codes file with their line numbers (a row holding an empty code kept, to
 * be reported): the column headed "code" (or کد, كود, …), else the first; a first row that is not
 * such a header is a code. Refused as a whole (CsvFileError) when it cannot be read to its end:
 * broken quoting (a file cut inside a quoted cell), not UTF-8, binary, or too many rows.
 */
export async function readCodeLines(file: string): Promise<CodeLine[]> {
  const head = Buffer.alloc(64 * 1024);
  const handle = await fs.promises.open(file, 'r');
  let headBytes: number;
  let size: number;
  try {
    ({ bytesRead: headBytes } = await handle.read(head, 0, head.length, 0));
    size = (await handle.stat()).size;
  } finally {
    await handle.close();
  }
  const { delimiter } = sniffCsv(head.subarray(0, headBytes), headBytes >= size);
  const parser = fs.createReadStream(file).pipe(parse({
    bom: true, delimiter, relax_quotes: true, relax_column_count: true, skip_empty_lines: false, info: true, max_record_size: 64 * 1024,
  }));
  const lines: CodeLine[] = [];
  let column = 0;
  let first = true;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const line = info.lines;
      // Blank lines before the first row are nothing; after it, blank lines and rows of empty cells are empty rows, reported.
      if (record.length === 1 && record[0]!.trim() === '' && first) continue;
      if (first) {
        first = false;
        const headed = record.findIndex(isHeaderCell);
        if (headed >= 0) {
          column = headed;
          continue;
        }
      }
      lines.push({ line, code: cleanCode(record[column] ?? '') });
      if (lines.length > MAX_UPLOADED_CODES) throw new CsvFileError(`more than ${MAX_UPLOADED_CODES} codes in one file`);
    }
  } catch (err) {
    if (err instanceof CsvError) throw new CsvFileError(err.message);
    throw err;
  }
  return lines;
}
