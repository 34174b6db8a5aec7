// React Aria ships strings for Arabic and English but none for Persian, so in Persian its
// screen-reader texts and messages (today's cell, "selected", a date segment's name…) fell back
// to English. React Aria reads strings from a window-level table when one is set; ours answers
// each lookup in the current UI language: Persian from react-aria-fa.ts (English where not
// translated there), Arabic and English from React Aria Components' own bundles (a superset of
// React Aria's). Only English is in the first screen's code (it is the fallback and names the
// packages); Persian and Arabic load with their messages (i18n/load.ts). The strings React Aria
// bundles for its 30-odd languages are left out of the build (vite.config.ts): this table
// answers every lookup.
import * as enModule from 'react-aria-components/i18n/en-US';
import type { Language } from '../lib/format.ts';

type Message = string | ((args: Record<string, string>) => string);
export type Bundle = Record<string, Record<string, Message>>;

// The bundles' type declarations describe their default export as a type only; it is an object.
const en = (enModule as unknown as { default: Bundle }).default;

const BUNDLES: Partial<Record<Language, Bundle>> = { en };

/** Fetches React Aria's strings for a language, once; English is always here. */
export async function loadReactAriaStrings(next: Language): Promise<void> {
  if (BUNDLES[next]) return;
  BUNDLES[next] = next === 'fa'
    ? (await import('./react-aria-fa.ts')).fa
    : ((await import('react-aria-components/i18n/ar-AE')) as unknown as { default: Bundle }).default;
}

let language: Language = 'en';

/** Called by the preferences provider whenever the UI language changes. */
export function setReactAriaLanguage(next: Language): void {
  language = next;
}

function lookup(pkg: string, key: string): Message | undefined {
  return BUNDLES[language]?.[pkg]?.[key] ?? en[pkg]?.[key];
}

if (typeof window !== 'undefined') {
  // Every package React Aria asks for must be present (it throws otherwise): all of its bundle's.
  const packages = new Set([...Object.keys(en), '@react-aria/link-preview']);
  const table = Object.fromEntries([...packages].map((pkg) => [pkg, new Proxy({}, { get: (_, key) => (typeof key === 'string' ? lookup(pkg, key) : undefined) })]));
  const slots = window as unknown as Record<symbol, unknown>;
  slots[Symbol.for('react-aria.i18n.locale')] = 'und';
  slots[Symbol.for('react-aria.i18n.strings')] = table;
}
