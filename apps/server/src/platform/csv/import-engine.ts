import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Database, Executor } from '../db/connect.ts';
import { CsvFileError, type CsvRecords } from './csv-reader.ts';
import { formatCsvLine, stripFormulaGuard } from './csv-writer.ts';
import {
  INTERRUPTED, beatImportRun, copyRejectedRows, finishImportRun, markImportRunning, recordImportProgress,
  type ImportProgress, type RejectedRow, type RowProblem,
} from './import-runs.ts';

/** Who runs an import: a signed-in user, an API key, or the command line (`system:cli`). */
export interface ImportActor {
  kind: string;
  id: string;
}

export const actorLabel = (actor: ImportActor) => `${actor.kind}:${actor.id}`;

export interface ImportedRow {
  /** the row's line in a spreadsheet: the header is row 1 */
  rowNumber: number;
  /** what was left out of an imported row (severity `warning`); reported beside the refused rows */
  warnings?: RowProblem[] | null;
}

export interface BatchOutcome {
  inserted: number;
  updated: number;
  /** rows the database refused (say, a phone that belongs to one customer and an e-mail to another) */
  rejected: { rowNumber: number; problems: RowProblem[] }[];
}

/** What one kind of import (customers, orders) plugs into the engine. */
export interface CsvImporter<Row extends ImportedRow> {
  /** once, on the import's own connection, before the first batch (temp staging tables live there) */
  prepareConnection?(client: pg.PoolClient): Promise<void>;
  /** a record → the row to write, what is wrong with it, or null when it holds nothing at all */
  readRow(cells: string[], rowNumber: number): Row | RowProblem[] | null;
  /**
   * Writes a batch inside the batch's transaction: raw on `client` (COPY), or through `tx`, the
   * same transaction for drizzle and the modules' services. Must be safe to run again after a
   * rollback.
   */
  writeBatch(client: pg.PoolClient, rows: Row[], tx: Executor): Promise<BatchOutcome>;
  /** the table a large run fills, analysed afterwards */
  table?: 'customers' | 'orders';
  /** in the transaction that marks the run succeeded: say, one summary event */
  onSucceeded?(tx: Executor, progress: ImportProgress): Promise<void>;
}

export interface RunCsvImportOptions<Row extends ImportedRow> {
  database: Database;
  tenantId: string;
  importId: string;
  csv: CsvRecords;
  importer: CsvImporter<Row>;
  totalBytes: number;
  batchSize?: number;
  onProgress?: (progress: ImportProgress) => void;
  /** aborting stops after the batch being written; the run ends failed (interrupted) */
  signal?: AbortSignal;
  log?: Logger;
}

export const DEFAULT_BATCH_SIZE = 5000;
/**
 * Judging rows is synchronous work; the batch being written meanwhile needs the event loop to
 * hear back from PostgreSQL between its statements. Yielding every few hundred rows keeps both
 * busy instead of letting each statement's answer wait for a long run of parsing.
 */
const ROWS_BETWEEN_YIELDS = 200;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
const HEARTBEAT_MS = 30_000;
// Worth retrying: another writer took a phone between our match and our insert, or a deadlock.
const TRANSIENT = new Set(['23505', '40001', '40P01']);
const MAX_ATTEMPTS = 3;

interface Batch<Row> {
  rows: Row[];
  cells: string[][];
  rejected: RejectedRow[];
  /** rows among `rows` that carry warnings */
  warned: number;
  bytesRead: number;
}

/** Why a run failed, as the people reading the import's status will see it. */
function failureText(err: unknown): string {
  if (err instanceof CsvFileError) return `invalid CSV: ${err.reason}`;
  return err instanceof Error ? err.message : String(err);
}

/**
 * Runs one CSV import to the end: reads records as they stream, asks the importer to judge
 * each row, and writes batches on one connection, each batch in one transaction together with
 * its rejected rows and the run's progress — so a crash leaves whole batches only, and the
 * progress any process reads matches what committed. The next batch is read and judged while
 * the database writes the previous one; at most two batches are ever held in memory.
 */
