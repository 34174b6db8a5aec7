import { sql } from 'drizzle-orm';
import type pg from 'pg';
import type { ImportView } from '@vafa/contracts';
import type { Executor } from '../db/connect.ts';
import { copyRows, copyValue } from './copy-text.ts';

/**
 * The bookkeeping of CSV import runs (tables `imports` and `import_errors`): status, progress
 * and rejected rows, readable from any process. Knows nothing of what is imported.
 */
export type ImportRunStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface ImportRun {
  id: string;
  kind: string;
  status: ImportRunStatus;
  fileName: string;
  mapping: Record<string, string>;
  joins: Record<string, string[]>;
  platform: string | null;
  runAutomations: boolean;
  totalBytes: number;
  processedBytes: number;
  rowsTotal: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsFailed: number;
  rowsWarned: number;
  error: string | null;
  createdBy: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface RowProblem {
  field: string;
  code: string;
  /** a warning: the row was imported without the value named (a refused row's problems have none) */
  severity?: 'warning';
}

export interface RejectedRow {
  rowNumber: number;
  raw: string;
  problems: RowProblem[];
}

export interface ImportProgress {
  processedBytes: number;
  totalBytes: number;
  rowsTotal: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsFailed: number;
}

/** A run that has not beaten for this long was cut off (its process died) and reads as failed. */
export const STALE_AFTER_SECONDS = 120;
export const INTERRUPTED = 'interrupted: the import stopped without finishing (the process ended); whole batches before that point were kept';

// The stored status is what the importing process last wrote; a silent `running` or a `queued`
// that never started is reported as failed so no one waits for it forever.
const RUN_COLUMNS = sql`
  id, kind,
  CASE WHEN status IN ('running', 'queued') AND coalesce(heartbeat_at, created_at) < now() - make_interval(secs => ${STALE_AFTER_SECONDS})
       THEN 'failed' ELSE status END AS status,
  CASE WHEN status IN ('running', 'queued') AND coalesce(heartbeat_at, created_at) < now() - make_interval(secs => ${STALE_AFTER_SECONDS})
       THEN ${INTERRUPTED} ELSE error END AS error,
  file_name, mapping, total_bytes, processed_bytes, rows_total, rows_inserted, rows_updated, rows_failed,
  created_by, created_at, started_at, finished_at,
  (SELECT count(*)::int FROM import_errors e
   WHERE e.tenant_id = imports.tenant_id AND e.import_id = imports.id
     AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(e.problems) p WHERE p ->> 'severity' IS DISTINCT FROM 'warning')) AS rows_warned`;

/**
 * How an import read its file, as the `mapping` column stores it: every header's field, the
 * joined columns, the shop export recognised and the automations choice. Runs from before
 * joins stored the header → field record alone, which still reads.
 */
export interface StoredMapping {
  columns: Record<string, string>;
  joins: Record<string, string[]>;
  platform: string | null;
  runAutomations: boolean;
}

function readStoredMapping(raw: unknown): StoredMapping {
  const value = (raw ?? {}) as Record<string, unknown>;
  if (typeof value.columns === 'object' && value.columns !== null) {
    return {
      columns: value.columns as Record<string, string>,
      joins: (value.joins ?? {}) as Record<string, string[]>,
      platform: typeof value.platform === 'string' ? value.platform : null,
      runAutomations: value.runAutomations === true,
    };
  }
  return { columns: value as Record<string, string>, joins: {}, platform: null, runAutomations: false };
}

/**
 * The stored mapping as the upload code passes it on. The upload helper types what it stores as
 * a header → field record; the run reads the full form back (readStoredMapping), so it is only
 * carried, never read, in between.
 */
export function carriedMapping(mapping: StoredMapping): Record<string, string> {
  return mapping as unknown as Record<string, string>;
}

type RawRun = {
  id: string;
  kind: string;
  status: ImportRunStatus;
  error: string | null;
  file_name: string;
  mapping: unknown;
  total_bytes: number;
  processed_bytes: number;
  rows_total: number;
  rows_inserted: number;
  rows_updated: number;
  rows_failed: number;
  rows_warned: number;
  created_by: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
};

function toRun(r: RawRun): ImportRun {
  const stored = readStoredMapping(r.mapping);
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    fileName: r.file_name,
    mapping: stored.columns,
    joins: stored.joins,
    platform: stored.platform,
    runAutomations: stored.runAutomations,
    totalBytes: Number(r.total_bytes),
    processedBytes: Number(r.processed_bytes),
    rowsTotal: r.rows_total,
    rowsInserted: r.rows_inserted,
    rowsUpdated: r.rows_updated,
    rowsFailed: r.rows_failed,
    rowsWarned: r.rows_warned,
    error: r.error,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at),
    startedAt: r.started_at ? new Date(r.started_at) : null,
    finishedAt: r.finished_at ? new Date(r.finished_at) : null,
  };
}

