import { scoreRange, type AnswerValue, type Question, type ShowIf } from '@vafa/contracts';
import type { FieldError } from '../../platform/http/problem.ts';

/**
 * Checks answers against the questions they answer (pure: no database). Every refusal names
 * the question in `answers.<id>` and a stable code, so the page, the widget, the kiosk and the
 * API all say the same thing about the same mistake.
 */

export interface AnswerError extends FieldError {
  params?: Record<string, string | number>;
}

function refuse(questionId: string, code: string, params: Record<string, string | number> = {}): AnswerError {
  return { field: `answers.${questionId}`, code, message: code, params: { question: questionId, ...params } };
}

const SERVQUAL_MIN = 1;
const SERVQUAL_MAX = 9;
// NUL cannot be stored in PostgreSQL text; other C0 controls except tab and newlines are typing noise or an attack.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const FORBIDDEN_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\p{Cs}/u;

function isRealDay(iso: string): boolean {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  if (y < 1850 || y > 2200) return false;
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

const isSkip = (a: AnswerValue): a is { skipped: true } => 'skipped' in a;

/** Normalises one answer (trims text, dedupes nothing silently) or says why it is refused. */
export function checkAnswer(question: Question, answer: AnswerValue): { value: AnswerValue } | { error: AnswerError } {
  const id = question.id;
  if (isSkip(answer)) {
    return question.required ? { error: refuse(id, 'required_answer_missing') } : { value: answer };
  }
  const range = scoreRange(question);
  if (range) {
    if (!('score' in answer)) return { error: refuse(id, 'answer_wrong_type') };
    if (!Number.isInteger(answer.score)) return { error: refuse(id, 'answer_not_integer') };
    if (answer.score < range.min || answer.score > range.max) return { error: refuse(id, 'answer_out_of_range', range) };
    return { value: { score: answer.score } };
  }
  switch (question.type) {
    case 'servqual': {
      if (!('perceived' in answer)) return { error: refuse(id, 'answer_wrong_type') };
      for (const part of [answer.desired, answer.adequate, answer.perceived]) {
        if (!Number.isInteger(part)) return { error: refuse(id, 'answer_not_integer') };
        if (part < SERVQUAL_MIN || part > SERVQUAL_MAX) return { error: refuse(id, 'answer_out_of_range', { min: SERVQUAL_MIN, max: SERVQUAL_MAX }) };
      }
      return { value: { desired: answer.desired, adequate: answer.adequate, perceived: answer.perceived } };
    }
    case 'single_choice':
    case 'multiple_choice': {
      if (!('choices' in answer)) return { error: refuse(id, 'answer_wrong_type') };
      const known = new Set(question.options.map((o) => o.id));
      const choices = [...new Set(answer.choices)];
      const unknown = choices.find((c) => !known.has(c));
      if (unknown !== undefined) return { error: refuse(id, 'answer_unknown_option') };
      const other = answer.other?.trim();
      if (other && !question.allowOther) return { error: refuse(id, 'answer_other_not_allowed') };
      if (other && FORBIDDEN_TEXT.test(other)) return { error: refuse(id, 'answer_invalid_text') };
      const picked = choices.length + (other ? 1 : 0);
      if (picked === 0) return question.required ? { error: refuse(id, 'required_answer_missing') } : { value: { skipped: true } };
      const max = question.type === 'single_choice' ? 1 : (question.maxChoices ?? question.options.length + 1);
      if (picked > max) return { error: refuse(id, 'answer_too_many_choices', { max }) };
      return { value: other ? { choices, other } : { choices } };
    }
    case 'text': {
      if (!('text' in answer)) return { error: refuse(id, 'answer_wrong_type') };
      const text = answer.text.trim();
      if (text.length > question.maxLength) return { error: refuse(id, 'answer_too_long', { max: question.maxLength }) };
      if (FORBIDDEN_TEXT.test(text)) return { error: refuse(id, 'answer_invalid_text') };
      if (text.length === 0) return question.required ? { error: refuse(id, 'required_answer_missing') } : { value: { skipped: true } };
      return { value: { text } };
    }
    case 'date': {
      if (!('date' in answer)) return { error: refuse(id, 'answer_wrong_type') };
      if (!isRealDay(answer.date)) return { error: refuse(id, 'answer_invalid_date') };
      return { value: { date: answer.date } };
    }
    default:
      return { error: refuse(id, 'answer_wrong_type') };
  }
}

function conditionHolds(rule: ShowIf, answer: AnswerValue | undefined): boolean {
  if (!answer || isSkip(answer)) return false;
  if (rule.op === 'answered') return true;
  const value = rule.value;
  if ('score' in answer) {
    const score = answer.score;
    if (typeof value === 'number') {
      switch (rule.op) {
        case 'lte': return score <= value;
        case 'gte': return score >= value;
        case 'eq': return score === value;
        case 'neq': return score !== value;
        default: return false;
      }
    }
    if (Array.isArray(value) && rule.op === 'in') return value.includes(String(score));
    return false;
  }
  if ('choices' in answer && Array.isArray(value)) {
    if (rule.op === 'in' || rule.op === 'eq') return answer.choices.some((c) => value.includes(c));
    if (rule.op === 'neq') return !answer.choices.some((c) => value.includes(c));
  }
  if ('perceived' in answer && typeof value === 'number') {
    switch (rule.op) {
      case 'lte': return answer.perceived <= value;
      case 'gte': return answer.perceived >= value;
      case 'eq': return answer.perceived === value;
      case 'neq': return answer.perceived !== value;
      default: return false;
    }
  }
  return false;
}

/**
 * Which questions the respondent is shown, given the answers so far. A question whose showIf
 * points at a hidden or unanswered question is hidden too (the builder only lets a question
 * depend on an earlier one, so one pass in order settles it).
 */
export function visibleQuestions(questions: Question[], answers: Record<string, AnswerValue>): Set<string> {
  const visible = new Set<string>();
  for (const q of questions) {
    if (!q.showIf) {
      visible.add(q.id);
      continue;
    }
    if (visible.has(q.showIf.question) && conditionHolds(q.showIf, answers[q.showIf.question])) visible.add(q.id);
  }
  return visible;
}

export interface CheckedAnswers {
  /** the answers given now, normalised */
  given: Record<string, AnswerValue>;
  errors: AnswerError[];
}

/** Checks each given answer: known question, shown to the respondent (after merging with what was saved), valid. */
export function checkAnswers(questions: Question[], saved: Record<string, AnswerValue>, given: Record<string, AnswerValue>): CheckedAnswers {
  const byId = new Map(questions.map((q) => [q.id, q]));
  const errors: AnswerError[] = [];
  const normalised: Record<string, AnswerValue> = {};
  for (const [id, answer] of Object.entries(given)) {
    const question = byId.get(id);
    if (!question) {
      errors.push(refuse(id.slice(0, 60), 'unknown_question'));
      continue;
    }
    const checked = checkAnswer(question, answer);
    if ('error' in checked) errors.push(checked.error);
    else normalised[id] = checked.value;
  }
  if (errors.length === 0) {
    const visible = visibleQuestions(questions, { ...saved, ...normalised });
    for (const id of Object.keys(normalised)) if (!visible.has(id)) errors.push(refuse(id, 'answer_to_hidden_question'));
  }
  return { given: normalised, errors };
}

/** The required questions shown to the respondent that have no answer (checked when a response completes). */
export function missingRequired(questions: Question[], answers: Record<string, AnswerValue>): AnswerError[] {
  const visible = visibleQuestions(questions, answers);
  return questions
    .filter((q) => q.required && visible.has(q.id))
    .filter((q) => {
      const a = answers[q.id];
      return !a || isSkip(a);
    })
    .map((q) => refuse(q.id, 'required_answer_missing'));
}
