import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  LEGACY_TRACKING_CODE_LENGTH,
  TRACKING_CODE_LENGTH,
  TRACKING_CODE_RANDOM_DIGITS,
  TRACKING_CODE_SPACE,
  TrackingCodeExhaustedError,
  dammCheckDigit,
  formatTrackingCode,
  formatTrackingCodeFor,
  isTrackingCode,
  issueTrackingCode,
  newTrackingCode,
  parseTrackingCode,
  type DigitSystem,
  type TrackingCode,
} from './tracking-code.ts';

/** 48279153064 with its Damm check digit 0 (worked from the table, and 572 → 4 is Damm's own example). */
const CODE = '482791530640' as TrackingCode;
/** A 16-digit code of the first shape: 482791530612345 with its check digit 5. Still read, never issued. */
const LEGACY = '4827915306123455' as TrackingCode;

const FA_DIGITS = '۰۱۲۳۴۵۶۷۸۹';
const AR_DIGITS = '٠١٢٣٤٥٦٧٨٩';
const FULLWIDTH_DIGITS = '０１２３４５６７８９';

/** Luhn, written here independently of the module: issued codes must never pass it. */
function luhnValid(digits: string): boolean {
  const sum = [...digits].reverse().reduce((acc, ch, i) => {
    const d = Number(ch) * (i % 2 === 1 ? 2 : 1);
    return acc + (d > 9 ? d - 9 : d);
  }, 0);
  return sum % 10 === 0;
}

const digitString = (length: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length }).map((ds) => ds.join(''));
/** Any valid code, drawn by fast-check (so a failure replays from its seed), not by the CSPRNG. */
const codeArb = digitString(TRACKING_CODE_RANDOM_DIGITS).map((body) => (body + dammCheckDigit(body)) as TrackingCode);

describe('newTrackingCode', () => {
  it('gives 12 ASCII digits whose last is the Damm check digit of the other 11', () => {
    expect(TRACKING_CODE_LENGTH).toBe(12);
    expect(dammCheckDigit('572')).toBe('4');
    expect(isTrackingCode(CODE)).toBe(true);
    expect(isTrackingCode(LEGACY)).toBe(true);
    for (let i = 0; i < 1000; i++) {
      const code = newTrackingCode();
      expect(code).toMatch(/^[0-9]{12}$/);
      expect(code.at(-1)).toBe(dammCheckDigit(code.slice(0, 11)));
      expect(isTrackingCode(code)).toBe(true);
    }
  });

  it('never issues a code that passes the Luhn check a card-number scanner applies', () => {
    for (let i = 0; i < 5000; i++) expect(luhnValid(newTrackingCode())).toBe(false);
  });

  it('uses every digit in every random position, leading zeros included, and does not repeat', () => {
    const codes = Array.from({ length: 10_000 }, () => newTrackingCode());
    // Two alike among 10,000 of 9 × 10^10 has odds of 1 in 1,800; three, of 1 in 10^7.
    expect(new Set(codes).size).toBeGreaterThanOrEqual(codes.length - 1);
    for (let position = 0; position < TRACKING_CODE_LENGTH - 1; position++) {
      // 10,000 codes put ~1,000 of each digit in each position; a missing one means broken randomness.
      expect(new Set(codes.map((c) => c[position])).size).toBe(10);
    }
  });
});

