// The UI messages of one language at a time, in two parts (the build splits each language file,
// see i18n/first-screen.ts): what the first screens say, loaded with the language — main.tsx
// waits for it before the first render, and a switch of language loads the new one before the
// screen changes (no flash of message keys) — and the rest, loaded by the routes of every other
// screen (`loadAllMessages` in their loaders) and from then on with each language. React Aria's
// strings come along with the language.
import type { MessageFormatElement } from 'react-intl';
import type { Language } from '../lib/format.ts';
import type { MessageKey } from './en.ts';
import { loadReactAriaStrings } from './react-aria-strings.ts';

type Part = 'first' | 'rest';
/** Messages as the build hands them over: already parsed. */
type Parsed = Record<string, MessageFormatElement[]>;
type Loader = () => Promise<{ default: Parsed }>;

const IMPORTS: Record<Language, Record<Part, Loader>> = {
  fa: { first: () => import('virtual:messages/fa/first'), rest: () => import('virtual:messages/fa/rest') },
  ar: { first: () => import('virtual:messages/ar/first'), rest: () => import('virtual:messages/ar/rest') },
  en: { first: () => import('virtual:messages/en/first'), rest: () => import('virtual:messages/en/rest') },
};

const loaded = new Map<string, Parsed>();
const loading = new Map<string, Promise<void>>();
const listeners = new Set<() => void>();
let version = 0;
/** Whether some screen has needed the rest: then every language loads it too. */
let restWanted = false;
/** The language last asked for, whose rest a route's loader fetches. */
let current: Language | undefined;

function loadPart(language: Language, part: Part): Promise<void> {
  const key = `${language}/${part}`;
  if (loaded.has(key)) return Promise.resolve();
  let pending = loading.get(key);
  if (!pending) {
    pending = IMPORTS[language][part]().then((module) => {
      loaded.set(key, module.default);
      version++;
      listeners.forEach((listener) => listener());
    }).finally(() => loading.delete(key));
    loading.set(key, pending);
  }
  return pending;
}

/** A language's first-screen messages (and the rest once any screen has needed them), and React Aria's strings. */
export async function loadLanguage(language: Language): Promise<void> {
  current = language;
  await Promise.all([loadPart(language, 'first'), restWanted && loadPart(language, 'rest'), loadReactAriaStrings(language)]);
}

/** For the loaders of screens beyond the first: every message of the current language. */
export async function loadAllMessages(): Promise<void> {
  restWanted = true;
  if (current) await loadPart(current, 'rest');
}

/** Whether a language can be shown: its first-screen messages are here. */
export const isLoaded = (language: Language): boolean => loaded.has(`${language}/first`);

/** The messages of a language loaded so far. */
export function messagesOf(language: Language): Partial<Record<MessageKey, MessageFormatElement[]>> {
  return { ...loaded.get(`${language}/first`), ...loaded.get(`${language}/rest`) };
}

/** For useSyncExternalStore: a number that changes whenever more messages arrive. */
export function subscribeMessages(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
export const messagesVersion = (): number => version;
