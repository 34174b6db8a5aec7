import { customType } from 'drizzle-orm/pg-core';

/**
 * The Persian alphabet, each letter with the Arabic forms that sort as it (ي ى ئ as ی, ك as ک,
 * ة ۀ as ه, أ إ ٱ as ا); آ comes first, as in Persian dictionaries. Arabic's own order differs in
 * putting ه before و and آ among the ا words.
 */
const ALPHABET = [
  'ء', 'آ', 'اأإٱ', 'ب', 'پ', 'ت', 'ث', 'ج', 'چ', 'ح', 'خ', 'د', 'ذ', 'ر', 'ز', 'ژ', 'س', 'ش', 'ص', 'ض', 'ط', 'ظ', 'ع', 'غ',
  'ف', 'ق', 'کك', 'گ', 'ل', 'م', 'ن', 'وؤ', 'هةۀەھ', 'یيىئ',
];
const LATIN = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = ['۰۱۲۳۴۵۶۷۸۹', '٠١٢٣٤٥٦٧٨٩'];
/** Marks that do not change where a name sorts: ZWNJ, ZWJ, direction marks, tatweel, harakat. */
const IGNORED = '\u200C\u200D\u200E\u200F\u0640\u064B\u064C\u064D\u064E\u064F\u0650\u0651\u0652\u0654\u0655\u0670';

// Letters become private-use characters in alphabet order, so byte order ("C") is letter order:
// digits, then Persian and Arabic letters, then Latin.
const PERSIAN_BASE = 0xe010;
const LATIN_BASE = 0xe100;

function translation(): { from: string; to: string } {
  let from = '';
  let to = '';
  ALPHABET.forEach((forms, position) => {
    for (const letter of forms) {
      from += letter;
      to += String.fromCodePoint(PERSIAN_BASE + position);
    }
  });
  [...LATIN].forEach((letter, position) => {
    from += letter;
    to += String.fromCodePoint(LATIN_BASE + position);
  });
  for (const digits of DIGITS) {
    from += digits;
    to += '0123456789';
  }
  // translate() drops the characters of `from` that have no counterpart in `to`.
  return { from: from + IGNORED, to };
}

const { from, to } = translation();

/**
 * The SQL of `customers.name_key`: the name as a sort key. A generated column, so every writer
 * (API, import, merge, erasure) keeps it right without knowing it exists. Only immutable
 * functions, as a generated column needs; no quotes can occur in the literals.
 */
export const NAME_KEY_SQL = `nullif(btrim(translate(lower(name), '${from}', '${to}')), '')`;

/** Text compared byte by byte: the sort key's order must not depend on the database's locale. */
export const byteOrderedText = customType<{ data: string; driverData: string }>({
  dataType: () => 'text COLLATE "C"',
});
