import { scoreRange, type Locale, type LocalText, type Question, type ShowIf, type SurveyDefinition } from '@vafa/contracts';
import { Problem, type FieldError } from '../../platform/http/problem.ts';

/**
 * Checks across fields that the SurveyDefinition schema cannot make on its own: ids unique,
 * branching only backwards onto a question it can test, scales that add up, and text in every
 * language the survey lists. Every problem is reported at once, each with its field path, so
 * the builder can mark them all.
 */

const fieldError = (field: string, code: string): FieldError => ({ field, code, message: code });

function hasText(text: LocalText | undefined, language: Locale): boolean {
  return Boolean(text?.[language]?.trim());
}

/** missing_translation for each listed language `text` lacks. */
function translationErrors(text: LocalText | undefined, path: string, languages: readonly Locale[]): FieldError[] {
  return languages.filter((l) => !hasText(text, l)).map((l) => fieldError(`${path}.${l}`, 'missing_translation'));
}

/** Every text a respondent may see in a question, with its path. */
function questionTexts(q: Question, path: string): [LocalText | undefined, string, boolean][] {
  // [text, path, required]: optional texts are checked only when given in some language.
  const texts: [LocalText | undefined, string, boolean][] = [[q.title, `${path}.title`, true], [q.description, `${path}.description`, false]];
  if (q.type === 'single_choice' || q.type === 'multiple_choice') q.options.forEach((o, i) => texts.push([o.label, `${path}.options.${i}.label`, true]));
  if ((q.type === 'csat' || q.type === 'rating') && q.labels) q.labels.forEach((l, i) => texts.push([l, `${path}.labels.${i}`, true]));
  if (q.type === 'rating') texts.push([q.lowLabel, `${path}.lowLabel`, false], [q.highLabel, `${path}.highLabel`, false]);
  return texts;
}

const NUMBER_OPS = new Set<ShowIf['op']>(['lte', 'gte', 'eq', 'neq']);

/** Whether `showIf` can be tested against an answer to `target`. */
function showIfFits(showIf: ShowIf, target: Question): boolean {
  if (showIf.op === 'answered') return showIf.value === undefined;
  const range = scoreRange(target);
  if (range) {
    return NUMBER_OPS.has(showIf.op) && typeof showIf.value === 'number' && showIf.value >= range.min && showIf.value <= range.max;
  }
  if (target.type === 'single_choice' || target.type === 'multiple_choice') {
    if (showIf.op !== 'in' || !Array.isArray(showIf.value) || showIf.value.length === 0) return false;
    const ids = new Set(target.options.map((o) => o.id));
    if (target.allowOther) ids.add('other');
    return showIf.value.every((v) => ids.has(v));
  }
  // text, date and SERVQUAL answers are only tested for being there
  return false;
}

function scaleErrors(q: Question, path: string): FieldError[] {
  if (q.type === 'csat') {
    if ((q.labels !== undefined || q.style === 'labels') && (q.labels?.length ?? 0) !== q.points) return [fieldError(`${path}.labels`, 'labels_count_mismatch')];
  }
  if (q.type === 'rating') {
    if (q.min >= q.max || q.max - q.min + 1 > 11) return [fieldError(`${path}.max`, 'rating_range_invalid')];
    if ((q.labels !== undefined || q.style === 'labels') && (q.labels?.length ?? 0) !== q.max - q.min + 1) return [fieldError(`${path}.labels`, 'labels_count_mismatch')];
  }
  if (q.type === 'single_choice' || q.type === 'multiple_choice') {
    const seen = new Set<string>();
    const errors: FieldError[] = [];
    q.options.forEach((o, i) => {
      if (seen.has(o.id) || (q.allowOther && o.id === 'other')) errors.push(fieldError(`${path}.options.${i}.id`, 'duplicate_option_id'));
      seen.add(o.id);
    });
    if (q.type === 'multiple_choice' && q.maxChoices !== undefined && q.maxChoices > q.options.length + (q.allowOther ? 1 : 0)) {
      errors.push(fieldError(`${path}.maxChoices`, 'max_choices_exceeds_options'));
    }
    return errors;
  }
  return [];
}

/** All cross-field problems of a definition, in the order they appear. */
export function definitionErrors(definition: SurveyDefinition): FieldError[] {
  const errors: FieldError[] = [];
  const { settings } = definition;
  const languages = [...new Set(settings.languages)];
  if (languages.length !== settings.languages.length) errors.push(fieldError('settings.languages', 'duplicate_language'));
  if (!languages.includes(settings.defaultLanguage)) errors.push(fieldError('settings.defaultLanguage', 'default_language_not_listed'));
  if (new Set(settings.hiddenFields).size !== settings.hiddenFields.length) errors.push(fieldError('settings.hiddenFields', 'duplicate_hidden_field'));

  const earlier = new Map<string, Question>();
  const all = new Set(definition.questions.map((q) => q.id));
  definition.questions.forEach((q, i) => {
    const path = `questions.${i}`;
    if (earlier.has(q.id)) errors.push(fieldError(`${path}.id`, 'duplicate_question_id'));
    errors.push(...scaleErrors(q, path));
    if (q.showIf) {
      const target = earlier.get(q.showIf.question);
      if (!target) {
        errors.push(fieldError(`${path}.showIf.question`, all.has(q.showIf.question) ? 'show_if_later_question' : 'show_if_unknown_question'));
      } else if (!showIfFits(q.showIf, target)) {
        errors.push(fieldError(`${path}.showIf`, 'show_if_incompatible'));
      }
    }
    for (const [text, textPath, required] of questionTexts(q, path)) {
      if (required || text !== undefined) errors.push(...translationErrors(text, textPath, languages));
    }
    if (!earlier.has(q.id)) earlier.set(q.id, q);
  });
  if (settings.thankYou) errors.push(...translationErrors(settings.thankYou, 'settings.thankYou', languages));
  return errors;
}

/** 422 with every problem as a field error; the first one names the problem. */
export function assertValidDefinition(definition: SurveyDefinition): void {
  const errors = definitionErrors(definition);
  if (errors.length > 0) throw new Problem(422, errors[0]!.code, {}, errors);
}

/** What a question's answers mean: its type and, for scales, the bounds. */
function meaning(q: Question): string {
  const range = scoreRange(q);
  return range ? `${q.type}:${range.min}-${range.max}` : q.type;
}

/**
 * A question id answered under an earlier version keeps its type and scale, so old answers
 * keep their meaning (a 4 on five points is not a 4 on seven). `published` are the earlier
 * versions' definitions.
 */
export function assertKeepsMeaning(definition: SurveyDefinition, published: readonly SurveyDefinition[]): void {
  const before = new Map<string, Question>();
  for (const version of published) for (const q of version.questions) before.set(q.id, q);
  const errors: FieldError[] = [];
  definition.questions.forEach((q, i) => {
    const old = before.get(q.id);
    if (!old) return;
    if (old.type !== q.type) errors.push(fieldError(`questions.${i}.type`, 'question_type_changed'));
    else if (meaning(old) !== meaning(q)) errors.push(fieldError(`questions.${i}`, 'question_scale_changed'));
  });
  if (errors.length > 0) throw new Problem(422, errors[0]!.code, {}, errors);
}
