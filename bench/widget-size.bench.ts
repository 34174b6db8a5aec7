// Widget size (issue 10): the survey widget's one file (loader and renderer together) as a host
// page downloads it, gzipped at level 9 and at the level the server serves (9 as well), against
// the 10 KB budget; the kiosk page's script and stylesheet beside it. Builds first (esbuild, local).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { buildWidget, DIST_DIR } from '../apps/widget/build.ts';
import { report } from './lib.ts';

const BUDGET = 10 * 1024;
const manifest = await buildWidget();
const sizes = (name: string) => {
  const body = readFileSync(path.join(DIST_DIR, name));
  return { raw: body.length, gzip: gzipSync(body, { level: 9 }).length, brotli: brotliCompressSync(body).length };
};
const widget = sizes(manifest.widget);
report('widget-size', {
  widgetFile: manifest.widget,
  widgetBytes: widget.raw,
  widgetGzipBytes: widget.gzip,
  widgetBrotliBytes: widget.brotli,
  budgetGzipBytes: BUDGET,
  withinBudget: widget.gzip <= BUDGET,
  kioskJsGzipBytes: sizes(manifest.kiosk).gzip,
  kioskCssGzipBytes: sizes(manifest.kioskCss).gzip,
  // The complaint form: its own module, fetched only when a visitor opens it (not in the widget's budget).
  complaintFormGzipBytes: sizes(manifest.complaintForm).gzip,
});
