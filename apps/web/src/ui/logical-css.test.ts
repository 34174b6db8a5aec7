// Mirroring is free only if no style names a physical side: CSS uses logical properties
// (margin-inline-start, inset-inline-end, text-align: start…) and inline styles do too.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '..');
function filesUnder(dir: string, ext: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full, ext) : ext.test(entry.name) ? [full] : [];
  });
}

describe('styles use logical properties only', () => {
  it('no CSS file names left or right', () => {
    const offences = filesUnder(SRC, /\.css$/).flatMap((file) => {
      const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
      return text.split('\n').flatMap((line, i) => (/\b(left|right)\b/i.test(line) ? [`${path.relative(SRC, file)}:${i + 1}: ${line.trim()}`] : []));
    });
    expect(offences).toEqual([]);
  });

  it('no inline style in a component names left or right', () => {
    const offences = filesUnder(SRC, /\.tsx$/).flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return [...text.matchAll(/\b(margin|padding|border|inset)(Left|Right)\b|\b(left|right)\s*:|textAlign:\s*'(left|right)'|float:\s*'(left|right)'/g)].map((m) => `${path.relative(SRC, file)}: ${m[0]}`);
    });
    expect(offences).toEqual([]);
  });
});
