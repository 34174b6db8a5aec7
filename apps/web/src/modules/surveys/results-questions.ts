// Which of a survey's results are scores (tiles, trend, breakdown) and which are SERVQUAL items.
import type { QuestionResult } from './results-api.ts';

export type ScoredQuestion = Extract<QuestionResult, { type: 'nps' | 'enps' | 'csat' | 'ces' | 'rating' }>;
export type ServqualQuestion = Extract<QuestionResult, { type: 'servqual' }>;
export type ChoiceQuestion = Extract<QuestionResult, { type: 'single_choice' | 'multiple_choice' }>;

export const isScored = (q: QuestionResult): q is ScoredQuestion => q.type === 'nps' || q.type === 'enps' || q.type === 'csat' || q.type === 'ces' || q.type === 'rating';
export const isServqual = (q: QuestionResult): q is ServqualQuestion => q.type === 'servqual';
export const isChoice = (q: QuestionResult): q is ChoiceQuestion => q.type === 'single_choice' || q.type === 'multiple_choice';
