import { toAsciiDigits } from '../../platform/i18n/digits.ts';
import { foldForSearch } from '../../platform/i18n/fold.ts';
import { parsePhone } from '../../platform/i18n/phone.ts';

export interface SearchableCustomer {
  name: string | null;
  email: string | null;
  /** E.164 */
  phone: string | null;
}

/**
 * The value of `customers.search_text`: folded name, folded e-mail, the E.164 digits without '+'
 * and the national digits (09123456789), space-joined. Folding removes spaces and ZWNJ inside
 * each part, so only the separators between parts are spaces and a query never matches across
 * two parts. Everyone who writes a customer row (API, import, merge, erase) sets it with this.
 */
export function buildSearchText({ name, email, phone }: SearchableCustomer, defaultCountry: string): string {
  const parts: string[] = [];
  if (name) parts.push(foldForSearch(name));
  if (email) parts.push(foldForSearch(email));
  if (phone) {
    const international = phone.replace(/\D/g, '');
    parts.push(international);
    const national = parsePhone(phone, defaultCountry)?.nationalDigits;
    if (national && national !== international) parts.push(national);
  }
  return parts.filter((part) => part.length > 0).join(' ');
}

const MAX_QUERY_WORDS = 6;
// Digits with the punctuation people put in phone numbers, and nothing else.
const PHONE_LIKE = /^\+?[\d\s\-().]+$/;

export interface CustomerSearch {
  /** a complete, valid phone number (E.164): found through the phone index */
  phone?: string;
  /** each must occur in search_text */
  needles: string[];
}

/**
 * What a search query means. A query that looks like a phone is parsed first, so
 * "+98 912 345 6789", "0098912…", "۰۹۱۲۳۴۵۶۷۸۹" and "9123456789" are all the same number; a
 * partial number ("0912 345") is searched as digits. Other queries are split into words, each
 * folded, so word order does not matter and "محمد رضا" finds "محمد‌رضا".
 */
export function parseCustomerSearch(query: string, defaultCountry: string): CustomerSearch {
  const ascii = toAsciiDigits(query).trim();
  const digits = ascii.replace(/\D/g, '');
  if (digits.length >= 4 && PHONE_LIKE.test(ascii)) {
    // Only a whole number is an exact lookup: libphonenumber calls some 6-digit strings valid
    // Iranian numbers, and a user typing the middle of a mobile means "contains".
    const parsed = digits.length >= 9 ? parsePhone(ascii, defaultCountry) : null;
    if (parsed) return { phone: parsed.e164, needles: [] };
    return { needles: [digits.replace(/^00/, '')] };
  }
  const words = query.trim().split(/\s+/).map(foldForSearch).filter((word) => word.length > 0);
  return { needles: [...new Set(words)].slice(0, MAX_QUERY_WORDS) };
}

/** `%needle%` for LIKE, with the user's own % _ and \ taken literally. */
export function containsPattern(needle: string): string {
  return `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
