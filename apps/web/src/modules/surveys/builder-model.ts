// The builder's working copy is a SurveyDefinition (the contract the server saves), changed only
// through these pure functions: add, move, duplicate and remove questions, keep branching
// pointing backwards, keep scale labels as many as the scale's points, and find the texts still
// missing in a language the survey lists. Unit tested in builder-model.test.ts.
import type { ChoiceOption, LocalText, Question, QuestionType, ShowIf, SurveyDefinition } from '@vafa/contracts';
import { scoreRange } from '@vafa/contracts';
import { toLatinDigits, type Language } from '../../lib/format.ts';

export type Definition = SurveyDefinition;
export type Settings = SurveyDefinition['settings'];
export type BranchOp = ShowIf['op'];

/** The order the "add a question" list offers them in: the standard measures first. */
export const QUESTION_TYPES: QuestionType[] = ['nps', 'csat', 'ces', 'rating', 'single_choice', 'multiple_choice', 'text', 'date', 'servqual', 'enps'];

const ID_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A fresh id no question (or option) has: answers are keyed by a question's id across versions,
 * so a deleted question's id is never given to a new one (a counter would hand it out again).
 */
export function newId(prefix: string, taken: Iterable<string>, random: () => number = Math.random): string {
  const used = new Set(taken);
  for (;;) {
    let id = `${prefix}_`;
    for (let i = 0; i < 6; i++) id += ID_CHARS[Math.floor(random() * ID_CHARS.length)];
    if (!used.has(id)) return id;
  }
}

/** Text in one language set (or, when blank, removed, so a language left empty counts as missing). */
export function withText(text: LocalText | undefined, language: Language, value: string): LocalText {
  const next: LocalText = { ...text };
  if (value === '') delete next[language];
  else next[language] = value;
  return next;
}

/** Whether a text has any language filled in (an optional text with none is left out). */
export const hasAnyText = (text: LocalText | undefined): boolean => Boolean(text && (text.fa?.trim() || text.ar?.trim() || text.en?.trim()));

/** An optional text (a description, a caption) with nothing written in any language is left out. */
export const optionalText = (text: LocalText | undefined): LocalText | undefined => (hasAnyText(text) ? text : undefined);

/** The text in `language`, else in the first of `fallbacks` that has it; '' when none has. */
export function pickText(text: LocalText | undefined, language: Language, fallbacks: readonly Language[] = ['fa', 'ar', 'en']): string {
  if (!text) return '';
  for (const l of [language, ...fallbacks]) {
    const value = text[l]?.trim();
    if (value) return value;
  }
  return '';
}

function blankOptions(taken: string[], random?: () => number): ChoiceOption[] {
  const first = newId('opt', taken, random);
  return [{ id: first, label: {} as LocalText }, { id: newId('opt', [...taken, first], random), label: {} as LocalText }];
}

/** A new question of a type with the contract's defaults; its title is `title` (or empty). */
export function blankQuestion(type: QuestionType, id: string, title: LocalText = {} as LocalText, random?: () => number): Question {
  const base = { id, title, required: false };
  switch (type) {
    case 'csat':
      return { ...base, type, points: 5, style: 'faces' };
    case 'rating':
      return { ...base, type, min: 1, max: 5, style: 'numbers' };
    case 'single_choice':
      return { ...base, type, options: blankOptions([], random), allowOther: false };
    case 'multiple_choice':
      return { ...base, type, options: blankOptions([], random), allowOther: false };
    case 'text':
      return { ...base, type, multiline: true, maxLength: 2000 };
    case 'servqual':
      return { ...base, type, dimension: 'reliability' };
    default:
      return { ...base, type };
  }
}

const replaceAt = <T>(list: readonly T[], index: number, item: T): T[] => list.map((x, i) => (i === index ? item : x));

export function updateQuestion(definition: Definition, index: number, question: Question): Definition {
  return { ...definition, questions: replaceAt(definition.questions, index, question) };
}

/** Adds a question at the end (or after `afterIndex`). */
export function addQuestion(definition: Definition, question: Question, afterIndex?: number): Definition {
  const at = afterIndex === undefined ? definition.questions.length : afterIndex + 1;
  const questions = [...definition.questions];
  questions.splice(at, 0, question);
  return { ...definition, questions };
}

/** Moves a question up (-1) or down (+1); a move past either end changes nothing. */
export function moveQuestion(definition: Definition, index: number, delta: -1 | 1): Definition {
  const target = index + delta;
  if (index < 0 || index >= definition.questions.length || target < 0 || target >= definition.questions.length) return definition;
  const questions = [...definition.questions];
  [questions[index], questions[target]] = [questions[target]!, questions[index]!];
  return { ...definition, questions };
}

