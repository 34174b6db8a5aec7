// Builds the widget bundle and the kiosk page's script and stylesheet into apps/widget/dist,
// each under a content-hashed name, with manifest.json naming them. The server builds when the
// output is missing or older than the sources (like the web app), and serves the files from
// memory; `npm run build -w apps/widget` does the same by hand. esbuild is local: no network.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const WIDGET_DIR = path.dirname(fileURLToPath(import.meta.url));
export const DIST_DIR = path.join(WIDGET_DIR, 'dist');
const MANIFEST = path.join(DIST_DIR, 'manifest.json');

/** File names (in dist/) of the current build. */
export interface WidgetManifest {
  widget: string;
  kiosk: string;
  kioskCss: string;
  /** the widget's complaint form: an ES module the widget imports when a visitor opens it (its name is built into the widget) */
  complaintForm: string;
  /** files the kiosk stylesheet refers to by relative URL (its font) */
  assets: string[];
}

// What host pages run: browsers since 2020-21 (Safari 15: esbuild cannot work around older Safaris' destructuring bug) (the widget must not break an older phone's page).
const TARGET = ['es2019', 'chrome80', 'firefox78', 'safari15'];
const ENTRIES = { widget: 'src/widget.ts', kiosk: 'src/kiosk.ts', kioskCss: 'src/kiosk.css' } as const;
const COMPLAINT_FORM_ENTRY = 'src/complaint-form.ts';

function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

export function readWidgetManifest(): WidgetManifest | undefined {
  if (!existsSync(MANIFEST)) return undefined;
  const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as WidgetManifest;
  return [manifest.widget, manifest.kiosk, manifest.kioskCss, manifest.complaintForm, ...(manifest.assets ?? [])].every((file) => file && existsSync(path.join(DIST_DIR, file))) ? manifest : undefined;
}

/** Code the bundles take from the contracts package (types alone change no output). */
const SHARED_CODE = [path.join(WIDGET_DIR, '..', '..', 'packages', 'contracts', 'src', 'proof-of-work.ts')];

/** Whether dist/ is missing a file or older than the sources and this script. */
export function widgetBuildIsStale(): boolean {
  if (!readWidgetManifest()) return true;
  const built = statSync(MANIFEST).mtimeMs;
  const shared = SHARED_CODE.map((file) => statSync(file).mtimeMs);
  return Math.max(newestMtime(path.join(WIDGET_DIR, 'src')), statSync(fileURLToPath(import.meta.url)).mtimeMs, ...shared) > built;
}

/** Writes a file by rename, so a server reading dist/ while another process builds never sees half of it. */
function writeAtomically(file: string, contents: string | Uint8Array): void {
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temp, contents);
  renameSync(temp, file);
}

const contentName = (base: string, ext: string, contents: Uint8Array) => `${base}.${createHash('sha256').update(contents).digest('hex').slice(0, 12)}${ext}`;

/** Builds every entry, minified, and names each file by its content. */
export async function buildWidget(): Promise<WidgetManifest> {
  const esbuild = await import('esbuild');
  // The complaint form first: a separate ES module, so the widget stays within its size budget
  // and loads the form (with import(), which a strict CSP's nonce and 'strict-dynamic' allow) only when asked.
  const form = await esbuild.build({
    absWorkingDir: WIDGET_DIR,
    entryPoints: [COMPLAINT_FORM_ENTRY],
    bundle: true,
    minify: true,
    format: 'esm',
    target: TARGET,
    charset: 'utf8',
    legalComments: 'none',
    write: false,
    outdir: 'out',
    logLevel: 'silent',
  });
  const formOutput = form.outputFiles[0]!;
  const complaintForm = contentName('complaint', '.js', formOutput.contents);
  const result = await esbuild.build({
    absWorkingDir: WIDGET_DIR,
    entryPoints: Object.values(ENTRIES),
    bundle: true,
    minify: true,
    format: 'iife',
    target: TARGET,
    charset: 'utf8',
    legalComments: 'none',
    write: false,
    outdir: 'out',
    // The kiosk's font keeps esbuild's content hash in its name; the stylesheet names it relatively.
    loader: { '.woff2': 'file' },
    assetNames: 'font.[hash]',
    define: { __VAFA_COMPLAINT_FORM__: JSON.stringify(complaintForm) },
    // Every browser the widget targets has import(); esbuild's es2019 does not know that.
    supported: { 'dynamic-import': true },
    logLevel: 'silent',
  });
  mkdirSync(DIST_DIR, { recursive: true });
  writeAtomically(path.join(DIST_DIR, complaintForm), formOutput.contents);
  const names: Partial<WidgetManifest> = { assets: [], complaintForm };
  for (const output of result.outputFiles.filter((f) => path.basename(f.path).startsWith('font.'))) {
    const name = path.basename(output.path);
    writeAtomically(path.join(DIST_DIR, name), output.contents);
    names.assets!.push(name);
  }
  for (const [key, entry] of Object.entries(ENTRIES) as [Exclude<keyof WidgetManifest, 'assets' | 'complaintForm'>, string][]) {
    const ext = path.extname(entry) === '.css' ? '.css' : '.js';
    const base = path.basename(entry, path.extname(entry));
    const output = result.outputFiles.find((f) => path.basename(f.path) === `${base}${ext}`);
    if (!output) throw new Error(`esbuild produced no output for ${entry}`);
    const hash = createHash('sha256').update(output.contents).digest('hex').slice(0, 12);
    const name = `${base}.${hash}${ext}`;
    writeAtomically(path.join(DIST_DIR, name), output.contents);
    names[key] = name;
  }
  const manifest = names as WidgetManifest;
  writeAtomically(MANIFEST, JSON.stringify(manifest, null, 2));
  // Earlier builds' files: a hashed name is immutable, but nothing refers to the old ones now.
  const current = new Set(['manifest.json', manifest.widget, manifest.kiosk, manifest.kioskCss, manifest.complaintForm, ...manifest.assets]);
  for (const file of readdirSync(DIST_DIR)) {
    if (!current.has(file) && !file.endsWith('.tmp')) {
      try {
        unlinkSync(path.join(DIST_DIR, file));
      } catch {
        /* another build removed it first */
      }
    }
  }
  return manifest;
}

/** The current build, building first when stale; an existing build is used when esbuild is absent. */
export async function ensureWidgetBuild(): Promise<WidgetManifest> {
  if (!widgetBuildIsStale()) return readWidgetManifest()!;
  try {
    return await buildWidget();
  } catch (err) {
    const existing = readWidgetManifest();
    if (existing && (err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') return existing;
    throw err;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const manifest = await buildWidget();
  process.stdout.write(`${JSON.stringify(manifest)}\n`);
}