describe('the entropy of issued codes', () => {
  // Pearson's chi-squared over the ten digits (9 degrees of freedom): the 1-in-10^6 critical value
  // is 41.4, so a fair source stays under 45 in practice and a skewed one (a digit 12 % of the time
  // instead of 10 % at these counts) lands far above it.
  const chiSquared = (counts: number[]) => {
    const expected = counts.reduce((a, b) => a + b, 0) / counts.length;
    return counts.reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
  };
  const CODES = 50_000;
  const codes = Array.from({ length: CODES }, () => newTrackingCode());

  it('draws every random position uniformly over the ten digits', () => {
    for (let position = 0; position < TRACKING_CODE_RANDOM_DIGITS; position++) {
      const counts = Array<number>(10).fill(0);
      for (const code of codes) counts[code.charCodeAt(position) - 48]!++;
      expect(chiSquared(counts), `position ${position}: ${counts.join(' ')}`).toBeLessThan(45);
    }
  });

  it('draws neighbouring positions independently (pairs uniform over 100 values)', () => {
    // 99 degrees of freedom: the 1-in-10^6 critical value is 177.
    for (let position = 0; position + 1 < TRACKING_CODE_RANDOM_DIGITS; position++) {
      const counts = Array<number>(100).fill(0);
      for (const code of codes) counts[Number(code.slice(position, position + 2))]!++;
      expect(chiSquared(counts), `positions ${position}-${position + 1}`).toBeLessThan(185);
    }
  });

  it('carries about log2(9 × 10^10) = 36.4 bits: the check digit and the Luhn skip take nothing else away', () => {
    // Shannon entropy measured per random position (each ≈ log2 10 = 3.32 bits) adds up to the
    // design figure, less the 0.15 bit the skipped Luhn-valid tenth costs.
    let bits = 0;
    for (let position = 0; position < TRACKING_CODE_RANDOM_DIGITS; position++) {
      const counts = Array<number>(10).fill(0);
      for (const code of codes) counts[code.charCodeAt(position) - 48]!++;
      bits -= counts.reduce((h, n) => h + (n / CODES) * Math.log2(n / CODES), 0);
    }
    expect(bits).toBeGreaterThan(TRACKING_CODE_RANDOM_DIGITS * Math.log2(10) - 0.01);
    expect(Math.log2(TRACKING_CODE_SPACE)).toBeCloseTo(36.39, 2);
    // Every issued code is one of the counted space: Damm-valid, not Luhn-valid.
    expect(codes.every((c) => isTrackingCode(c) && !luhnValid(c))).toBe(true);
  });
});