/** A copy right after the original, with a new id (and the same branching, which still points back). */
export function duplicateQuestion(definition: Definition, index: number, id: string): Definition {
  const original = definition.questions[index];
  if (!original) return definition;
  return addQuestion(definition, structuredClone({ ...original, id }), index);
}

/** The positions of the questions shown only depending on the question `id`. */
export function dependentsOf(definition: Definition, id: string): number[] {
  return definition.questions.flatMap((q, i) => (q.showIf?.question === id ? [i] : []));
}

/** Removes a question; questions that were shown depending on it are shown always again. */
export function removeQuestion(definition: Definition, index: number): Definition {
  const removed = definition.questions[index];
  if (!removed) return definition;
  const questions = definition.questions
    .filter((_, i) => i !== index)
    .map((q) => (q.showIf?.question === removed.id ? withoutShowIf(q) : q));
  return { ...definition, questions };
}

function withoutShowIf(question: Question): Question {
  const { showIf: _dropped, ...rest } = question;
  return rest as Question;
}

export function setShowIf(question: Question, showIf: ShowIf | undefined): Question {
  return showIf ? { ...question, showIf } : withoutShowIf(question);
}

// ------------------------------------------------------------------------------------------
// Branching: "show only if" an EARLIER question's answer matches.

/** The questions a question at `index` may depend on: those before it. */
export function branchTargets(questions: readonly Question[], index: number): Question[] {
  return questions.slice(0, Math.max(0, index));
}

/** What can be asked of an answer to `target`: a score compared, options chosen, or just answered. */
export function branchOps(target: Question): BranchOp[] {
  if (scoreRange(target)) return ['lte', 'gte', 'eq', 'neq', 'answered'];
  if (target.type === 'single_choice' || target.type === 'multiple_choice') return ['in', 'answered'];
  return ['answered'];
}

/** The usual condition on a target: the unhappy end of a scale (NPS ≤ 6, CES ≤ 3), the first option, or answered. */
export function defaultShowIf(target: Question): ShowIf {
  const range = scoreRange(target);
  if (range) {
    const value = target.type === 'nps' || target.type === 'enps' ? 6 : target.type === 'ces' ? 3 : range.min + 1;
    return { question: target.id, op: 'lte', value: Math.min(value, range.max) };
  }
  if ((target.type === 'single_choice' || target.type === 'multiple_choice') && target.options[0]) {
    return { question: target.id, op: 'in', value: [target.options[0].id] };
  }
  return { question: target.id, op: 'answered' };
}

/** A condition with another comparison: the value follows (a number for scales, options for "one of", none for answered). */
export function withOp(showIf: ShowIf, op: BranchOp, target: Question): ShowIf {
  if (op === 'answered') return { question: showIf.question, op };
  if (op === 'in') return { question: showIf.question, op, value: Array.isArray(showIf.value) ? showIf.value : defaultShowIf(target).value };
  const value = typeof showIf.value === 'number' ? showIf.value : (defaultShowIf(target).value as number | undefined) ?? scoreRange(target)?.min ?? 0;
  return { question: showIf.question, op, value };
}

/** Why a condition cannot work as it stands, or undefined when it can (the server checks the same). */
export function branchProblem(questions: readonly Question[], index: number): 'show_if_later_question' | 'show_if_unknown_question' | 'show_if_incompatible' | undefined {
  const showIf = questions[index]?.showIf;
  if (!showIf) return undefined;
  const targetIndex = questions.findIndex((q) => q.id === showIf.question);
  if (targetIndex < 0) return 'show_if_unknown_question';
  if (targetIndex >= index) return 'show_if_later_question';
  const target = questions[targetIndex]!;
  if (!branchOps(target).includes(showIf.op)) return 'show_if_incompatible';
  if (showIf.op === 'answered') return undefined;
  const range = scoreRange(target);
  if (range) return typeof showIf.value === 'number' && showIf.value >= range.min && showIf.value <= range.max ? undefined : 'show_if_incompatible';
  if (target.type === 'single_choice' || target.type === 'multiple_choice') {
    const ids = new Set(target.options.map((o) => o.id));
    if (target.allowOther) ids.add('other');
    return Array.isArray(showIf.value) && showIf.value.length > 0 && showIf.value.every((v) => ids.has(v)) ? undefined : 'show_if_incompatible';
  }
  return 'show_if_incompatible';
}

// ------------------------------------------------------------------------------------------
// Scales

/** How many points a labelled scale has (CSAT 1..points, rating min..max). */
export function scalePoints(question: Question): number {
  const range = scoreRange(question);
  return range ? range.max - range.min + 1 : 0;
}

/**
 * A scale question after its points, bounds or style changed. Verbal labels are needed with the
 * `labels` style (and kept with faces or stars, where screen readers read them out); there is
 * always exactly one per point, kept where they were, new ones empty.
 */
