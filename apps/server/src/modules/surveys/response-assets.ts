import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { PageAssets } from './response-page.ts';

/**
 * The page's stylesheet and script, read once at start, named by their content hash and served
 * with year-long immutable caching: a respondent's phone fetches them once, and a new release
 * gets new names. Kept gzipped too, since most phones ask for it.
 */
export interface Asset {
  name: string;
  type: string;
  body: Buffer;
  gzipped: Buffer;
}

export const ASSET_PREFIX = '/s/assets/';

function load(file: string, type: string, extension: string): Asset {
  const body = readFileSync(new URL(`./response-page/${file}`, import.meta.url));
  const hash = createHash('sha256').update(body).digest('base64url').slice(0, 12);
  return { name: `survey.${hash}.${extension}`, type, body, gzipped: gzipSync(body, { level: 9 }) };
}

export function loadPageAssets(): { urls: PageAssets; byName: Map<string, Asset> } {
  const css = load('survey.css', 'text/css; charset=utf-8', 'css');
  const js = load('survey.js', 'text/javascript; charset=utf-8', 'js');
  return {
    urls: { css: ASSET_PREFIX + css.name, js: ASSET_PREFIX + js.name },
    byName: new Map([[css.name, css], [js.name, js]]),
  };
}