describe('the check digit', () => {
  // A proof for codes of every length, by exhausting the 10-state automaton behind the check digit:
  // the state after a prefix is dammCheckDigit(prefix), and a code is valid when its final state is 0.
  const step = (prefix: string, digit: number) => dammCheckDigit(prefix + digit);
  /** A one-digit prefix reaching each state (the table's first row is a permutation). */
  const prefixFor = new Map<string, string>();
  for (let d = 0; d < 10; d++) prefixFor.set(dammCheckDigit(String(d)), String(d));

  it('reaches every state from a one-digit prefix', () => {
    expect([...prefixFor.keys()].sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('keeps two different states different through any digit that follows (so an error is never cancelled later)', () => {
    for (let digit = 0; digit < 10; digit++) {
      const next = [...prefixFor.values()].map((prefix) => step(prefix, digit));
      expect(new Set(next).size).toBe(10);
    }
  });

  it('moves to a different state for a different digit (so any single substitution changes the state)', () => {
    for (const prefix of prefixFor.values()) {
      const next = Array.from({ length: 10 }, (_, digit) => step(prefix, digit));
      expect(new Set(next).size).toBe(10);
    }
  });

  it('moves to a different state when two adjacent different digits are swapped', () => {
    for (const prefix of prefixFor.values()) {
      for (let a = 0; a < 10; a++) {
        for (let b = 0; b < 10; b++) {
          if (a !== b) expect(dammCheckDigit(`${prefix}${a}${b}`)).not.toBe(dammCheckDigit(`${prefix}${b}${a}`));
        }
      }
    }
  });

  it('refuses every single-digit substitution and every adjacent transposition of 2,000 issued codes', () => {
    const missed: string[] = [];
    let tried = 0;
    const expectRefused = (typo: string) => {
      tried++;
      const parsed = parseTrackingCode(typo);
      if (parsed.ok || parsed.reason !== 'check_failed') missed.push(typo);
    };
    for (let i = 0; i < 2000; i++) {
      const code = newTrackingCode();
      for (let pos = 0; pos < code.length; pos++) {
        for (let d = 0; d < 10; d++) if (String(d) !== code[pos]) expectRefused(code.slice(0, pos) + d + code.slice(pos + 1));
        if (pos + 1 < code.length && code[pos] !== code[pos + 1]) expectRefused(code.slice(0, pos) + code[pos + 1] + code[pos] + code.slice(pos + 2));
      }
    }
    expect(missed).toEqual([]);
    expect(tried).toBeGreaterThan(2000 * 12 * 9);
  });

  it.each([TRACKING_CODE_LENGTH, LEGACY_TRACKING_CODE_LENGTH])('refuses a substitution or an adjacent swap in any %i-digit code that passes (property)', (length) => {
    fc.assert(
      fc.property(digitString(length - 1), fc.integer({ min: 0, max: length - 1 }), fc.integer({ min: 1, max: 9 }), (body, pos, shift) => {
        const code = body + dammCheckDigit(body);
        const typo = code.slice(0, pos) + ((Number(code[pos]) + shift) % 10) + code.slice(pos + 1);
        expect(isTrackingCode(typo)).toBe(false);
        if (pos < length - 1 && code[pos] !== code[pos + 1]) {
          expect(isTrackingCode(code.slice(0, pos) + code[pos + 1] + code[pos] + code.slice(pos + 2))).toBe(false);
        }
      }),
      { numRuns: 5000 },
    );
  });
});

describe('parseTrackingCode', () => {
  const accepted: [string, string][] = [
    ['canonical', '482791530640'],
    ['grouped with dashes', '4827-9153-0640'],
    ['Persian digits', '۴۸۲۷-۹۱۵۳-۰۶۴۰'],
    ['Arabic-Indic digits with spaces', '٤٨٢٧ ٩١٥٣ ٠٦٤٠'],
    ['Persian, Arabic-Indic and Latin digits mixed', '۴۸۲۷-٩١٥٣-06۴٠'],
    ['full-width digits and dash', '４８２７－９１５３－０６４０'],
    ['a leading #', '#4827-9153-0640'],
    ['a full-width # and space', '＃ 4827 9153 0640'],
    ['spaces around, a newline from an SMS', '  4827 9153\n0640 \n'],
    ['no-break, thin and ideographic spaces, a tab', '4827\u00A09153\u2009\u3000\t0640'],
    ['en dash, em dash, minus sign', '4827\u20139153\u2014\u22120640'],
    ['non-breaking hyphen, dots, underscores', '4827\u20119153.06_40'],
    ['zero-width space between every digit', [...'482791530640'].join('\u200B')],
    ['ZWNJ, ZWJ, word joiner, BOM, soft hyphen', '\uFEFF4827\u200C9153\u200D06\u206040\u00AD'],
    ['bidi marks and isolates from a right-to-left page', '\u2067\u200F۴۸۲۷-\u200E۹۱۵۳-۰۶۴۰\u061C\u2069'],
    ['O typed for 0, l for 1', '4827-9l53-O64O'],
    ['I typed for 1', '4827-9I53-0640'],
    ['lower-case o for 0', '4827-9153-o640'],
    ['keycap emoji digits', '4️⃣8️⃣2️⃣7️⃣9️⃣1️⃣5️⃣3️⃣0️⃣6️⃣4️⃣0️⃣'],
    ['the two-digit pairs read aloud, written down with spaces', '48 27 91 53 06 40'],
  ];
  it.each(accepted)('accepts %s', (_label, input) => {
    expect(parseTrackingCode(input)).toEqual({ ok: true, code: CODE });
  });

  it.each([
    ['canonical', '4827915306123455'],
    ['in four groups of Persian digits', '۴۸۲۷-۹۱۵۳-۰۶۱۲-۳۴۵۵'],
    ['bidi-isolated as formatted before', '\u2066٤٨٢٧-\u200E٩١٥٣-\u200E٠٦١٢-\u200E٣٤٥٥\u2069'],
  ])('still reads a 16-digit code of the first shape: %s', (_label, input) => {
    expect(parseTrackingCode(input)).toEqual({ ok: true, code: LEGACY });
    expect(parseTrackingCode('4827-9153-0612-3456')).toEqual({ ok: false, reason: 'check_failed' });
  });

  const refused: [string, unknown, string][] = [
    ['an empty string', '', 'empty'],
    ['only spaces', '   \n\t', 'empty'],
    ['only a #', '#', 'empty'],
    ['only dashes and zero-width characters', '-\u200B-\u200C-', 'empty'],
    ['a 1 MB string of digits', '4'.repeat(1_048_576), 'too_long'],
    ['a 1 MB string of zero-width spaces', '\u200B'.repeat(1_048_576), 'too_long'],
    ['257 characters', `${CODE}${' '.repeat(245)}`, 'too_long'],
    ['undefined', undefined, 'not_text'],
    ['null', null, 'not_text'],
    ['a number', 482791530640, 'not_text'],
    ['an object', { code: CODE }, 'not_text'],
    ['an emoji', '😀', 'invalid_character'],
    ['a code with an emoji in it', '4827-9153-064😀', 'invalid_character'],
    ['a Cyrillic О for 0', '4827-9153-\u041E640', 'invalid_character'],
    ['Persian letters', 'کد پیگیری', 'invalid_character'],
    ['Arabic letters around the code', 'رمز ٤٨٢٧٩١٥٣٠٦٤٠', 'invalid_character'],
    ['Devanagari digits', '४८२७९१५३०६४०', 'invalid_character'],
    ['a # in the middle', '4827#9153-0640', 'invalid_character'],
    ['markup', '<script>alert(1)</script>', 'invalid_character'],
    ['SQL', "' OR 1=1 --", 'invalid_character'],
    ['a digit left out', '4827-9153-064', 'wrong_length'],
    ['a digit too many', '4827-9153-06400', 'wrong_length'],
    ['ten digits', '4827-9153-06', 'wrong_length'],
    ['fifteen digits (a legacy code one short)', '4827-9153-0612-345', 'wrong_length'],
    ['a wrong check digit', '4827-9153-0641', 'check_failed'],
    ['seven said for eight (هفت/هشت)', '4727-9153-0640', 'check_failed'],
    ['seven said for nine (سبعة/تسعة)', '4827-7153-0640', 'check_failed'],
  ];
  it.each(refused)('refuses %s', (_label, input, reason) => {
    expect(parseTrackingCode(input)).toEqual({ ok: false, reason });
  });

  it('never throws, and accepts only what is a tracking code once typing noise is taken out (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 300 })), (input) => {
        const parsed = parseTrackingCode(input);
        if (parsed.ok) expect(isTrackingCode(parsed.code)).toBe(true);
        else expect(['empty', 'too_long', 'invalid_character', 'wrong_length', 'check_failed']).toContain(parsed.reason);
      }),
      { numRuns: 3000 },
    );
  });

  it('reads back any code through any mix of digit scripts, separators and invisible characters (property)', () => {
    const noise = fc.constantFrom('', '', '', ' ', '-', '\u2013', '\u00A0', '\u200B', '\u200C', '\u200E', '\u200F', '\u2066', '\u2069', '.', '_');
    const script = fc.constantFrom('0123456789', FA_DIGITS, AR_DIGITS, FULLWIDTH_DIGITS);
    fc.assert(
      fc.property(codeArb, fc.array(fc.tuple(script, noise), { minLength: TRACKING_CODE_LENGTH, maxLength: TRACKING_CODE_LENGTH }), fc.boolean(), (code, dress, hash) => {
        const typed = (hash ? '#' : '') + [...code].map((d, i) => dress[i]![0][Number(d)]! + dress[i]![1]).join('');
        expect(parseTrackingCode(typed)).toEqual({ ok: true, code });
      }),
      { numRuns: 2000 },
    );
  });
});

