import type { Language } from '../lib/format.ts';
import { ar } from './ar.ts';
import { en, type MessageKey, type Messages } from './en.ts';
import { fa } from './fa.ts';

export type { MessageKey, Messages };
export const MESSAGES: Record<Language, Messages> = { fa, ar, en };

/** Values that are the same in every language on purpose (brand names, acronyms, symbols). */
export const SAME_IN_ALL_LANGUAGES: ReadonlySet<MessageKey> = new Set<MessageKey>([
  'lang.fa', 'lang.ar', 'lang.en', 'common.none',
  // A condition read out: field, comparison and value, each already in the reader's language.
  'automations.describe.attribute', 'automations.describe.event',
  // a 95 % interval's margin: the sign and a number in the reader's digits
  'surveys.results.plusMinus',
]);
