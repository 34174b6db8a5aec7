import { z } from 'zod';
import { CreateTemplate, IdParams, PreviewTemplate, PreviewUnsavedTemplate, RenderedMessage, TemplateView, UpdateTemplate, type TemplateContent, NoContent } from '@vafa/contracts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import * as templates from './template.service.ts';

export function registerTemplateRoutes(app: App, deps: ModuleDeps): void {
  const { db } = deps.database;

  app.get('/api/templates', {
    config: { access: 'automations:read' },
    schema: { tags: ['automations'], summary: 'Message templates', response: { 200: z.object({ items: z.array(TemplateView) }) } },
  }, async (req) => ({ items: (await templates.listTemplates(db, req.tenantId)).map(templates.presentTemplate) }));

  app.post('/api/templates', {
    config: { access: 'automations:write' },
    schema: {
      tags: ['automations'],
      summary: 'Save a message template',
      description: 'ICU MessageFormat per language (fa, ar, en). Every part must parse and use only known variables; otherwise 422 `invalid_template` with a field error per part.',
      body: CreateTemplate,
      response: { 201: TemplateView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 201, body: templates.presentTemplate(await templates.createTemplate(tx, req.tenantId, req.actor, req.body)) }));
    return sendWrite(reply, result);
  });

  app.post('/api/templates/preview', {
    config: { access: 'automations:read' },
    schema: { tags: ['automations'], summary: 'Render an unsaved template for a customer', body: PreviewUnsavedTemplate, response: { 200: RenderedMessage } },
  }, async (req) => templates.previewTemplate(db, req.tenantId, req.body.content, req.body));

  app.get('/api/templates/:id', {
    config: { access: 'automations:read' },
    schema: { tags: ['automations'], summary: 'One message template', params: IdParams, response: { 200: TemplateView } },
  }, async (req) => templates.presentTemplate(await templates.getTemplate(db, req.tenantId, req.params.id)));

  app.patch('/api/templates/:id', {
    config: { access: 'automations:write' },
    schema: { tags: ['automations'], summary: 'Rename a template or change its content', params: IdParams, body: UpdateTemplate, response: { 200: TemplateView } },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: templates.presentTemplate(await templates.updateTemplate(tx, req.tenantId, req.actor, req.params.id, req.body)) }));
    return sendWrite(reply, result);
  });

  app.delete('/api/templates/:id', {
    config: { access: 'automations:write' },
    schema: { tags: ['automations'], summary: 'Delete a template no rule uses', problems: [409], params: IdParams, response: { 204: NoContent.describe('Deleted') } },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      await templates.deleteTemplate(tx, req.tenantId, req.actor, req.params.id);
      return { status: 204, body: null };
    });
    return sendWrite(reply, result);
  });

  app.post('/api/templates/:id/preview', {
    config: { access: 'automations:read' },
    schema: {
      tags: ['automations'],
      summary: 'Render a saved template for a customer',
      description: 'Subject, text, HTML and SMS as a rule would send them now, in the customer\'s language (or `language`), with `event` as the triggering event\'s payload.',
      params: IdParams,
      body: PreviewTemplate,
      response: { 200: RenderedMessage },
    },
  }, async (req) => {
    const template = await templates.getTemplate(db, req.tenantId, req.params.id);
    return templates.previewTemplate(db, req.tenantId, template.content as TemplateContent, req.body);
  });
}
