// The UI messages of one language at a time: the first screen carries none of them; main.tsx
// loads the reader's language before the first render, and a switch of language loads the new
// one before the screen changes (no flash of message keys). React Aria's strings come along.
import type { Language } from '../lib/format.ts';
import type { Messages } from './en.ts';
import { loadReactAriaStrings } from './react-aria-strings.ts';

const IMPORTS: Record<Language, () => Promise<Messages>> = {
  fa: () => import('./fa.ts').then((module) => module.fa),
  ar: () => import('./ar.ts').then((module) => module.ar),
  en: () => import('./en.ts').then((module) => module.en),
};

const loaded = new Map<Language, Messages>();
const loading = new Map<Language, Promise<Messages>>();

/** The messages of a language, fetched once; a failed fetch is tried again on the next call. */
export function loadLanguage(language: Language): Promise<Messages> {
  const ready = loaded.get(language);
  if (ready) return Promise.resolve(ready);
  let pending = loading.get(language);
  if (!pending) {
    pending = Promise.all([IMPORTS[language](), loadReactAriaStrings(language)]).then(([messages]) => {
      loaded.set(language, messages);
      return messages;
    }).finally(() => loading.delete(language));
    loading.set(language, pending);
  }
  return pending;
}

/** The messages of a language if they are here already. */
export function loadedMessages(language: Language): Messages | undefined {
  return loaded.get(language);
}
