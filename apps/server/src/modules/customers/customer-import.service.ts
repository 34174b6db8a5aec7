import type { Readable } from 'node:stream';
import type pg from 'pg';
import type { Logger } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import type { CustomerImportMapping } from '@vafa/contracts';
import { copyTextArray, copyValue } from '../../platform/csv/copy-text.ts';
import { CsvFileError, openCsv } from '../../platform/csv/csv-reader.ts';
import { invalidCsv } from '../../platform/csv/csv-upload.ts';
import { actorLabel, runCsvImport, type BatchOutcome, type CsvImporter, type ImportActor } from '../../platform/csv/import-engine.ts';
import { createImportRun, finishImportRun, type ImportProgress, type RowProblem, type StoredMapping } from '../../platform/csv/import-runs.ts';
import type { Database, Executor } from '../../platform/db/connect.ts';
import { publishEvent, publishEvents } from '../../platform/events/outbox.ts';
import { Problem } from '../../platform/http/problem.ts';
import { CALENDARS, type CalendarId } from '../../platform/i18n/calendar.ts';
import { workspaceSettings } from '../workspace/index.ts';
import { attributeDefinitionsOf } from './customer-attribute.service.ts';
import { planCustomerColumns, type CustomerColumns } from './customer-import.mapping.ts';
import * as repo from './customer-import.repo.ts';
import { customerRowReader, laterRowWins, type CustomerImportRow } from './customer-import.rows.ts';
import { buildSearchText } from './customer.search-text.ts';

export interface ImportCustomersOptions {
  database: Database;
  tenantId: string;
  actor: ImportActor;
  source: Readable;
  fileName: string;
  totalBytes: number;
  mapping: CustomerImportMapping;
  onProgress?: (progress: ImportProgress) => void;
  /** a run the API already created (queued); without it one is created here */
  importId?: string;
  signal?: AbortSignal;
  log?: Logger;
  batchSize?: number;
}

export interface ImportResult {
  importId: string;
  progress: ImportProgress;
}

/** The workspace's calendar as the importer reads years below 1700 in. */
function localCalendarOf(calendar: string): CalendarId {
  return (CALENDARS as readonly string[]).includes(calendar) ? (calendar as CalendarId) : 'persian';
}

/** What a customers run stores as its mapping: the columns, joins, recognised shop and automations choice. */
export function storedCustomerMapping(columns: CustomerColumns): StoredMapping {
  return { columns: columns.effective, joins: columns.joins, platform: columns.platform, runAutomations: columns.runAutomations };
}

/**
 * Checks a customers file's header against the mapping before anything is written: the API
 * refuses a bad upload with a 4xx this way. Returns the columns the import will read.
 */
export async function planCustomerImport(db: Executor, tenantId: string, header: readonly string[], mapping: CustomerImportMapping): Promise<CustomerColumns> {
  return planCustomerColumns(header, mapping, await attributeDefinitionsOf(db, tenantId));
}

/**
 * Imports customers from a CSV stream, for the API (in the background) and the command line:
 * rows whose id, external id, phone or e-mail match a live customer update it, the others
 * create customers; bad rows go to the run's error report. Memory stays bounded by two batches
 * whatever the file size.
 */
export async function importCustomers(options: ImportCustomersOptions): Promise<ImportResult> {
  const { database, tenantId } = options;
  let importId = options.importId;
  let started = false;
  try {
    const csv = await openCsv(options.source).catch((err: unknown) => {
      throw err instanceof CsvFileError ? invalidCsv(err.reason) : err;
    });
    let columns: CustomerColumns;
    try {
      columns = await planCustomerImport(database.db, tenantId, csv.header, options.mapping);
    } catch (err) {
      csv.close();
      throw err;
    }
    const settings = await workspaceSettings(database.db, tenantId);
    importId ??= (
      await createImportRun(database.db, tenantId, {
        id: uuidv7(),
        kind: 'customers',
        fileName: options.fileName,
        mapping: storedCustomerMapping(columns),
        totalBytes: options.totalBytes,
        createdBy: actorLabel(options.actor),
      })
    ).id;
    const runId = importId;
    const importer = customerImporter(columns, { defaultCountry: settings.defaultCountry, localCalendar: localCalendarOf(settings.calendar) }, options.actor, tenantId, runId);
    started = true;
    const progress = await runCsvImport({
      database,
      tenantId,
      importId: runId,
      csv,
      importer,
      totalBytes: options.totalBytes,
      batchSize: options.batchSize,
      onProgress: options.onProgress,
      signal: options.signal,
      log: options.log,
    });
    return { importId: runId, progress };
  } catch (err) {
    // A run the API queued must not stay queued when it cannot start; once started, the engine records how it ended.
    if (options.importId && !started) {
      const error = err instanceof Problem ? String(err.params.reason ?? err.code) : err instanceof Error ? err.message : String(err);
      await finishImportRun(database.db, tenantId, options.importId, { status: 'failed', error });
    }
    throw err;
  }
}

interface CollapsedBatch {
  groups: CustomerImportRow[];
  /** group row number (its latest row) → every row of the file that went into it, for groups of more than one row */
  members: Map<number, number[]>;
  rejected: BatchOutcome['rejected'];
}

function identityKeys(row: CustomerImportRow): [string, string][] {
  const keys: [string, string][] = [];
  if (row.givenId !== null) keys.push(['id', `i${row.givenId}`]);
  if (row.externalId !== null) keys.push(['external_id', `x${row.externalId}`]);
  if (row.phone !== null) keys.push(['phone', `p${row.phone}`]);
  if (row.email !== null) keys.push(['email', `e${row.email}`]);
  return keys;
}

