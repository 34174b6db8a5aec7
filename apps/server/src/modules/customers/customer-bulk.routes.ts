import { MAX_CUSTOMER_TAGS, BulkCustomerRequest, BulkCustomerResult, CustomerCount, CustomerFilter } from '@vafa/contracts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { applyBulkAction } from './customer-bulk.service.ts';
import { countCustomers } from './customer-count.service.ts';

/** Counting a list and acting on a selection of it. */
export function registerCustomerBulkRoutes(app: App, deps: ModuleDeps): void {
  const { countExactLimit, bulkLimit } = deps.config;

  app.get('/api/customers/count', {
    config: { access: 'customers:read' },
    schema: {
      tags: ['customers'],
      summary: 'How many live customers the list filters match',
      operationId: 'countCustomers',
      description:
        `The same filters as the list. Exact up to ${countExactLimit.toLocaleString('en')} matches (VAFA_COUNT_EXACT_LIMIT); above that, or when ` +
        'counting takes more than 3 seconds, `count` is PostgreSQL\'s estimate from its table statistics (never below what was counted) and ' +
        '`estimated` is true: show it as "about".',
      querystring: CustomerFilter,
      response: { 200: CustomerCount },
    },
  }, async (req) => countCustomers(deps.database, req.tenantId, req.query, countExactLimit));

  app.post('/api/customers/bulk', {
    config: { access: 'customers:write' },
    schema: {
      tags: ['customers'],
      summary: 'Add or remove tags, or add to or remove from a segment\'s list, for a selection of customers',
      operationId: 'bulkChangeCustomers',
      problems: [422],
      description:
        'The selection is `{ "ids": [...] }` (up to 1,000 live customers of this workspace; any other id refuses the whole request with 422 ' +
        '`unknown_customers`) or `{ "filter": { q, tag, language, consent, segment } }` for every live customer the list filters match ' +
        `(up to ${bulkLimit.toLocaleString('en')}, VAFA_BULK_LIMIT; more is 422 \`bulk_selection_too_large\`). All or nothing, in one transaction; ` +
        `audited once with the counts. Adding tags that would give any chosen customer more than ${MAX_CUSTOMER_TAGS} is 422 \`bulk_too_many_tags\`. ` +
        'Tag changes publish `customer.updated` for each customer changed, as a single edit does. Segment actions ' +
        'also need the segments:write permission. `changed` counts the customers that were not already so.',
      body: BulkCustomerRequest,
      response: { 200: BulkCustomerResult },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({
      status: 200,
      body: await applyBulkAction(tx, req.tenantId, req.actor!, req.body, { limit: bulkLimit, ip: req.ip }),
    }));
    return sendWrite(reply, result);
  });
}
