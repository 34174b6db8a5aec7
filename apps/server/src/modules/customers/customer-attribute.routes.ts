import { z } from 'zod';
import { AttributeDefinitionInput, AttributeDefinitionView, AttributeKeyParams, NoContent } from '@vafa/contracts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { deleteAttribute, defineAttribute, presentAttributeDefinition } from './customer-attribute.service.ts';
import { listAttributeDefinitions } from './customer-attribute.repo.ts';

export function registerCustomerAttributeRoutes(app: App, deps: ModuleDeps): void {
  app.get('/api/customer-attributes', {
    config: { access: 'customers:read' },
    schema: { tags: ['customers'], summary: 'Custom attributes defined for customers', response: { 200: z.object({ items: z.array(AttributeDefinitionView) }) } },
  }, async (req) => ({ items: (await listAttributeDefinitions(deps.database.db, req.tenantId)).map(presentAttributeDefinition) }));

  app.post('/api/customer-attributes', {
    config: { access: 'workspace:manage' },
    schema: { tags: ['customers'], summary: 'Define a typed custom attribute', problems: [409], body: AttributeDefinitionInput, response: { 201: AttributeDefinitionView } },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 201, body: presentAttributeDefinition(await defineAttribute(tx, req.tenantId, req.body)) }));
    return sendWrite(reply, result);
  });

  app.delete('/api/customer-attributes/:key', {
    config: { access: 'workspace:manage' },
    schema: {
      tags: ['customers'],
      summary: 'Delete an attribute and its values on every customer',
      problems: [409],
      description: 'Refused with 409 while a saved segment uses the attribute.',
      params: AttributeKeyParams,
      response: { 204: NoContent.describe('Deleted') },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      await deleteAttribute(tx, req.tenantId, req.params.key);
      return { status: 204, body: null };
    });
    return sendWrite(reply, result);
  });
}
