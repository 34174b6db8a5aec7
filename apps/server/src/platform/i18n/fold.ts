import { toAsciiDigits } from './digits.ts';

/**
 * Folds text to a search key so that the ways Persian and Arabic users type the same word
 * meet (REFERENCE.md §8): ي/ى → ی, ك → ک, ۀ/ہ/ة → ه, hamza-above and harakat dropped,
 * tatweel dropped, Persian and Arabic-Indic digits → ASCII, case folded. ZWNJ and spaces are
 * removed, so "می‌خواهم", "می خواهم" and "میخواهم" meet. Used for search keys only; stored and
 * displayed text keeps its spelling.
 */
const LETTERS: Record<string, string> = {
  '\u064A': '\u06CC', // Arabic yeh → Farsi yeh
  '\u0649': '\u06CC', // alef maksura → Farsi yeh
  '\u0626': '\u06CC', // yeh with hamza above → yeh
  '\u0643': '\u06A9', // Arabic kaf → keheh
  '\u06C0': '\u0647', // heh with yeh above → heh
  '\u06C1': '\u0647', // heh goal → heh
  '\u0629': '\u0647', // teh marbuta → heh
  '\u0623': '\u0627', // alef with hamza above → alef
  '\u0625': '\u0627', // alef with hamza below → alef
  '\u0622': '\u0627', // alef with madda → alef
  '\u0671': '\u0627', // alef wasla → alef
  '\u0624': '\u0648', // waw with hamza above → waw
};

const DROP = /[\u064B-\u065F\u0670\u0640\u200C\u200E\u200F\u2066-\u2069\s]|\u200D/g;
const LETTER_VARIANTS = /[\u064A\u0649\u0626\u0643\u06C0\u06C1\u0629\u0623\u0625\u0622\u0671\u0624]/g;

export function foldForSearch(text: string): string {
  return toAsciiDigits(text.normalize('NFC'))
    .toLowerCase()
    .replace(LETTER_VARIANTS, (c) => LETTERS[c] ?? c)
    .replace(DROP, '');
}
