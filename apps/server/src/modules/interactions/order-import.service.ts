import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import type { OrderImportMapping } from '@vafa/contracts';
import { CsvFileError, openCsv } from '../../platform/csv/csv-reader.ts';
import { invalidCsv } from '../../platform/csv/csv-upload.ts';
import { actorLabel, runCsvImport, type BatchOutcome, type CsvImporter, type ImportActor } from '../../platform/csv/import-engine.ts';
import { createImportRun, finishImportRun, type ImportProgress, type RowProblem, type StoredMapping } from '../../platform/csv/import-runs.ts';
import type { Database } from '../../platform/db/connect.ts';
import { publishEvent } from '../../platform/events/outbox.ts';
import { Problem } from '../../platform/http/problem.ts';
import { CALENDARS, type CalendarId } from '../../platform/i18n/calendar.ts';
import { workspaceSettings } from '../workspace/index.ts';
import { planOrderColumns, type OrderColumns } from './order-import.mapping.ts';
import { orderRowReader, type OrderImportRow } from './order-import.rows.ts';
import { recordOrdersBulk, type OrderRecordOutcome } from './order-ingest.service.ts';

export interface ImportOrdersOptions {
  database: Database;
  tenantId: string;
  actor: ImportActor;
  source: Readable;
  fileName: string;
  totalBytes: number;
  mapping: OrderImportMapping;
  onProgress?: (progress: ImportProgress) => void;
  /** a run the API already created (queued); without it one is created here */
  importId?: string;
  signal?: AbortSignal;
  log?: Logger;
}

/** Orders are written through the interactions service in chunks it takes in one set-based write. */
const ORDER_BATCH_SIZE = 500;

/** What an orders run stores as its mapping; orders never run automations. */
export function storedOrderMapping(columns: OrderColumns): StoredMapping {
  return { columns: columns.effective, joins: columns.joins, platform: null, runAutomations: false };
}

export function planOrderImport(header: readonly string[], mapping: OrderImportMapping): OrderColumns {
  return planOrderColumns(header, mapping);
}

/** What a refusal of the interactions service means for the row, in the file's own field names. */
function rowProblems(problem: Problem): RowProblem[] {
  if (problem.fieldErrors.length === 0) return [{ field: 'customer', code: problem.code }];
  return problem.fieldErrors.map((e) => ({ field: e.field.replace(/^customer\./, 'customer_').replace(/^order\./, ''), code: e.code }));
}

/** The orders kind of CSV import: each row becomes its placed/delivered/returned touchpoints. */
export function orderImporter(columns: OrderColumns, context: { defaultCountry: string; localCalendar: CalendarId; timeZone: string }, tenantId: string, importId: string): CsvImporter<OrderImportRow> {
  return {
    readRow: orderRowReader(columns, context),
    async writeBatch(_client, rows, tx): Promise<BatchOutcome> {
      // Old orders are history: no events, so automations do not greet last year's buyers.
      const outcomes: OrderRecordOutcome[] = await recordOrdersBulk(tx, tenantId, rows, { source: `import:${importId}`, publishEvents: false });
      let inserted = 0;
      let updated = 0;
      const rejected: BatchOutcome['rejected'] = [];
      outcomes.forEach((outcome, i) => {
        if (outcome.status === 'created') inserted++;
        else if (outcome.status === 'rejected') rejected.push({ rowNumber: rows[i]!.rowNumber, problems: rowProblems(outcome.problem) });
        else updated++;
      });
      return { inserted, updated, rejected };
    },
    async onSucceeded(tx, progress) {
      await publishEvent(tx, tenantId, 'orders.imported', {
        importId, rowsInserted: progress.rowsInserted, rowsUpdated: progress.rowsUpdated, rowsFailed: progress.rowsFailed,
      });
    },
  };
}

/**
 * Imports orders from a CSV stream (API in the background, or the command line): orders are
 * created or completed with their touchpoints, customers found by id, external id, phone or
 * e-mail (created when none matches), and the customers' order count and spend recomputed.
 * Re-importing a file changes nothing.
 */
export async function importOrders(options: ImportOrdersOptions): Promise<{ importId: string; progress: ImportProgress }> {
  const { database, tenantId } = options;
  let started = false;
  try {
    const csv = await openCsv(options.source).catch((err: unknown) => {
      throw err instanceof CsvFileError ? invalidCsv(err.reason) : err;
    });
    let columns: OrderColumns;
    try {
      columns = planOrderImport(csv.header, options.mapping);
    } catch (err) {
      csv.close();
      throw err;
    }
    const settings = await workspaceSettings(database.db, tenantId);
    const importId =
      options.importId ??
      (
        await createImportRun(database.db, tenantId, {
          id: uuidv7(), kind: 'orders', fileName: options.fileName, mapping: storedOrderMapping(columns), totalBytes: options.totalBytes,
          createdBy: actorLabel(options.actor),
        })
      ).id;
    const localCalendar = (CALENDARS as readonly string[]).includes(settings.calendar) ? (settings.calendar as CalendarId) : 'persian';
    started = true;
    const progress = await runCsvImport({
      database,
      tenantId,
      importId,
      csv,
      importer: orderImporter(columns, { defaultCountry: settings.defaultCountry, localCalendar, timeZone: settings.timeZone }, tenantId, importId),
      totalBytes: options.totalBytes,
      batchSize: ORDER_BATCH_SIZE,
      onProgress: options.onProgress,
      signal: options.signal,
      log: options.log,
    });
    return { importId, progress };
  } catch (err) {
    // A run the API queued must not stay queued when it cannot start; once started, the engine records how it ended.
    if (options.importId && !started) {
      const error = err instanceof Problem ? String(err.params.reason ?? err.code) : err instanceof Error ? err.message : String(err);
      await finishImportRun(database.db, tenantId, options.importId, { status: 'failed', error });
    }
    throw err;
  }
}