export async function runCsvImport<Row extends ImportedRow>(options: RunCsvImportOptions<Row>): Promise<ImportProgress> {
  const { database, tenantId, importId, csv, importer } = options;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const width = csv.header.length;
  const totals: ImportProgress = { processedBytes: 0, totalBytes: options.totalBytes, rowsTotal: 0, rowsInserted: 0, rowsUpdated: 0, rowsFailed: 0 };

  await markImportRunning(database.db, tenantId, importId);
  const heartbeat = setInterval(() => {
    beatImportRun(database.db, tenantId, importId).catch((err: unknown) => options.log?.warn({ err, importId }, 'import heartbeat failed'));
  }, HEARTBEAT_MS);
  heartbeat.unref();

  let client: pg.PoolClient | undefined;
  try {
    client = await database.pool.connect();
    await importer.prepareConnection?.(client);
    const connection = client;

    const db = drizzle(connection);

    const writeBatch = async (batch: Batch<Row>): Promise<void> => {
      for (let attempt = 1; ; attempt++) {
        try {
          const next = await db.transaction(async (tx) => {
            const outcome: BatchOutcome = batch.rows.length > 0 ? await importer.writeBatch(connection, batch.rows, tx) : { inserted: 0, updated: 0, rejected: [] };
            const rejected = batch.rejected.slice();
            const warned: RejectedRow[] = [];
            if (outcome.rejected.length > 0 || batch.warned > 0) {
              const refusedNow = new Map(outcome.rejected.map((r) => [r.rowNumber, r.problems]));
              batch.rows.forEach((row, i) => {
                const refusal = refusedNow.get(row.rowNumber);
                if (!refusal && !row.warnings?.length) return;
                const raw = formatCsvLine(batch.cells[i]!, csv.delimiter);
                // A row refused by the database keeps its warnings in the same report line.
                if (refusal) rejected.push({ rowNumber: row.rowNumber, raw, problems: [...refusal, ...(row.warnings ?? [])] });
                else warned.push({ rowNumber: row.rowNumber, raw, problems: row.warnings! });
              });
            }
            await copyRejectedRows(connection, tenantId, importId, [...rejected, ...warned].sort((a, b) => a.rowNumber - b.rowNumber));
            const progress: ImportProgress = {
              processedBytes: batch.bytesRead,
              totalBytes: Math.max(options.totalBytes, batch.bytesRead),
              rowsTotal: totals.rowsTotal + batch.rows.length + batch.rejected.length,
              rowsInserted: totals.rowsInserted + outcome.inserted,
              rowsUpdated: totals.rowsUpdated + outcome.updated,
              rowsFailed: totals.rowsFailed + rejected.length,
            };
            await recordImportProgress(connection, tenantId, importId, progress);
            return progress;
          });
          Object.assign(totals, next);
          options.onProgress?.({ ...totals });
          return;
        } catch (err) {
          const code = sqlStateOf(err);
          if (attempt >= MAX_ATTEMPTS || !code || !TRANSIENT.has(code)) throw err;
          options.log?.info({ importId, code, attempt }, 'import batch collided with another writer; retrying');
        }
      }
    };

    let batch: Batch<Row> = { rows: [], cells: [], rejected: [], warned: 0, bytesRead: 0 };
    let inFlight: Promise<void> | undefined;
    let rowNumber = 1;
    for (let records = await csv.nextRecords(); records !== null; records = await csv.nextRecords()) {
      for (const cells of records) {
        rowNumber++;
        if (rowNumber % ROWS_BETWEEN_YIELDS === 0 && inFlight) await yieldToEventLoop();
        const problems = checkCells(cells, width);
        const judged = problems ?? importer.readRow(cells, rowNumber);
        if (judged === null) continue;
        if (Array.isArray(judged)) {
          batch.rejected.push({ rowNumber, raw: formatCsvLine(cells, csv.delimiter), problems: judged });
        } else {
          batch.rows.push(judged);
          batch.cells.push(cells);
          if (judged.warnings?.length) batch.warned++;
        }
        if (batch.rows.length + batch.rejected.length >= batchSize) {
          batch.bytesRead = csv.bytesRead();
          if (inFlight) await inFlight;
          if (options.signal?.aborted) throw new ImportInterrupted();
          inFlight = writeBatch(batch);
          // Awaited before the next batch or at the end; this only keeps the rejection handled meanwhile.
          inFlight.catch(() => undefined);
          batch = { rows: [], cells: [], rejected: [], warned: 0, bytesRead: 0 };
        }
      }
    }
    if (inFlight) await inFlight;
    batch.bytesRead = csv.bytesRead();
    await writeBatch(batch);

    await database.db.transaction(async (tx) => {
      await finishImportRun(tx, tenantId, importId, { status: 'succeeded' });
      await importer.onSucceeded?.(tx, totals);
    });
    // A bulk load leaves the planner's statistics stale until autovacuum notices; searches
    // right after a large import would pick bad plans meanwhile.
    if (totals.rowsInserted + totals.rowsUpdated >= 10_000 && importer.table) {
      await database.pool.query(`ANALYZE ${importer.table}`).catch((err: unknown) => options.log?.warn({ err }, 'analyze after import failed'));
    }
    return totals;
  } catch (err) {
    const interrupted = err instanceof ImportInterrupted;
    if (!interrupted && !(err instanceof CsvFileError)) options.log?.error({ err, importId }, 'import failed');
    await finishImportRun(database.db, tenantId, importId, { status: 'failed', error: interrupted ? INTERRUPTED : failureText(err) }).catch(
      (finishErr: unknown) => options.log?.error({ err: finishErr, importId }, 'could not mark the import failed'),
    );
    throw err;
  } finally {
    clearInterval(heartbeat);
    csv.close();
    // The connection carries this import's temp tables; a fresh one is cheaper than cleaning up.
    client?.release(true);
  }
}

/** The SQLSTATE of a failed statement, looking through drizzle's error wrapper. */
function sqlStateOf(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export class ImportInterrupted extends Error {
  constructor() {
    super(INTERRUPTED);
    this.name = 'ImportInterrupted';
  }
}

/**
 * Generic row checks before the importer sees the cells: NUL characters (PostgreSQL text
 * cannot hold them) and cells beyond the header. Also undoes the apostrophe our exports put
 * before formula-like cells, so an exported file reads back unchanged.
 */
function checkCells(cells: string[], width: number): RowProblem[] | null {
  let problems: RowProblem[] | null = null;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i]!;
    if (cell.length === 0) continue;
    if (cell.charCodeAt(0) === 39) cells[i] = stripFormulaGuard(cell);
    if (cell.includes('\u0000')) (problems ??= []).push({ field: 'row', code: 'invalid_encoding' });
    else if (i >= width && cell.trim().length > 0) (problems ??= []).push({ field: 'row', code: 'too_many_columns' });
  }
  return problems && problems.length > 0 ? dedupeProblems(problems) : null;
}

function dedupeProblems(problems: RowProblem[]): RowProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.field}:${p.code}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
