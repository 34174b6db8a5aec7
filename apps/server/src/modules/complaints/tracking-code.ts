// Tracking codes of complaint cases: what a complainant reads off an SMS, says over the phone and
// types into the public tracking page. Pure: no database; the caller stores the code and reports
// whether the unique index took it.
//
// Alphabet: the ten digits, nothing else. Digits are the one set every complainant reads, says and
// types natively in Persian, Arabic and English: a Persian keyboard and every phone's numeric pad
// type them without switching layout, whereas Latin letters read aloud in Persian or Arabic are a
// spelling exercise (b/p/v, m/n, e/i) and letters typed on a Persian layout come out as other
// letters. With no letters there is no 0/O or 1/I/L pair to confuse, and the parser still folds
// an O or an I/l someone typed by mistake. What stays confusable is caught by the check digit
// (any single wrong digit is refused): spoken هفت/هشت (7/8) in Persian and سبعة/تسعة (7/9) in
// Arabic over a poor line, the Arabic-Indic five ٥ that looks like a Latin 0, the Persian zero ۰
// that is only a dot.
//
// Length: 11 random digits and one check digit, shown in three groups of four (4827-9153-0614),
// the length of a phone number and read aloud the same way (two-digit pairs: چهل و هشت، بیست و هفت).
// Codes issued before this shape had 16 digits (4-4-4-4); no production data holds them, but
// development and test databases do, so parseTrackingCode still reads a 16-digit code with a valid
// check digit and formatTrackingCode shows it in four groups. New codes are always 12 digits.
//
// Entropy, against the limits of the tracking route (complaint.routes.ts). The check digit is
// public, so it adds nothing against guessing. Codes that pass the Luhn check are skipped (below),
// leaving S = 9 × 10^10 equally likely codes (36.4 bits) from node:crypto. A try on the tracking
// route needs the code AND the verification (the last 4 digits of the phone, 10^4, or the whole
// e-mail), and an unknown code and a wrong verification answer the same 404, so a code hit alone is
// unobservable and every try is a blind guess of both: against N cases in the workspace it wins
// with p = N / S × 10^-4. At 10 tries a minute per address (5.26 × 10^6 a year, non-stop) and
// N = 10^6 cases, one address expects 0.006 wins a year, and a botnet of 1,000 addresses expects
// 0.48 in a month, each a stranger's case whose status it learns (the tracking view holds no
// names, contact details or descriptions). trackingGuessOdds computes these; the enumeration
// test holds them below a bound. Shorter codes fail: 10 digits (9 random) give one address 0.58
// wins a year at N = 10^6, and a botnet 48 a month. Longer ones buy little a reader notices: each
// digit divides the odds by ten, and 16 digits bought a card-number shape people misread as one.
// Against a botnet the remaining lever is a per-workspace budget of failed tries, not length.
// A known code (read off someone's SMS) is protected by the verification alone: the per-code
// limits (tracking-limits.ts: 20 an hour, 60 a day) bound how fast its 10^4 values can be tried.
//
// Uniqueness: per workspace, by the unique index (tenant_id, tracking_code); issueTrackingCode
// draws another code only when the index reports this one taken. At 10^7 cases in a workspace a
// new code collides with p ≈ 1.1 × 10^-4, so retries are rare and five in a row never happen.
//
// Check digit: Damm's algorithm (a totally anti-symmetric quasigroup of order 10) catches every
// single-digit substitution and every transposition of two adjacent digits, which Luhn does not
// (09 ↔ 90). Codes that happen to pass Luhn are never issued: card-number scanners (mail
// gateways, chat redaction, DLP) match 12-19 Luhn-valid digits and would mask or block the code.
import { randomInt } from 'node:crypto';
import { toAsciiDigits } from '../../platform/i18n/digits.ts';
import type { Locale } from '@vafa/contracts';

/** A code in canonical form: 12 ASCII digits (16 for a code issued before) whose last is the Damm check digit of the others. */
export type TrackingCode = string & { readonly __trackingCode: true };

export const TRACKING_CODE_RANDOM_DIGITS = 11;
/** The length of every new code. */
export const TRACKING_CODE_LENGTH = TRACKING_CODE_RANDOM_DIGITS + 1;
/** Codes issued before the 12-digit shape; still read, never issued. */
export const LEGACY_TRACKING_CODE_LENGTH = 16;
/** How many different codes newTrackingCode issues: 10^11 bodies less the tenth that pass Luhn. */
export const TRACKING_CODE_SPACE = 9 * 10 ** (TRACKING_CODE_RANDOM_DIGITS - 1);
const GROUP = 4;
/** A pasted code with generous spacing is well under this; anything longer is not worth normalising. */
export const TRACKING_CODE_MAX_INPUT = 256;

