import {
  CreateCustomer, CustomerDataExport, CustomerListQuery, CustomerView, IdParams, MergeCustomers, UpdateCustomer, pageOf,
} from '@vafa/contracts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { registerCustomerAttributeRoutes } from './customer-attribute.routes.ts';
import { registerCustomerBulkRoutes } from './customer-bulk.routes.ts';
import { mergeCustomers } from './customer-merge.service.ts';
import { eraseCustomer, exportCustomerData } from './customer-privacy.service.ts';
import { pageFrom } from './customer.cursor.ts';
import { presentCustomer } from './customer.present.ts';
import { createCustomer, getCustomer, listCustomerRows, updateCustomer } from './customer.service.ts';

export function registerCustomerRoutes(app: App, deps: ModuleDeps): void {
  const { db } = deps.database;

  app.post('/api/customers', {
    config: { access: 'customers:write' },
    schema: { tags: ['customers'], summary: 'Create a customer', problems: [409], body: CreateCustomer, response: { 201: CustomerView } },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 201, body: presentCustomer(await createCustomer(tx, req.tenantId, req.actor, req.body)) }));
    return sendWrite(reply, result);
  });

  app.get('/api/customers', {
    config: { access: 'customers:read' },
    schema: {
      tags: ['customers'],
      summary: 'List and search customers, newest first or in another order',
      description:
        '`q` finds customers by any part of the name (Persian or Arabic letters, with or without ZWNJ), e-mail or phone (any digits, national or international). ' +
        '`segment` keeps the customers its rules match or that were added to it by hand. ' +
        '`sort`: `-createdAt` (default, newest first), `createdAt`, `name`/`-name` (Persian alphabetical order; Arabic letter forms sort with their Persian ' +
        'counterparts; Latin names after), `lastOrderAt`/`-lastOrderAt`, `orderCount`/`-orderCount`, `totalSpent`/`-totalSpent`. Customers without a value ' +
        '(no name, never ordered) come last in either direction; ties are broken by id. Pass `nextCursor` back as `cursor` for the next page, with the same ' +
        '`sort`: a cursor from another sort is refused with 400 `cursor_sort_mismatch`.',
      querystring: CustomerListQuery,
      response: { 200: pageOf(CustomerView) },
    },
  }, async (req) => {
    const { order, rows } = await listCustomerRows(db, req.tenantId, req.query);
    return pageFrom(rows, req.query.limit, order, presentCustomer);
  });

  app.get('/api/customers/:id', {
    config: { access: 'customers:read' },
    schema: {
      tags: ['customers'],
      summary: 'One customer',
      description: 'A merged customer is returned as it is, with `mergedInto` naming the record it was merged into; an erased one with `erasedAt` set and no personal data.',
      params: IdParams,
      response: { 200: CustomerView },
    },
  }, async (req) => presentCustomer(await getCustomer(db, req.tenantId, req.params.id)));

  app.patch('/api/customers/:id', {
    config: { access: 'customers:write' },
    schema: { tags: ['customers'], summary: 'Change a customer (absent fields stay, null clears)', problems: [409], params: IdParams, body: UpdateCustomer, response: { 200: CustomerView } },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: presentCustomer(await updateCustomer(tx, req.tenantId, req.actor, req.params.id, req.body)) }));
    return sendWrite(reply, result);
  });

  app.post('/api/customers/:id/merge', {
    config: { access: 'customers:merge' },
    schema: {
      tags: ['customers'],
      summary: 'Merge another customer into this one',
      problems: [409],
      description: 'The source keeps a pointer (`mergedInto`); its phone, e-mail and external id become free. Its history moves here, and its loyalty: points (each lot keeping its expiry), debt and prepaid credit (paid credit, and bonus keeping its expiry); its open checkouts are released. Afterwards spends and earns as the source are 409 `customer_merged`; a return of an order it earned takes the points back from this record.',
      params: IdParams,
      body: MergeCustomers,
      response: { 200: CustomerView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({
      status: 200,
      body: presentCustomer(await mergeCustomers(tx, req.tenantId, req.actor, req.params.id, req.body.sourceId, req.ip)),
    }));
    return sendWrite(reply, result);
  });

  app.get('/api/customers/:id/export', {
    config: { access: 'customers:export' },
    schema: { tags: ['customers'], summary: "A customer's personal data as JSON (audited)", params: IdParams, response: { 200: CustomerDataExport } },
  }, async (req, reply) => {
    const document = await db.transaction((tx) => exportCustomerData(tx, req.tenantId, req.actor, req.params.id, req.ip));
    reply.header('content-disposition', `attachment; filename="customer-${req.params.id}.json"`);
    reply.header('cache-control', 'no-store');
    return document;
  });

  app.post('/api/customers/:id/erase', {
    config: { access: 'customers:erase' },
    schema: {
      tags: ['customers'],
      summary: "Erase a customer's personal data (audited, idempotent)",
      description: 'Removes name, contact details, birthday, external id, attributes and tags from this record and every record merged into it; keeps order aggregates and when consent was given or withdrawn.',
      params: IdParams,
      response: { 200: CustomerView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: presentCustomer(await eraseCustomer(tx, req.tenantId, req.actor, req.params.id, req.ip)) }));
    return sendWrite(reply, result);
  });

  registerCustomerAttributeRoutes(app, deps);
  registerCustomerBulkRoutes(app, deps);
}
