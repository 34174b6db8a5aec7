import type { Question } from '@vafa/contracts';
import { npsCategory } from './nps.ts';
import { cesDisagrees, isBottomTwo } from './scales.ts';

/**
 * Which answers are a negative experience to follow up at once (REFERENCE.md §6): an NPS
 * detractor (0–6), a CSAT in the bottom two boxes of its own scale (of a 2-point scale only the
 * lower one), a CES 2.0 of 3 or lower (disagreeing that it was easy). eNPS is about the workplace,
 * not a customer to call back.
 */
export function negativeSignal(question: Question, score: number): 'nps' | 'csat' | 'ces' | undefined {
  switch (question.type) {
    case 'nps':
      return npsCategory(score) === 'detractor' ? 'nps' : undefined;
    case 'csat':
      return isBottomTwo(score, 1, question.points ?? 5) ? 'csat' : undefined;
    case 'ces':
      return cesDisagrees(score) ? 'ces' : undefined;
    default:
      return undefined;
  }
}
