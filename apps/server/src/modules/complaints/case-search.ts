// The queue's search box: what `q` means and the condition it puts on complaint_cases, shared by
// the list (complaint.repo.ts) and the SLA queue (complaint-sla.repo.ts).
import { and, or, sql, type SQL } from 'drizzle-orm';
import { toAsciiDigits } from '../../platform/i18n/digits.ts';
import { foldForSearch } from '../../platform/i18n/fold.ts';
import { complaintCases, contactSearchKey } from './complaints.schema.ts';

export interface CaseSearch {
  /** ASCII digits (4 or more) that a tracking code starts with */
  codePrefix?: string;
  /** folded words that must all occur in the contact's name, e-mail or phone */
  words: string[];
}

/** At least this many digits are a tracking code (or part of one); fewer are searched as text. */
export const CODE_PREFIX_MIN_DIGITS = 4;
const MAX_WORDS = 6;
// Digits as people type codes and phones: spaces, dashes of any kind, dots, brackets, a plus.
const NUMBER_LIKE = /^[\d\s\p{Pd}.()+]+$/u;

/**
 * A search as typed. Digits in any script with spaces or dashes ("۴۸۲۷-۹۱۵۳", "4827 9153 0640")
 * are a tracking code's prefix once there are 4 or more, and also a piece of the phone (leading
 * zeros dropped, so the national "0912…" meets E.164's "98912…"); other text is words, each
 * folded as customer search folds them, all of which must occur in the contact's name, e-mail or
 * phone. Undefined when there is nothing to search for.
 */
export function parseCaseSearch(q: string | undefined): CaseSearch | undefined {
  if (q === undefined) return undefined;
  const ascii = toAsciiDigits(q).trim();
  if (ascii === '') return undefined;
  const digits = ascii.replace(/\D/g, '');
  if (digits.length >= CODE_PREFIX_MIN_DIGITS && NUMBER_LIKE.test(ascii)) {
    const phonePart = digits.replace(/^0+/, '');
    return { codePrefix: digits, words: phonePart.length > 0 ? [phonePart] : [] };
  }
  const words = ascii.split(/\s+/).map(foldForSearch).filter((w) => w.length > 0);
  return words.length > 0 ? { words: [...new Set(words)].slice(0, MAX_WORDS) } : undefined;
}

const containsPattern = (needle: string) => `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The digit string that follows every string starting with `prefix` ("1239" → "124"); null for
 * all nines. Codes are ASCII digits, so with it a prefix is a range on the (tenant, code) index.
 */
function prefixEnd(prefix: string): string | null {
  const trimmed = prefix.replace(/9+$/, '');
  if (trimmed === '') return null;
  return trimmed.slice(0, -1) + String(Number(trimmed.at(-1)) + 1);
}

/**
 * The condition on complaint_cases: the code prefix as a range on complaint_cases_tracking_code_key
 * (the LIKE rechecks it whatever the collation), the words on the trigram index of the contact key.
 */
export function caseSearchCondition(search: CaseSearch): SQL {
  const c = complaintCases;
  const key = contactSearchKey(c);
  const words = search.words.length > 0 ? and(...search.words.map((w) => sql`${key} LIKE ${containsPattern(w)}`)) : undefined;
  if (!search.codePrefix) return words!;
  const end = prefixEnd(search.codePrefix);
  const code = and(
    sql`${c.trackingCode} >= ${search.codePrefix}`,
    end === null ? undefined : sql`${c.trackingCode} < ${end}`,
    sql`${c.trackingCode} LIKE ${`${search.codePrefix}%`}`,
  )!;
  return words ? or(code, words)! : code;
}