/** Damm's quasigroup (weakly totally anti-symmetric, zero diagonal; Damm 2004). */
const DAMM = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
  [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
  [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
  [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
  [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
  [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
  [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
  [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
  [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
  [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
] as const;

function dammInterim(digits: string): number {
  let interim = 0;
  for (let i = 0; i < digits.length; i++) interim = DAMM[interim]![digits.charCodeAt(i) - 48]!;
  return interim;
}

/** The check digit of a string of ASCII digits. */
export function dammCheckDigit(digits: string): string {
  if (!/^[0-9]*$/.test(digits)) throw new TypeError('dammCheckDigit takes ASCII digits only');
  return String(dammInterim(digits));
}

function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** Whether a string is a tracking code in canonical form (what is stored and looked up). */
export function isTrackingCode(value: unknown): value is TrackingCode {
  return typeof value === 'string' && hasCodeLength(value) && /^[0-9]+$/.test(value) && dammInterim(value) === 0;
}

const hasCodeLength = (digits: string) => digits.length === TRACKING_CODE_LENGTH || digits.length === LEGACY_TRACKING_CODE_LENGTH;

export interface TrackingGuessScenario {
  /** cases in the workspace, all of them trackable */
  cases: number;
  /** addresses guessing at once, each held to the per-address limit */
  addresses: number;
  triesPerAddressPerMinute: number;
  days: number;
  /** values the verification can take for someone who knows nothing of the case: 10^4 for the last 4 phone digits */
  verificationSpace?: number;
}

/**
 * How many cases a blind guesser expects to open on the tracking route in a scenario: every try is
 * a fresh (code, verification) pair, since a code hit alone is not observable. The expectation
 * also bounds the chance of any success from above.
 */
export function trackingGuessOdds(scenario: TrackingGuessScenario): { tries: number; perTry: number; expectedWins: number } {
  const tries = scenario.addresses * scenario.triesPerAddressPerMinute * 60 * 24 * scenario.days;
  const perTry = (Math.min(scenario.cases, TRACKING_CODE_SPACE) / TRACKING_CODE_SPACE) / (scenario.verificationSpace ?? 10_000);
  return { tries, perTry, expectedWins: tries * perTry };
}

/** A fresh code from the operating system's CSPRNG, never one a card-number scanner would match. */
export function newTrackingCode(): TrackingCode {
  for (;;) {
    let digits = '';
    for (let i = 0; i < TRACKING_CODE_RANDOM_DIGITS; i++) digits += String(randomInt(10));
    const code = digits + dammCheckDigit(digits);
    if (!passesLuhn(code)) return code as TrackingCode;
  }
}

export class TrackingCodeExhaustedError extends Error {
  readonly code = 'tracking_code_exhausted';
  constructor(attempts: number) {
    super(
      `no free tracking code after ${attempts} attempts; at the design load one collision is a 1-in-10^4 event, ` +
        'so the store callback is likely reporting other conflicts as taken',
    );
  }
}

export interface IssueTrackingCodeOptions {
  /** Default 5: at 10^7 cases, five collisions in a row has odds of about 10^-20. */
  maxAttempts?: number;
  /** Tests only: the source of candidate codes. */
  generate?: () => TrackingCode;
}

/**
 * Gives a case a code that the unique index accepts. `store` tries to write the code and returns
 * what it wrote, or undefined when the code is taken. Write it as
 * `INSERT … ON CONFLICT (tenant_id, tracking_code) DO NOTHING RETURNING …` (drizzle:
 * `onConflictDoNothing({ target: [...] }).returning()`): a failed plain INSERT would abort the
 * surrounding transaction, and a conflict target left open would report any other unique key
 * (an idempotency key, say) as a taken code and loop. Other errors propagate untouched.
 */
export async function issueTrackingCode<T>(
  store: (code: TrackingCode) => Promise<T | undefined>,
  options: IssueTrackingCodeOptions = {},
): Promise<{ code: TrackingCode; stored: T; attempts: number }> {
  const maxAttempts = options.maxAttempts ?? 5;
  const generate = options.generate ?? newTrackingCode;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const code = generate();
    const stored = await store(code);
    if (stored !== undefined) return { code, stored, attempts: attempt };
  }
  throw new TrackingCodeExhaustedError(maxAttempts);
}

export type TrackingCodeRefusal = 'not_text' | 'empty' | 'too_long' | 'invalid_character' | 'wrong_length' | 'check_failed';

export type ParsedTrackingCode = { ok: true; code: TrackingCode } | { ok: false; reason: TrackingCodeRefusal };

// Invisible characters that ride along in pasted text: Unicode format characters (zero-width
// space, ZWNJ, ZWJ, word joiner, BOM, soft hyphen, LRM/RLM/ALM, bidi embeddings and the isolates
// formatTrackingCode itself adds), variation selectors and the keycap mark of emoji digits (4️⃣).
const INVISIBLE = /[\p{Cf}\uFE00-\uFE0F\u20E3]/gu;
/** What people put between groups: any space, any dash or minus, a dot, an underscore. */
const SEPARATOR = /[\s\p{Pd}\u2212._]/gu;
/** Latin letters typed for the digits they look like; the alphabet has no letters, so no code is lost. */
const LOOKALIKE: Record<string, string> = { O: '0', o: '0', I: '1', i: '1', l: '1', L: '1' };

/**
 * Reads a code the way people type or paste it: Persian (۰–۹), Arabic-Indic (٠–٩), full-width and
 * other compatibility digits, spaces and dashes anywhere, a leading '#', invisible characters,
 * O for 0 and I/l for 1. A mistyped code is refused by its check digit, without a lookup.
 */
export function parseTrackingCode(input: unknown): ParsedTrackingCode {
  if (typeof input !== 'string') return { ok: false, reason: 'not_text' };
  if (input.length > TRACKING_CODE_MAX_INPUT) return { ok: false, reason: 'too_long' };
  const text = toAsciiDigits(input.normalize('NFKC').replace(INVISIBLE, ''))
    .trim()
    .replace(/^#+/, '')
    .replace(SEPARATOR, '')
    .replace(/[OoIilL]/g, (c) => LOOKALIKE[c]!);
  if (text === '') return { ok: false, reason: 'empty' };
  if (!/^[0-9]+$/.test(text)) return { ok: false, reason: 'invalid_character' };
  if (!hasCodeLength(text)) return { ok: false, reason: 'wrong_length' };
  if (dammInterim(text) !== 0) return { ok: false, reason: 'check_failed' };
  return { ok: true, code: text as TrackingCode };
}

/** Intl numbering-system ids: Latin, Persian (extended Arabic-Indic), Arabic-Indic. */
export type DigitSystem = 'latn' | 'arabext' | 'arab';

/** The same digits the rest of Vafa shows each language in (engagement's templates, surveys). */
export const LOCALE_DIGITS: Record<Locale, DigitSystem> = { fa: 'arabext', ar: 'arab', en: 'latn' };

const ZERO: Record<DigitSystem, number> = { latn: 0x30, arabext: 0x06f0, arab: 0x0660 };
const LRI = '\u2066';
const PDI = '\u2069';
const LRM = '\u200E';

export interface FormatTrackingCodeOptions {
  digits?: DigitSystem;
  /**
   * 'isolate' (default): safe inside right-to-left text. Without it the Unicode bidi algorithm
   * shows the groups in reverse order in a Persian or Arabic sentence (digits after Arabic letters
   * count as Arabic numbers, and a hyphen joins no Arabic numbers), so the code is wrapped in a
   * left-to-right isolate with a left-to-right mark after each hyphen, which Arabic-Indic digits
   * need even inside the isolate. The marks are invisible and parseTrackingCode drops them.
   * 'none': plain characters, for English SMS (keeps it GSM-7) and CSV.
   */
  bidi?: 'isolate' | 'none';
}

/** The code in groups of four, e.g. 4827-9153-0614 or ۴۸۲۷-۹۱۵۳-۰۶۱۴ (a 16-digit code of before in four groups). */
export function formatTrackingCode(code: TrackingCode, options: FormatTrackingCodeOptions = {}): string {
  if (!isTrackingCode(code)) throw new TypeError('formatTrackingCode takes a canonical tracking code; parse input first');
  const zero = ZERO[options.digits ?? 'latn'];
  const shown = zero === 0x30 ? code : code.replace(/[0-9]/g, (d) => String.fromCharCode(zero + d.charCodeAt(0) - 48));
  const groups = shown.match(new RegExp(`.{1,${GROUP}}`, 'gu'))!;
  if ((options.bidi ?? 'isolate') === 'none') return groups.join('-');
  return LRI + groups.join(`-${LRM}`) + PDI;
}

/** The code as shown to a reader of `locale`: that language's digits, isolated in fa and ar text. */
export function formatTrackingCodeFor(code: TrackingCode, locale: Locale): string {
  return formatTrackingCode(code, { digits: LOCALE_DIGITS[locale], bidi: locale === 'en' ? 'none' : 'isolate' });
}
