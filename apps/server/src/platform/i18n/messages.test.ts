import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { localise, PROBLEM_MESSAGES } from './messages.ts';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [full] : [];
  });
}

describe('problem messages', () => {
  it('has every message in Persian, Arabic and English, translated', () => {
    for (const [code, texts] of Object.entries(PROBLEM_MESSAGES)) {
      for (const locale of ['fa', 'ar', 'en'] as const) expect(texts[locale]?.trim(), `${code}.${locale}`).toBeTruthy();
      expect(texts.fa, code).not.toBe(texts.en);
      expect(texts.ar, code).not.toBe(texts.en);
      expect(/[\u0600-\u06FF]/.test(texts.fa) && /[\u0600-\u06FF]/.test(texts.ar), code).toBe(true);
    }
  });

  it('has a message for every problem code the server can raise', () => {
    const used = new Set<string>();
    for (const file of sources(SRC)) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/new Problem\(\s*\d{3},\s*'([a-z_]+)'/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(10);
    const missing = [...used].filter((code) => !PROBLEM_MESSAGES[code]);
    expect(missing).toEqual([]);
  });

  it('fills placeholders', () => {
    expect(localise('duplicate_customer', 'en', { field: 'phone' })).toBe('Another customer already has this phone.');
  });
});
