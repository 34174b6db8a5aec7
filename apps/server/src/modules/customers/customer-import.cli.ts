import type { Logger } from 'pino';
import { CUSTOMER_JOINABLE_FIELDS, CustomerImportMapping } from '@vafa/contracts';
import { parseMapOptions, resolveCliWorkspace, runCliExport, runCliImport } from '../../platform/csv/transfer-cli.ts';
import type { Database } from '../../platform/db/connect.ts';
import { recordAudit } from '../workspace/index.ts';
import { customersCsv } from './customer-export.service.ts';
import { importCustomers } from './customer-import.service.ts';

/** The command line acts as the system, not as a signed-in person. */
export const CLI_ACTOR = { kind: 'system' as const, id: 'cli' };

export interface ImportCommand {
  database: Database;
  log: Logger;
  file: string;
  workspaceSlug?: string | undefined;
  /** `--map "CSV header=field"` options; `--map "First Name+Last Name=name"` joins */
  mapping: readonly string[];
  /** `--run-automations`: customers the import creates go through the workspace's automations */
  runAutomations?: boolean | undefined;
}

export interface ExportCommand {
  database: Database;
  log: Logger;
  file: string;
  workspaceSlug?: string | undefined;
}

/** `npm run vafa -- import customers FILE.csv [--workspace SLUG] [--map "CSV header=field" …] [--run-automations]` */
export async function runCustomerImportCommand(command: ImportCommand): Promise<void> {
  const mapping = parseMapOptions(command.mapping, CustomerImportMapping, {
    joinable: CUSTOMER_JOINABLE_FIELDS, runAutomations: command.runAutomations ? true : undefined,
  });
  const workspace = await resolveCliWorkspace(command.database, command.workspaceSlug);
  await runCliImport({
    database: command.database,
    log: command.log,
    file: command.file,
    workspace,
    kind: 'customers',
    run: ({ source, totalBytes, onProgress, signal }) =>
      importCustomers({
        database: command.database, tenantId: workspace.id, actor: CLI_ACTOR, source, fileName: command.file, totalBytes,
        mapping, onProgress, signal, log: command.log,
      }),
  });
}

/** `npm run vafa -- export customers FILE.csv [--workspace SLUG]` */
export async function runCustomerExportCommand(command: ExportCommand): Promise<void> {
  const workspace = await resolveCliWorkspace(command.database, command.workspaceSlug);
  await recordAudit(command.database.db, workspace.id, CLI_ACTOR, { action: 'customers.exported', targetType: 'customers', details: { format: 'csv', file: command.file } });
  await runCliExport({ file: command.file, kind: 'customers', workspace, stream: await customersCsv(command.database, workspace.id) });
}
