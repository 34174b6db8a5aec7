import { foldForSearch } from '../../platform/i18n/fold.ts';
import { STOP_WORDS } from './themes.stopwords.ts';

/**
 * Frequent terms and 2–3-word phrases of free-text answers (pure; the themes job feeds it).
 * Words are compared by their folded key (letters, digits, diacritics, case: platform/i18n/fold),
 * so «كيفيت» and «کیفیت» are one term; ZWNJ joins a word, and the Persian verb prefix «می/نمی»
 * or plural suffix «ها/های» typed as a separate word is joined back, so «می خواهم» meets
 * «می‌خواهم»; a phrase is keyed without its spaces, so «بسته بندی» meets «بسته‌بندی». Phrases
 * never span a stop word. A term counts once per answer.
 */
export interface Theme {
  /** the most frequent spelling as people wrote it */
  term: string;
  words: number;
  count: number;
  /** ids of answers containing it, most recent first */
  examples: string[];
}

const PREFIXES = new Set(['می', 'نمی'].map((w) => foldForSearch(w)));
const SUFFIXES = new Set(['ها', 'های', 'هایی', 'تر', 'ترین'].map((w) => foldForSearch(w)));
const TOKEN = /[\p{L}\p{M}\p{N}\u200C]+/gu;

interface Token {
  key: string;
  surface: string;
}

export function tokenize(text: string): Token[] {
  const raw = (text.normalize('NFC').match(TOKEN) ?? []).map((surface) => ({ surface: surface.replace(/^\u200C+|\u200C+$/g, ''), key: foldForSearch(surface) }));
  const out: Token[] = [];
  for (let i = 0; i < raw.length; i++) {
    const t = raw[i]!;
    if (!t.key) continue;
    const next = raw[i + 1];
    if (PREFIXES.has(t.key) && next?.key) {
      out.push({ key: t.key + next.key, surface: `${t.surface}\u200C${next.surface}` });
      i++;
    } else if (SUFFIXES.has(t.key) && out.length > 0) {
      const prev = out[out.length - 1]!;
      out[out.length - 1] = { key: prev.key + t.key, surface: `${prev.surface}\u200C${t.surface}` };
    } else out.push(t);
  }
  return out;
}

/** A word worth counting: not a stop word, not a lone letter, not a bare number of one digit. */
const meaningful = (key: string) => key.length >= 2 && !STOP_WORDS.has(key);

/** The 1–3-word n-grams of one answer, by key, with the surface each was written as. */
export function termsOf(text: string): Map<string, { surface: string; words: number }> {
  const terms = new Map<string, { surface: string; words: number }>();
  let run: Token[] = [];
  const flush = () => {
    for (let n = 1; n <= 3; n++) {
      for (let i = 0; i + n <= run.length; i++) {
        const gram = run.slice(i, i + n);
        // joined without spaces, so «بسته بندی», «بسته‌بندی» and «بستهبندی» are one term
        const key = gram.map((t) => t.key).join('');
        if (!terms.has(key)) terms.set(key, { surface: gram.map((t) => t.surface).join(' '), words: n });
      }
    }
    run = [];
  };
  for (const t of tokenize(text)) {
    if (meaningful(t.key)) run.push(t);
    else flush();
  }
  flush();
  return terms;
}

export interface TextAnswer {
  responseId: string;
  text: string;
}

/**
 * Themes of answers given most recent first: terms in at least `minCount` answers, the most
 * frequent first (longer phrases first on ties), at most `limit`. Terms found in exactly the
 * same answers are one theme (their examples are the same answers): a sentence repeated in two
 * answers gives its first longest phrase, not every word and window of it.
 */
export function themesOf(answers: readonly TextAnswer[], { limit = 40, minCount = 2, examples = 3 } = {}): Theme[] {
  const stats = new Map<string, { words: number; position: number; answers: string[]; surfaces: Map<string, { n: number; words: number }> }>();
  for (const a of answers) {
    let position = 0;
    for (const [key, t] of termsOf(a.text)) {
      let s = stats.get(key);
      if (!s) stats.set(key, (s = { words: t.words, position, answers: [], surfaces: new Map() }));
      position++;
      s.answers.push(a.responseId);
      s.surfaces.set(t.surface, { n: (s.surfaces.get(t.surface)?.n ?? 0) + 1, words: t.words });
    }
  }
  const frequent = [...stats.entries()]
    .filter(([, s]) => s.answers.length >= minCount)
    // the preferred spelling of a group first: longest, then earliest in its first answer
    .sort(([, a], [, b]) => b.words - a.words || a.position - b.position);
  const seen = new Set<string>();
  const themes: (Theme & { key: string })[] = [];
  for (const [key, s] of frequent) {
    const group = s.answers.join(',');
    if (seen.has(group)) continue;
    seen.add(group);
    const [term, surface] = [...s.surfaces.entries()].sort((x, y) => y[1].n - x[1].n || x[0].localeCompare(y[0]))[0]!;
    themes.push({ key, term, words: surface.words, count: s.answers.length, examples: s.answers.slice(0, examples) });
  }
  return themes
    .sort((a, b) => b.count - a.count || b.words - a.words || a.key.localeCompare(b.key))
    .slice(0, limit)
    .map(({ key: _key, ...theme }) => theme);
}
