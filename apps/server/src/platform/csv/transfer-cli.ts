import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import cliProgress from 'cli-progress';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Database } from '../db/connect.ts';
import { Problem } from '../http/problem.ts';
import { localise } from '../i18n/messages.ts';
import { StartupError } from '../startup-error.ts';
import { importErrorsCsv } from './import-report.ts';
import { findImportRun, type ImportProgress } from './import-runs.ts';

/**
 * The command-line side of CSV import and export (`npm run vafa -- import|export …`): finding
 * the workspace, a progress bar on stderr, a summary on stdout, the error report beside the
 * input file. User mistakes end as a StartupError: one line, non-zero exit, no stack trace.
 */
export interface CliWorkspace {
  id: string;
  slug: string;
}

/** The workspace named by --workspace, or the only one there is. */
export async function resolveCliWorkspace(database: Database, slug: string | undefined): Promise<CliWorkspace> {
  if (slug !== undefined) {
    const { rows } = await database.pool.query<CliWorkspace>('SELECT id, slug FROM workspaces WHERE slug = $1', [slug]);
    if (!rows[0]) throw new StartupError(`no workspace with the slug "${slug}"`);
    return rows[0];
  }
  const { rows } = await database.pool.query<CliWorkspace>('SELECT id, slug FROM workspaces ORDER BY created_at LIMIT 2');
  if (rows.length === 0) throw new StartupError('there is no workspace yet: run `npm start` once (or create one) first');
  if (rows.length > 1) throw new StartupError('there are several workspaces: choose one with --workspace SLUG');
  return rows[0]!;
}

/**
 * `--map "CSV header=field"` options → the importer's mapping, checked against its schema; the
 * header may itself hold `=`. `--map "First Name+Last Name=name"` joins columns, in that order,
 * into a field of `joinable`. With a join or `runAutomations` the full form is built
 * ({ columns, joins, runAutomations }); joins left unsaid are then proposed by the importer.
 */
export function parseMapOptions<T>(
  pairs: readonly string[],
  schema: z.ZodType<T>,
  options: { joinable?: readonly string[]; runAutomations?: boolean } = {},
): T {
  const columns: Record<string, string> = {};
  const joins: Record<string, string[]> = {};
  for (const pair of pairs) {
    const at = pair.lastIndexOf('=');
    const header = pair.slice(0, at).trim();
    const field = pair.slice(at + 1).trim();
    if (at < 0 || header.length === 0 || field.length === 0) throw new StartupError(`--map needs "CSV header=field", got "${pair}"`);
    const parts = header.split('+').map((h) => h.trim());
    if (parts.length > 1 && options.joinable?.includes(field)) {
      if (parts.some((h) => h.length === 0)) throw new StartupError(`--map needs "Header+Header=${field}", got "${pair}"`);
      joins[field] = parts;
    } else {
      columns[header] = field;
    }
  }
  const full = Object.keys(joins).length > 0 || options.runAutomations !== undefined;
  const mapping = full
    ? { columns, ...(Object.keys(joins).length > 0 ? { joins } : {}), ...(options.runAutomations !== undefined ? { runAutomations: options.runAutomations } : {}) }
    : columns;
  const parsed = schema.safeParse(mapping);
  if (!parsed.success) throw new StartupError(`--map: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** A refused import as one line: the localised detail plus what each field error says. */
export function problemLine(problem: Problem): string {
  const detail = localise(problem.code, 'en', problem.params);
  const fields = problem.fieldErrors
    .map((e) => `${e.field}: ${e.message === e.code ? e.code : e.message}`)
    .filter((line) => !detail.includes(line.slice(line.indexOf(': ') + 2)));
  return [detail, ...fields].join('; ');
}

const mib = (bytes: number) => (bytes / 1048576).toFixed(1);
const count = (n: number) => n.toLocaleString('en-US');

export interface CliImportRun {
  source: Readable;
  totalBytes: number;
  onProgress: (progress: ImportProgress) => void;
  signal: AbortSignal;
}

/**
 * Runs an import of FILE with a progress bar (bytes read) and prints rows/s, counts, the
 * error report path and peak RSS. Ctrl-C stops after the batch being written; the run then
 * reads as failed (interrupted) and the batches before it stay.
 */
export async function runCliImport(options: {
  database: Database;
  log: Logger;
  file: string;
  workspace: CliWorkspace;
  kind: string;
  run: (input: CliImportRun) => Promise<{ importId: string; progress: ImportProgress }>;
}): Promise<void> {
  const { file } = options;
  const stat = await fs.promises.stat(file).catch(() => {
    throw new StartupError(`cannot read ${file}`);
  });
  if (!stat.isFile()) throw new StartupError(`${file} is not a file`);

  const bar = new cliProgress.SingleBar(
    {
      format: `importing ${options.kind} [{bar}] {percentage}% | {read}/{size} MiB | {rows} rows ({failed} refused) | {rate} rows/s | ETA {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  const rate = (rows: number) => Math.round(rows / Math.max((performance.now() - started) / 1000, 0.001));
  bar.start(stat.size, 0, { read: mib(0), size: mib(stat.size), rows: 0, failed: 0, rate: 0 });

  const controller = new AbortController();
  const interrupt = () => controller.abort();
  process.once('SIGINT', interrupt);
  let result: { importId: string; progress: ImportProgress };
  try {
    result = await options.run({
      source: fs.createReadStream(file),
      totalBytes: stat.size,
      signal: controller.signal,
      onProgress: (p) => bar.update(p.processedBytes, { read: mib(p.processedBytes), size: mib(stat.size), rows: count(p.rowsTotal), failed: count(p.rowsFailed), rate: count(rate(p.rowsTotal)) }),
    });
  } catch (err) {
    bar.stop();
    if (err instanceof Problem) throw new StartupError(`${file}: ${problemLine(err)}`);
    throw err;
  } finally {
    process.removeListener('SIGINT', interrupt);
  }
  bar.stop();

  const { progress, importId } = result;
  const seconds = (performance.now() - started) / 1000;
  // Rows imported with something left out (a dropped tag) are counted by the run, not the progress.
  const warned = (await findImportRun(options.database.db, options.workspace.id, importId))?.rowsWarned ?? 0;
  const lines = [
    `imported ${file} into workspace ${options.workspace.slug} in ${seconds.toFixed(1)} s: ${count(rate(progress.rowsTotal))} rows/s (import ${importId})`,
    `rows: ${count(progress.rowsTotal)} read, ${count(progress.rowsInserted)} created, ${count(progress.rowsUpdated)} updated, ${count(progress.rowsFailed)} refused, ${count(warned)} with warnings`,
  ];
  if (progress.rowsFailed + warned > 0) {
    const report = `${file}.errors.csv`;
    await pipeline(importErrorsCsv(options.database.pool, options.workspace.id, importId, 'en'), fs.createWriteStream(report));
    lines.push(`error report: ${report}`);
  }
  lines.push(`peak RSS: ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Writes an export stream to FILE and says where it went. */
export async function runCliExport(options: { file: string; kind: string; workspace: CliWorkspace; stream: Readable }): Promise<void> {
  const started = performance.now();
  await pipeline(options.stream, fs.createWriteStream(options.file));
  const { size } = await fs.promises.stat(options.file);
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`exported the ${options.kind} of workspace ${options.workspace.slug} to ${options.file} (${mib(size)} MiB in ${seconds.toFixed(1)} s)\n`);
}