describe('formatTrackingCode', () => {
  const visible = (text: string) => text.replace(/\p{Cf}/gu, '');

  it('groups the digits in fours, in Latin, Persian or Arabic-Indic digits', () => {
    expect(formatTrackingCode(CODE, { bidi: 'none' })).toBe('4827-9153-0640');
    expect(formatTrackingCode(CODE, { digits: 'arabext', bidi: 'none' })).toBe('۴۸۲۷-۹۱۵۳-۰۶۴۰');
    expect(formatTrackingCode(CODE, { digits: 'arab', bidi: 'none' })).toBe('٤٨٢٧-٩١٥٣-٠٦٤٠');
    // A code of the first shape keeps its four groups.
    expect(formatTrackingCode(LEGACY, { digits: 'arabext', bidi: 'none' })).toBe('۴۸۲۷-۹۱۵۳-۰۶۱۲-۳۴۵۵');
  });

  it('isolates the code left-to-right, with a left-to-right mark after each hyphen, for right-to-left text', () => {
    // Checked with FriBidi: without these, a Persian or Arabic sentence shows the groups last-first.
    expect(formatTrackingCode(CODE, { digits: 'arab' })).toBe('\u2066٤٨٢٧-\u200E٩١٥٣-\u200E٠٦٤٠\u2069');
    expect(formatTrackingCodeFor(CODE, 'fa')).toBe('\u2066۴۸۲۷-\u200E۹۱۵۳-\u200E۰۶۴۰\u2069');
    expect(visible(formatTrackingCodeFor(CODE, 'ar'))).toBe('٤٨٢٧-٩١٥٣-٠٦٤٠');
    // English text needs none, and an English SMS stays in the GSM alphabet.
    expect(formatTrackingCodeFor(CODE, 'en')).toBe('4827-9153-0640');
  });

  it('round-trips every code through every display form and back (property)', () => {
    const systems: DigitSystem[] = ['latn', 'arabext', 'arab'];
    fc.assert(
      fc.property(codeArb, fc.constantFrom(...systems), fc.constantFrom('isolate' as const, 'none' as const), (code, digits, bidi) => {
        const shown = formatTrackingCode(code, { digits, bidi });
        expect(visible(shown)).toMatch(digits === 'latn' ? /^[0-9]{4}(-[0-9]{4}){2}$/ : digits === 'arabext' ? /^[۰-۹]{4}(-[۰-۹]{4}){2}$/ : /^[٠-٩]{4}(-[٠-٩]{4}){2}$/);
        expect(parseTrackingCode(shown)).toEqual({ ok: true, code });
      }),
      { numRuns: 1000 },
    );
    for (const locale of ['fa', 'ar', 'en'] as const) expect(parseTrackingCode(formatTrackingCodeFor(CODE, locale))).toEqual({ ok: true, code: CODE });
  });

  it('refuses to format anything but a canonical code', () => {
    expect(() => formatTrackingCode('4827-9153-0640' as TrackingCode)).toThrow(TypeError);
    expect(() => formatTrackingCode('482791530641' as TrackingCode)).toThrow(TypeError);
    expect(() => formatTrackingCode('4827915306123456' as TrackingCode)).toThrow(TypeError);
  });
});

