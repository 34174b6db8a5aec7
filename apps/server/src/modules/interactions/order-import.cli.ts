import type { Logger } from 'pino';
import { ORDER_JOINABLE_FIELDS, OrderImportMapping } from '@vafa/contracts';
import { parseMapOptions, resolveCliWorkspace, runCliExport, runCliImport } from '../../platform/csv/transfer-cli.ts';
import type { Database } from '../../platform/db/connect.ts';
import { recordAudit } from '../workspace/index.ts';
import { ordersCsv } from './order-export.service.ts';
import { importOrders } from './order-import.service.ts';

const CLI_ACTOR = { kind: 'system' as const, id: 'cli' };

/** `npm run vafa -- import orders FILE.csv [--workspace SLUG] [--map "CSV header=field" …]` */
export async function runOrderImportCommand(command: {
  database: Database;
  log: Logger;
  file: string;
  workspaceSlug?: string | undefined;
  mapping: readonly string[];
}): Promise<void> {
  const mapping = parseMapOptions(command.mapping, OrderImportMapping, { joinable: ORDER_JOINABLE_FIELDS });
  const workspace = await resolveCliWorkspace(command.database, command.workspaceSlug);
  await runCliImport({
    database: command.database,
    log: command.log,
    file: command.file,
    workspace,
    kind: 'orders',
    run: ({ source, totalBytes, onProgress, signal }) =>
      importOrders({
        database: command.database, tenantId: workspace.id, actor: CLI_ACTOR, source, fileName: command.file, totalBytes,
        mapping, onProgress, signal, log: command.log,
      }),
  });
}

/** `npm run vafa -- export orders FILE.csv [--workspace SLUG]` */
export async function runOrderExportCommand(command: { database: Database; log: Logger; file: string; workspaceSlug?: string | undefined }): Promise<void> {
  const workspace = await resolveCliWorkspace(command.database, command.workspaceSlug);
  await recordAudit(command.database.db, workspace.id, CLI_ACTOR, { action: 'orders.exported', targetType: 'orders', details: { format: 'csv', file: command.file } });
  await runCliExport({ file: command.file, kind: 'orders', workspace, stream: ordersCsv(command.database, workspace.id) });
}