export async function createImportRun(
  db: Executor,
  tenantId: string,
  run: { id: string; kind: string; fileName: string; mapping: Record<string, string> | StoredMapping; totalBytes: number; createdBy: string | null },
): Promise<ImportRun> {
  const { rows } = await db.execute<RawRun>(sql`
    INSERT INTO imports (tenant_id, id, kind, status, file_name, mapping, total_bytes, created_by)
    VALUES (${tenantId}, ${run.id}, ${run.kind}, 'queued', ${run.fileName}, ${JSON.stringify(run.mapping)}::jsonb, ${run.totalBytes}, ${run.createdBy})
    RETURNING ${RUN_COLUMNS}`);
  return toRun(rows[0]!);
}

export async function findImportRun(db: Executor, tenantId: string, id: string): Promise<ImportRun | undefined> {
  const { rows } = await db.execute<RawRun>(sql`SELECT ${RUN_COLUMNS} FROM imports WHERE tenant_id = ${tenantId} AND id = ${id}`);
  return rows[0] ? toRun(rows[0]) : undefined;
}

/** Newest first (ids are uuid v7), continuing after `beforeId`. */
export async function listImportRuns(db: Executor, tenantId: string, page: { beforeId?: string | undefined; limit: number }): Promise<ImportRun[]> {
  const { rows } = await db.execute<RawRun>(sql`
    SELECT ${RUN_COLUMNS} FROM imports
    WHERE tenant_id = ${tenantId} ${page.beforeId ? sql`AND id < ${page.beforeId}` : sql``}
    ORDER BY id DESC LIMIT ${page.limit}`);
  return rows.map(toRun);
}

export async function markImportRunning(db: Executor, tenantId: string, id: string): Promise<void> {
  await db.execute(sql`
    UPDATE imports SET status = 'running', started_at = now(), heartbeat_at = now()
    WHERE tenant_id = ${tenantId} AND id = ${id}`);
}

export async function beatImportRun(db: Executor, tenantId: string, id: string): Promise<void> {
  await db.execute(sql`UPDATE imports SET heartbeat_at = now() WHERE tenant_id = ${tenantId} AND id = ${id} AND status = 'running'`);
}

export async function finishImportRun(db: Executor, tenantId: string, id: string, outcome: { status: 'succeeded' | 'failed'; error?: string }): Promise<void> {
  await db.execute(sql`
    UPDATE imports SET status = ${outcome.status}, error = ${outcome.error ?? null}, finished_at = now(), heartbeat_at = now()
    WHERE tenant_id = ${tenantId} AND id = ${id}`);
}

/** Progress after a batch, written in the batch's own transaction so counts match what committed. */
export async function recordImportProgress(client: pg.PoolClient, tenantId: string, id: string, progress: ImportProgress): Promise<void> {
  await client.query(
    `UPDATE imports SET processed_bytes = $3, total_bytes = greatest(total_bytes, $4), rows_total = $5, rows_inserted = $6,
            rows_updated = $7, rows_failed = $8, heartbeat_at = now()
     WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id, progress.processedBytes, progress.totalBytes, progress.rowsTotal, progress.rowsInserted, progress.rowsUpdated, progress.rowsFailed],
  );
}

export async function copyRejectedRows(client: pg.PoolClient, tenantId: string, importId: string, rows: RejectedRow[]): Promise<void> {
  if (rows.length === 0) return;
  let payload = '';
  for (const row of rows) {
    payload += `${tenantId}\t${importId}\t${row.rowNumber}\t${copyValue(row.raw)}\t${copyValue(JSON.stringify(row.problems))}\n`;
  }
  await copyRows(client, 'COPY import_errors (tenant_id, import_id, row_number, raw, problems) FROM STDIN', payload);
}

export interface ImportErrorRow {
  row_number: number;
  raw: string;
  problems: RowProblem[];
}

/** The rejected rows of a run in row order, for a cursor (pg-query-stream) to stream. */
export function importErrorsQuery(tenantId: string, importId: string): { text: string; values: unknown[] } {
  return {
    text: 'SELECT row_number, raw, problems FROM import_errors WHERE tenant_id = $1 AND import_id = $2 ORDER BY row_number',
    values: [tenantId, importId],
  };
}

/** A run as the API shows it (the `Import` schema of the contracts). */
export function presentImportRun(run: ImportRun) {
  return {
    id: run.id,
    kind: run.kind as 'customers' | 'orders',
    status: run.status,
    fileName: run.fileName,
    mapping: run.mapping,
    joins: run.joins,
    platform: run.platform as ImportView['platform'],
    runAutomations: run.runAutomations,
    totalBytes: run.totalBytes,
    processedBytes: run.processedBytes,
    rowsTotal: run.rowsTotal,
    rowsInserted: run.rowsInserted,
    rowsUpdated: run.rowsUpdated,
    rowsFailed: run.rowsFailed,
    rowsWarned: run.rowsWarned,
    error: run.error,
    createdBy: run.createdBy,
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}
