import fs from 'node:fs';
import { inArray } from 'drizzle-orm';
import { CustomerFilter, CustomerIdsExport, CustomerImportMapping, IdParams, ImportMappingProposal, ImportPage, ImportView, PageQuery, ProposeImportMapping } from '@vafa/contracts';
import { BackgroundImports } from '../../platform/csv/background-imports.ts';
import { acceptCsvImport } from '../../platform/csv/csv-upload.ts';
import { csvDownloadHeaders } from '../../platform/csv/csv-writer.ts';
import { importErrorsCsv } from '../../platform/csv/import-report.ts';
import { carriedMapping, presentImportRun } from '../../platform/csv/import-runs.ts';
import type { App } from '../../platform/http/server.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { recordAudit } from '../workspace/index.ts';
import { customersCsv } from './customer-export.service.ts';
import { criteriaCondition } from './customer-list.repo.ts';
import { customers } from './customer.schema.ts';
import { filterCriteria, requireLiveCustomers } from './customer-selection.service.ts';
import { attributeDefinitionsOf } from './customer-attribute.service.ts';
import { proposeCustomerMapping } from './customer-import.mapping.ts';
import { importCustomers, planCustomerImport, storedCustomerMapping } from './customer-import.service.ts';
import { getImportRun, listImports } from './customer-import.runs.ts';

const UPLOAD_DESCRIPTION =
  'multipart/form-data with one `file` part (CSV, UTF-8; `,` `;` or tab separated; first row is the header) and an optional ' +
  '`mapping` field: JSON `{ "CSV header": "field" }` for headers the importer does not know by name, or the full form ' +
  '`{ "columns": { "CSV header": "field" }, "joins": { "name": ["First Name", "Last Name"] }, "runAutomations": false }`. ' +
  'Without `joins`, first and last name columns are joined into the name. `runAutomations: true` publishes customer.created ' +
  'for every customer the import creates, so the workspace\'s automations treat them as new customers; off by default. ' +
  'Answers 202 at once; poll GET /api/imports/{id} for progress.';
const UPLOAD_PARTS = { file: 'the CSV file', fields: { mapping: { description: 'JSON `{ "CSV header": "field" }`' } } };