export function withScale<Q extends Extract<Question, { type: 'csat' | 'rating' }>>(question: Q, patch: Partial<Q>): Q {
  const next = { ...question, ...patch };
  if (next.style !== 'labels' && next.labels === undefined) return next;
  const points = scalePoints(next);
  const labels = Array.from({ length: points }, (_, i) => next.labels?.[i] ?? ({} as LocalText));
  return { ...next, labels };
}

// ------------------------------------------------------------------------------------------
// Languages

/** The survey's languages after a change: at least one; the default stays one of them. */
export function withLanguages(settings: Settings, languages: readonly Language[]): Settings {
  if (languages.length === 0) return settings;
  const ordered = (['fa', 'ar', 'en'] as const).filter((l) => languages.includes(l));
  const defaultLanguage = ordered.includes(settings.defaultLanguage) ? settings.defaultLanguage : ordered[0]!;
  return { ...settings, languages: ordered, defaultLanguage };
}

/** A definition's texts kept only in `languages` (a template written in all three, for a survey in fewer). */
export function onlyLanguages<T>(value: T, languages: readonly Language[]): T {
  if (Array.isArray(value)) return value.map((x: unknown) => onlyLanguages(x, languages)) as T;
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  // A LocalText is an object whose keys are all languages.
  const isText = entries.length > 0 && entries.every(([k, v]) => (k === 'fa' || k === 'ar' || k === 'en') && typeof v === 'string');
  if (isText) return Object.fromEntries(entries.filter(([k]) => languages.includes(k as Language))) as T;
  return Object.fromEntries(entries.map(([k, v]) => [k, onlyLanguages(v, languages)])) as T;
}

/** Every text a respondent may see, with its path and whether it must be there at all. */
export function surveyTexts(definition: Definition): { path: string; text: LocalText | undefined; required: boolean }[] {
  const texts: { path: string; text: LocalText | undefined; required: boolean }[] = [];
  definition.questions.forEach((q, i) => {
    const path = `questions.${i}`;
    texts.push({ path: `${path}.title`, text: q.title, required: true }, { path: `${path}.description`, text: q.description, required: false });
    if (q.type === 'single_choice' || q.type === 'multiple_choice') q.options.forEach((o, j) => texts.push({ path: `${path}.options.${j}.label`, text: o.label, required: true }));
    if ((q.type === 'csat' || q.type === 'rating') && q.labels) q.labels.forEach((l, j) => texts.push({ path: `${path}.labels.${j}`, text: l, required: true }));
    if (q.type === 'rating') texts.push({ path: `${path}.lowLabel`, text: q.lowLabel, required: false }, { path: `${path}.highLabel`, text: q.highLabel, required: false });
  });
  texts.push({ path: 'settings.thankYou', text: definition.settings.thankYou, required: false });
  return texts;
}

/**
 * The texts still missing in a listed language: path → languages. A required text must be there
 * in every language; an optional one (a description, a thank-you) only once it is written in any.
 */
export function missingTranslations(definition: Definition): Map<string, Language[]> {
  const missing = new Map<string, Language[]>();
  const languages = definition.settings.languages;
  for (const { path, text, required } of surveyTexts(definition)) {
    if (!required && !hasAnyText(text)) continue;
    const lacking = languages.filter((l) => !text?.[l]?.trim());
    if (lacking.length > 0) missing.set(path, lacking);
  }
  return missing;
}

/** How many texts each listed language still lacks. */
export function missingCounts(definition: Definition): Record<Language, number> {
  const counts: Record<Language, number> = { fa: 0, ar: 0, en: 0 };
  for (const languages of missingTranslations(definition).values()) for (const l of languages) counts[l]++;
  return counts;
}

/** Which question a path is about (`questions.3.title.fa` → 3), if any. */
export function questionIndexOf(path: string): number | undefined {
  const match = /^questions\.(\d+)(?:\.|$)/.exec(path);
  return match ? Number(match[1]) : undefined;
}

/** A whole number typed in any digits, separators allowed; undefined unless it is one. */
export function parseWhole(text: string): number | undefined {
  const latin = toLatinDigits(text).replace(/[\s,٬']/g, '');
  return /^\d{1,9}$/.test(latin) ? Number(latin) : undefined;
}

/** Hidden field names as the link carries them: lowercase letters, digits and _, starting with a letter. */
export const isHiddenFieldName = (name: string): boolean => /^[a-z][a-z0-9_]{0,39}$/.test(name);

/** Two definitions the same? (Unsaved edits: the working copy against what the server holds.) */
export function sameDefinition(a: Definition, b: Definition): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** Keys in one order and absent values dropped, so the same content compares equal however it was built. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, v]) => [k, canonical(v)]));
  }
  return value;
}

/** The definition part of a survey the server sent. */
export function definitionOf(survey: Pick<Definition, 'name' | 'kind' | 'settings' | 'questions'>): Definition {
  return { name: survey.name, kind: survey.kind, settings: survey.settings, questions: survey.questions };
}