/**
 * Folds rows of one batch that share an id, external id, phone or e-mail into one, the later
 * row's values winning. A row whose keys lead to two different earlier rows is refused: the
 * file says those are two people.
 */
function collapseBatch(rows: CustomerImportRow[], defaultCountry: string): CollapsedBatch {
  const groups: CustomerImportRow[] = [];
  const members = new Map<number, number[]>();
  const rejected: BatchOutcome['rejected'] = [];
  const owner = new Map<string, number>();
  for (const row of rows) {
    const keys = identityKeys(row);
    let target = -1;
    let clash: string | undefined;
    for (const [field, key] of keys) {
      const group = owner.get(key);
      if (group === undefined) continue;
      if (target === -1) target = group;
      else if (group !== target) {
        clash = field;
        break;
      }
    }
    if (clash !== undefined) {
      rejected.push({ rowNumber: row.rowNumber, problems: [{ field: clash, code: 'duplicate_customer' }] });
      continue;
    }
    let index = target;
    if (index === -1) {
      index = groups.push(row) - 1;
    } else {
      const earlier = groups[index]!;
      groups[index] = laterRowWins(earlier, row, defaultCountry);
      const list = members.get(earlier.rowNumber) ?? [earlier.rowNumber];
      members.delete(earlier.rowNumber);
      list.push(row.rowNumber);
      members.set(row.rowNumber, list);
    }
    for (const [, key] of identityKeys(groups[index]!)) owner.set(key, index);
  }
  return { groups, members, rejected };
}

function stageLine(row: CustomerImportRow): string {
  // Phone, e-mail, dates, language and channel are validated to hold no tab, newline or backslash.
  return `${row.rowNumber}\t${row.givenId ?? '\\N'}\t${uuidv7()}\t${copyValue(row.externalId)}\t${copyValue(row.name)}\t${row.phone ?? '\\N'}\t${
    row.email ?? '\\N'}\t${row.birthday ?? '\\N'}\t${row.birthdayCalendar ?? '\\N'}\t${row.language ?? '\\N'}\t${row.preferredChannel ?? '\\N'}\t${
    copyTextArray(row.tags)}\t${row.consent ? copyValue(JSON.stringify(row.consent)) : '\\N'}\t${
    row.attributes ? copyValue(JSON.stringify(row.attributes)) : '\\N'}\t${copyValue(row.searchText)}\n`;
}

const CONFLICT_PROBLEM: Record<string, RowProblem> = {
  external_id: { field: 'external_id', code: 'duplicate_customer' },
  phone: { field: 'phone', code: 'duplicate_customer' },
  email: { field: 'email', code: 'duplicate_customer' },
  customer_erased: { field: 'id', code: 'customer_erased' },
  customer_merged: { field: 'id', code: 'customer_merged' },
};

/** The customers kind of CSV import, for the generic engine. */
export function customerImporter(
  columns: CustomerColumns,
  context: { defaultCountry: string; localCalendar: CalendarId },
  actor: ImportActor,
  tenantId: string,
  importId: string,
): CsvImporter<CustomerImportRow> {
  const actorId = actorLabel(actor);
  const hasConsent = columns.consent.length > 0;
  return {
    prepareConnection: (client) => repo.createCustomerStage(client),
    readRow: customerRowReader(columns, context),
    async writeBatch(client: pg.PoolClient, rows: CustomerImportRow[], tx: Executor): Promise<BatchOutcome> {
      const { groups, members, rejected } = collapseBatch(rows, context.defaultCountry);
      let payload = '';
      for (const group of groups) payload += stageLine(group);
      await repo.stageCustomers(client, payload);

      const at = new Date().toISOString();
      const matches = await repo.matchStagedCustomers(client, tenantId);
      const targets = new Set<string>();
      let sharedTarget = false;
      for (const { rowNumber, targetId, conflict } of matches) {
        if (conflict === null) {
          sharedTarget ||= targets.has(targetId);
          targets.add(targetId);
          continue;
        }
        const problem = CONFLICT_PROBLEM[conflict] ?? { field: 'row', code: conflict };
        for (const member of members.get(rowNumber) ?? [rowNumber]) rejected.push({ rowNumber: member, problems: [problem] });
      }
      const passes = targets.size === 0 ? 0 : sharedTarget ? await repo.rankStagedMatches(client) : 1;
      for (let pass = 1; pass <= passes; pass++) {
        if (hasConsent) await repo.recordStagedConsent(client, tenantId, pass, at, actorId);
        const stale = await repo.applyStagedUpdates(client, tenantId, pass, at);
        // Before the next pass, which may keep this search text as it finds it.
        await repo.setSearchTexts(client, tenantId, stale.map((c) => ({ id: c.id, searchText: buildSearchText(c, context.defaultCountry) })));
      }
      const inserted = groups.length - matches.length > 0 ? await repo.insertStagedCustomers(client, tenantId, at) : 0;
      if (hasConsent && inserted > 0) await repo.recordStagedConsent(client, tenantId, 0, at, actorId);
      // Only when asked: by default an import brings in existing customers, whom "welcome" rules must not greet as new.
      if (columns.runAutomations && inserted > 0) {
        const created = await repo.stagedNewCustomerIds(client);
        await publishEvents(tx, tenantId, created.map((customerId) => ({ topic: 'customer.created', payload: { customerId, source: 'import', importId } })));
      }
      // Every row is inserted, updated or rejected; rows folded into an earlier one count as updates.
      return { inserted, updated: rows.length - rejected.length - inserted, rejected };
    },
    table: 'customers',
    async onSucceeded(tx, progress) {
      await publishEvent(tx, tenantId, 'customers.imported', {
        importId, rowsInserted: progress.rowsInserted, rowsUpdated: progress.rowsUpdated, rowsFailed: progress.rowsFailed,
      });
    },
  };
}