/** CSV import and export of customers, and the import runs of every kind. */
export function registerCustomerTransferRoutes(app: App, deps: ModuleDeps): void {
  const background = new BackgroundImports(deps.log);
  app.addHook('onClose', () => background.stopAll());

  app.post('/api/imports/customers', {
    config: { access: 'customers:import' },
    schema: {
      tags: ['imports'], summary: 'Import customers from a CSV file', description: UPLOAD_DESCRIPTION, operationId: 'importCustomers',
      consumes: ['multipart/form-data'], multipart: UPLOAD_PARTS, response: { 202: ImportView },
    },
  }, async (req, reply) => {
    await acceptCsvImport(req, reply, {
      dataDir: deps.config.dataDir,
      idleTimeoutMs: deps.config.uploadIdleTimeoutMs,
      kind: 'customers',
      mappingSchema: CustomerImportMapping,
      background,
      plan: async (header, mapping) => carriedMapping(storedCustomerMapping(await planCustomerImport(deps.database.db, req.tenantId, header, mapping))),
      audit: (tx, run) =>
        recordAudit(tx, req.tenantId, req.actor, {
          action: 'customers.import_started', targetType: 'import', targetId: run.id, ip: req.ip, details: { fileName: run.fileName, bytes: run.bytes },
        }),
      run: ({ id, file, fileName, bytes, mapping, signal }) =>
        importCustomers({
          database: deps.database, tenantId: req.tenantId, actor: req.actor!, source: fs.createReadStream(file), fileName, totalBytes: bytes,
          mapping, importId: id, signal, log: deps.log,
        }),
    });
    return reply;
  });

  // Reads only: the wizard asks before uploading what the importer would make of a header.
  app.post('/api/imports/customers/proposal', {
    config: { access: 'customers:import' },
    schema: {
      tags: ['imports'], summary: 'The mapping the importer proposes for a customers file header: recognised shop export, fields, joins',
      operationId: 'proposeCustomerImportMapping', body: ProposeImportMapping, response: { 200: ImportMappingProposal },
    },
  }, async (req) => proposeCustomerMapping(req.body.headers, await attributeDefinitionsOf(deps.database.db, req.tenantId)));

  app.get('/api/imports', {
    config: { access: 'customers:import' },
    schema: { tags: ['imports'], summary: 'List import runs, newest first', querystring: PageQuery, response: { 200: ImportPage } },
  }, async (req) => listImports(deps.database.db, req.tenantId, req.query));

  app.get('/api/imports/:id', {
    config: { access: 'customers:import' },
    schema: { tags: ['imports'], summary: 'An import run and its progress', params: IdParams, response: { 200: ImportView } },
  }, async (req) => presentImportRun(await getImportRun(deps.database.db, req.tenantId, req.params.id)));

  app.get('/api/imports/:id/errors.csv', {
    config: { access: 'customers:import' },
    schema: {
      tags: ['imports'], summary: 'The rows an import refused: row, field, problem and the original line (CSV, UTF-8 with BOM)',
      params: IdParams, produces: ['text/csv'],
    },
  }, async (req, reply) => {
    const run = await getImportRun(deps.database.db, req.tenantId, req.params.id);
    return reply.headers(csvDownloadHeaders(`import-${run.id}-errors.csv`)).send(importErrorsCsv(deps.database.pool, req.tenantId, run.id, req.locale));
  });

  app.get('/api/exports/customers.csv', {
    config: { access: 'customers:export' },
    schema: {
      tags: ['imports'],
      summary: 'Live customers as CSV (UTF-8 with BOM): all of them, or those the list filters match; re-importable as is',
      operationId: 'exportCustomersCsv',
      problems: [422],
      querystring: CustomerFilter,
      produces: ['text/csv'],
    },
  }, async (req, reply) => {
    const filtered = Object.values(req.query).some((v) => v !== undefined);
    const condition = filtered ? criteriaCondition(req.tenantId, await filterCriteria(deps.database.db, req.tenantId, req.query, 'querystring')) : undefined;
    // Exports carry personal data: the audit entry exists before the first byte leaves.
    await recordAudit(deps.database.db, req.tenantId, req.actor, {
      action: 'customers.exported', targetType: 'customers', ip: req.ip, details: { format: 'csv', ...(filtered ? { filter: req.query } : {}) },
    });
    const stream = await customersCsv(deps.database, req.tenantId, condition);
    return reply.headers(csvDownloadHeaders('customers.csv')).send(stream);
  });

  app.post('/api/exports/customers.csv', {
    config: { access: 'customers:export' },
    schema: {
      tags: ['imports'],
      summary: 'Chosen customers as CSV (UTF-8 with BOM), in the same columns as the full export',
      description: 'Up to 1,000 live customers of this workspace by id; any other id refuses the whole request (422 `unknown_customers`). Reads only: audited, nothing else is written.',
      operationId: 'exportSelectedCustomersCsv',
      problems: [422],
      body: CustomerIdsExport,
      produces: ['text/csv'],
    },
  }, async (req, reply) => {
    const ids = await requireLiveCustomers(deps.database.db, req.tenantId, req.body.ids, 'ids');
    await recordAudit(deps.database.db, req.tenantId, req.actor, {
      action: 'customers.exported', targetType: 'customers', ip: req.ip, details: { format: 'csv', selection: 'ids', count: ids.length },
    });
    const stream = await customersCsv(deps.database, req.tenantId, inArray(customers.id, ids));
    return reply.headers(csvDownloadHeaders('customers.csv')).send(stream);
  });
}
