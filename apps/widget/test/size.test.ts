import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildWidget, DIST_DIR, type WidgetManifest } from '../build.ts';

// The widget's promises to the sites that embed it, checked on the real build: at most 10 KB
// gzipped (loader and renderer are one file), nothing fetched from elsewhere, nothing a strict
// Content-Security-Policy would block.
const BUDGET_GZIPPED = 10 * 1024;

let manifest: WidgetManifest;
let widget: string;
let kiosk: string;
let complaintForm: string;

beforeAll(async () => {
  manifest = await buildWidget();
  widget = readFileSync(path.join(DIST_DIR, manifest.widget), 'utf8');
  kiosk = readFileSync(path.join(DIST_DIR, manifest.kiosk), 'utf8');
  complaintForm = readFileSync(path.join(DIST_DIR, manifest.complaintForm), 'utf8');
});

describe('widget bundle', () => {
  it('is at most 10 KB gzipped', () => {
    const gzipped = gzipSync(widget, { level: 9 }).length;
    expect(gzipped).toBeGreaterThan(1000);
    expect(gzipped).toBeLessThanOrEqual(BUDGET_GZIPPED);
  });

  it('is named by its content', () => {
    expect(manifest.widget).toMatch(/^widget\.[0-9a-f]{12}\.js$/);
    expect(manifest.kiosk).toMatch(/^kiosk\.[0-9a-f]{12}\.js$/);
    expect(manifest.kioskCss).toMatch(/^kiosk\.[0-9a-f]{12}\.css$/);
    expect(manifest.complaintForm).toMatch(/^complaint\.[0-9a-f]{12}\.js$/);
  });

  // The complaint form is not in the widget: it is imported, by its content-hashed name, from the
  // server the widget came from, only when a visitor opens it; and it stays small itself.
  it('imports the complaint form by name from its own server, and the form is at most 6 KB gzipped', () => {
    expect(widget).toContain(`/widget/v1/${manifest.complaintForm}`);
    expect(widget).not.toContain('vc-title');
    expect(complaintForm).toMatch(/export\s*\{[^}]*openComplaintForm/);
    expect(gzipSync(complaintForm, { level: 9 }).length).toBeLessThanOrEqual(6 * 1024);
  });

  it.each([
    ['a style attribute', /setAttribute\(\s*["'`]style/],
    ['style.cssText', /\.cssText\b/],
    ['an injected <style> or <script>', /createElement\(\s*["'`](style|script|link|iframe)["'`]/],
    ['markup from strings', /\.(innerHTML|outerHTML|insertAdjacentHTML)\b|document\.write/],
    ['eval or new Function', /\beval\(|new Function\(/],
    ['a constructed stylesheet', /CSSStyleSheet|adoptedStyleSheets/],
  ])('contains no %s (blocked by a strict CSP)', (_name, pattern) => {
    expect(widget).not.toMatch(pattern);
    expect(kiosk).not.toMatch(pattern);
    expect(complaintForm).not.toMatch(pattern);
  });

  it('names no server but its own (only the SVG namespace)', () => {
    const urls = [...widget.matchAll(/https?:\/\/[^\s"'`)]+/g)].map((m) => m[0]);
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg']));
    expect([...complaintForm.matchAll(/https?:\/\/[^\s"'`)]+/g)]).toEqual([]);
  });
});
