import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { en } from './en.ts';
import { FIRST_SCREEN_PREFIXES, isFirstScreenKey } from './first-screen.ts';

const SRC = path.join(import.meta.dirname, '..');
// What shows before any route beyond the first screens has loaded the rest of the messages: the
// root's gates and shell, sign-in and its two-factor step, the customers list, the shared ui.
// (The two-factor enrolment gate loads the rest with its code, see app/Root.tsx.)
const FIRST_SCREEN_FILES = [
  'app', 'ui', 'lib', 'modules/team/SignInPage.tsx', 'modules/team/SsoButton.tsx', 'modules/team/TwoFactorStep.tsx',
  'modules/customers/CustomersPage.tsx',
];
const messagePrefixes = new Set(Object.keys(en).map((key) => key.slice(0, key.indexOf('.'))));

function sources(entry: string): string[] {
  const full = path.join(SRC, entry);
  if (!fs.statSync(full).isDirectory()) return [full];
  return fs.readdirSync(full).filter((name) => /\.tsx?$/.test(name) && !name.endsWith('.test.ts')).map((name) => path.join(full, name));
}

describe('first-screen messages', () => {
  it('names only prefixes that messages have', () => {
    for (const prefix of FIRST_SCREEN_PREFIXES) expect(messagePrefixes.has(prefix), prefix).toBe(true);
  });

  it('cover every message the first screens use', () => {
    const missing = new Set<string>();
    for (const file of FIRST_SCREEN_FILES.flatMap(sources)) {
      // 'customers.title', `lang.${id}`: a quote, a message prefix and a dot.
      for (const [, prefix] of fs.readFileSync(file, 'utf8').matchAll(/['"`]([a-z][a-zA-Z]*)\./g)) {
        if (prefix && messagePrefixes.has(prefix) && !isFirstScreenKey(`${prefix}.x`)) missing.add(`${prefix} (${path.relative(SRC, file)})`);
      }
    }
    expect([...missing]).toEqual([]);
  });
});
