import fs from 'node:fs';
import { ImportView, OrderImportMapping } from '@vafa/contracts';
import { BackgroundImports } from '../../platform/csv/background-imports.ts';
import { acceptCsvImport } from '../../platform/csv/csv-upload.ts';
import { csvDownloadHeaders } from '../../platform/csv/csv-writer.ts';
import { carriedMapping } from '../../platform/csv/import-runs.ts';
import type { App } from '../../platform/http/server.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { recordAudit } from '../workspace/index.ts';
import { ordersCsv } from './order-export.service.ts';
import { importOrders, planOrderImport, storedOrderMapping } from './order-import.service.ts';

const UPLOAD_DESCRIPTION =
  'multipart/form-data with one `file` part (CSV, UTF-8; one order per row: external id, customer phone/e-mail/external id, amount in ' +
  'minor units, currency, placed_at, promised_delivery_at, delivered_at, returned_at, status, channel) and an optional `mapping` field: ' +
  'JSON `{ "CSV header": "field" }`, or `{ "columns": { "CSV header": "field" }, "joins": { "customer_name": ["First", "Last"] } }`. Answers 202 at once; poll GET /api/imports/{id}. Re-importing a file changes nothing.';
const UPLOAD_PARTS = { file: 'the CSV file', fields: { mapping: { description: 'JSON `{ "CSV header": "field" }`' } } };

/** CSV import and export of orders. Runs are listed and reported under /api/imports (customers module). */
export function registerOrderTransferRoutes(app: App, deps: ModuleDeps): void {
  const background = new BackgroundImports(deps.log);
  app.addHook('onClose', () => background.stopAll());

  app.post('/api/imports/orders', {
    config: { access: 'customers:import' },
    schema: {
      tags: ['imports'], summary: 'Import orders from a CSV file', description: UPLOAD_DESCRIPTION, operationId: 'importOrders',
      consumes: ['multipart/form-data'], multipart: UPLOAD_PARTS, response: { 202: ImportView },
    },
  }, async (req, reply) => {
    await acceptCsvImport(req, reply, {
      dataDir: deps.config.dataDir,
      idleTimeoutMs: deps.config.uploadIdleTimeoutMs,
      kind: 'orders',
      mappingSchema: OrderImportMapping,
      background,
      plan: (header, mapping) => carriedMapping(storedOrderMapping(planOrderImport(header, mapping))),
      audit: (tx, run) =>
        recordAudit(tx, req.tenantId, req.actor, {
          action: 'orders.import_started', targetType: 'import', targetId: run.id, ip: req.ip, details: { fileName: run.fileName, bytes: run.bytes },
        }),
      run: ({ id, file, fileName, bytes, mapping, signal }) =>
        importOrders({
          database: deps.database, tenantId: req.tenantId, actor: req.actor!, source: fs.createReadStream(file), fileName, totalBytes: bytes,
          mapping, importId: id, signal, log: deps.log,
        }),
    });
    return reply;
  });

  app.get('/api/exports/orders.csv', {
    config: { access: 'customers:export' },
    schema: { tags: ['imports'], summary: 'Every order as CSV (UTF-8 with BOM); re-importable as is', operationId: 'exportOrdersCsv', produces: ['text/csv'] },
  }, async (req, reply) => {
    // Orders name their customers' phones and e-mails: audited before the first byte leaves.
    await recordAudit(deps.database.db, req.tenantId, req.actor, { action: 'orders.exported', targetType: 'orders', ip: req.ip, details: { format: 'csv' } });
    return reply.headers(csvDownloadHeaders('orders.csv')).send(ordersCsv(deps.database, req.tenantId));
  });
}