describe('issueTrackingCode', () => {
  const A = '000000000000' as TrackingCode;
  const sequence = (...codes: TrackingCode[]) => {
    let i = 0;
    return () => codes[i++]!;
  };

  it('stores a fresh code at the first try and hands back what the store returned', async () => {
    const tried: string[] = [];
    const issued = await issueTrackingCode(async (code) => {
      tried.push(code);
      return { id: 7, code };
    });
    expect(issued.attempts).toBe(1);
    expect(isTrackingCode(issued.code)).toBe(true);
    expect(issued.stored).toEqual({ id: 7, code: issued.code });
    expect(tried).toEqual([issued.code]);
  });

  it('tries another code while the unique index reports the code taken', async () => {
    const taken = new Set<string>([A]);
    const tried: string[] = [];
    const issued = await issueTrackingCode(
      async (code) => {
        tried.push(code);
        if (taken.has(code)) return undefined;
        taken.add(code);
        return code;
      },
      { generate: sequence(A, A, CODE) },
    );
    expect(tried).toEqual([A, A, CODE]);
    expect(issued).toEqual({ code: CODE, stored: CODE, attempts: 3 });
  });

  it('gives up with a stable code after maxAttempts rather than looping on a store that always says taken', async () => {
    let calls = 0;
    const attempt = issueTrackingCode(async () => {
      calls++;
      return undefined;
    }, { maxAttempts: 4 });
    await expect(attempt).rejects.toBeInstanceOf(TrackingCodeExhaustedError);
    await expect(attempt).rejects.toMatchObject({ code: 'tracking_code_exhausted' });
    expect(calls).toBe(4);
  });

  it('passes the store’s own errors through without retrying', async () => {
    let calls = 0;
    const failure = new Error('connection lost');
    await expect(issueTrackingCode(async () => {
      calls++;
      throw failure;
    })).rejects.toBe(failure);
    expect(calls).toBe(1);
  });
});
