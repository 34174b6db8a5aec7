import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { en } from './en.ts';
import { MESSAGES, SAME_IN_ALL_LANGUAGES, type MessageKey } from './index.ts';

const keys = Object.keys(en) as MessageKey[];

describe('UI messages', () => {
  it.each(['fa', 'ar'] as const)('%s has every English key and no extra ones', (language) => {
    expect(Object.keys(MESSAGES[language]).sort()).toEqual([...keys].sort());
  });

  it.each(['fa', 'ar'] as const)('%s does not leak English', (language) => {
    const leaked = keys.filter((key) => !SAME_IN_ALL_LANGUAGES.has(key) && MESSAGES[language][key] === en[key]);
    expect(leaked).toEqual([]);
  });

  it.each(['fa', 'ar', 'en'] as const)('every %s message is valid ICU and uses the same arguments as English', (language) => {
    for (const key of keys) {
      const argsOf = (message: string) => [...new Set([...message.matchAll(/\{(\w+)[,}]/g)].map((m) => m[1]))].sort();
      expect(() => new IntlMessageFormat(MESSAGES[language][key], language), key).not.toThrow();
      expect(argsOf(MESSAGES[language][key]), key).toEqual(argsOf(en[key]));
    }
  });

  it('Arabic plurals cover all six CLDR forms', () => {
    const plurals = keys.filter((key) => en[key].includes('plural,'));
    expect(plurals.length).toBeGreaterThan(3);
    for (const key of plurals) {
      for (const form of ['zero', 'one', 'two', 'few', 'many', 'other']) expect(MESSAGES.ar[key], `${key} ${form}`).toMatch(new RegExp(`\\b${form} \\{`));
    }
    const format = (count: number) => new IntlMessageFormat(MESSAGES.ar['timeline.items'], 'ar').format({ count });
    expect(format(2)).toBe('صنفان');
    expect(format(3)).toContain('أصناف');
    expect(format(11)).toContain('صنفًا');
    expect(format(100)).toContain('صنف');
  });

  it('Persian messages use Persian letters, not their Arabic look-alikes', () => {
    for (const key of keys.filter((k) => !SAME_IN_ALL_LANGUAGES.has(k))) expect(MESSAGES.fa[key], key).not.toMatch(/[\u064A\u0643]/);
  });
});
