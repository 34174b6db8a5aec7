import type { AnswerValue, WidgetQuestion } from '@vafa/contracts';

/**
 * Whether a question with `showIf` is shown, given the answers so far (the same rule the server
 * applies in response.validate.ts, for the one or two questions a widget or kiosk asks).
 */
export function isShown(q: WidgetQuestion, answers: Record<string, AnswerValue>): boolean {
  const rule = q.showIf;
  if (!rule) return true;
  const answer = answers[rule.question];
  if (!answer || 'skipped' in answer) return false;
  if (rule.op === 'answered') return true;
  const value = rule.value;
  if ('score' in answer) {
    const score = answer.score;
    if (typeof value === 'number') {
      if (rule.op === 'lte') return score <= value;
      if (rule.op === 'gte') return score >= value;
      if (rule.op === 'eq') return score === value;
      if (rule.op === 'neq') return score !== value;
      return false;
    }
    return Array.isArray(value) && rule.op === 'in' && value.includes(String(score));
  }
  if ('choices' in answer && Array.isArray(value)) {
    const hit = answer.choices.some((c) => value.includes(c));
    if (rule.op === 'in' || rule.op === 'eq') return hit;
    if (rule.op === 'neq') return !hit;
  }
  return false;
}
