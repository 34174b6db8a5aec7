import { z } from 'zod';
import {
  AutomationCatalogue, AutomationRunPage, AutomationView, CreateAutomation, DryRunAutomation, DryRunResult, DryRunUnsavedAutomation, IdParams,
  PageQuery, UpdateAutomation, NoContent,
} from '@vafa/contracts';
import { notFound } from '../../platform/http/problem.ts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import * as repo from './automation.repo.ts';
import { catalogue } from './automation.rules.ts';
import * as automations from './automation.service.ts';

export function registerAutomationRoutes(app: App, deps: ModuleDeps): void {
  const { db } = deps.database;

  app.get('/api/automations', {
    config: { access: 'automations:read' },
    schema: { tags: ['automations'], summary: 'Automation rules, the built-in ones included', response: { 200: z.object({ items: z.array(AutomationView) }) } },
  }, async (req) => ({ items: (await automations.listRules(db, req.tenantId)).map(automations.presentRule) }));

  app.get('/api/automations/catalogue', {
    config: { access: 'automations:read' },
    schema: { tags: ['automations'], summary: 'What rules can use: trigger topics and their fields, conditions, operators, actions', response: { 200: AutomationCatalogue } },
  }, async () => catalogue());

  app.post('/api/automations', {
    config: { access: 'automations:write' },
    schema: {
      tags: ['automations'],
      summary: 'Create a rule',
      description: 'Trigger → conditions → delay → actions. Unknown fields are refused (400); references that do not exist give 422 `invalid_automation`; '
        + 'a rule that would trigger itself or close a cycle with enabled rules gives 422 `automation_loop`.',
      body: CreateAutomation,
      response: { 201: AutomationView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 201, body: automations.presentRule(await automations.createRule(tx, req.tenantId, req.actor, req.body)) }));
    return sendWrite(reply, result);
  });

  app.post('/api/automations/dry-run', {
    config: { access: 'automations:read' },
    schema: { tags: ['automations'], summary: 'What an unsaved rule would do for a customer; writes nothing', body: DryRunUnsavedAutomation, response: { 200: DryRunResult } },
  }, async (req) => automations.dryRunUnsaved(db, req.tenantId, req.body.rule, req.body.customerId, req.body.event));

  app.get('/api/automations/:id', {
    config: { access: 'automations:read' },
    schema: { tags: ['automations'], summary: 'One rule', params: IdParams, response: { 200: AutomationView } },
  }, async (req) => automations.presentRule(await automations.getRule(db, req.tenantId, req.params.id)));

  app.patch('/api/automations/:id', {
    config: { access: 'automations:write' },
    schema: { tags: ['automations'], summary: 'Change a rule', params: IdParams, body: UpdateAutomation, response: { 200: AutomationView } },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: automations.presentRule(await automations.updateRule(tx, req.tenantId, req.actor, req.params.id, req.body)) }));
    return sendWrite(reply, result);
  });

  app.delete('/api/automations/:id', {
    config: { access: 'automations:write' },
    schema: { tags: ['automations'], summary: 'Delete a rule (built-in rules can only be switched off)', problems: [409], params: IdParams, response: { 204: NoContent.describe('Deleted') } },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      await automations.deleteRule(tx, req.tenantId, req.actor, req.params.id);
      return { status: 204, body: null };
    });
    return sendWrite(reply, result);
  });

  for (const [path, enabled] of [['enable', true], ['disable', false]] as const) {
    app.post(`/api/automations/:id/${path}`, {
      config: { access: 'automations:write' },
      schema: { tags: ['automations'], summary: enabled ? 'Switch a rule on' : 'Switch a rule off', params: IdParams, response: { 200: AutomationView } },
    }, async (req, reply) => {
      const result = await req.write(async (tx) => ({ status: 200, body: automations.presentRule(await automations.setRuleEnabled(tx, req.tenantId, req.actor, req.params.id, enabled)) }));
      return sendWrite(reply, result);
    });
  }

  app.get('/api/automations/:id/runs', {
    config: { access: 'automations:read' },
    schema: { tags: ['automations'], summary: "A rule's runs, newest first: done, waiting, or skipped and why", params: IdParams, querystring: PageQuery, response: { 200: AutomationRunPage } },
  }, async (req) => {
    await automations.getRule(db, req.tenantId, req.params.id);
    return automations.listRuns(db, req.tenantId, { ruleId: req.params.id }, req.query);
  });

  app.post('/api/automations/:id/dry-run', {
    config: { access: 'automations:read' },
    schema: { tags: ['automations'], summary: 'What a saved rule would do for a customer; writes nothing', params: IdParams, body: DryRunAutomation, response: { 200: DryRunResult } },
  }, async (req) => automations.dryRunSaved(db, req.tenantId, req.params.id, req.body.customerId, req.body.event));

  app.get('/api/customers/:id/automation-runs', {
    config: { access: 'automations:read' },
    schema: { tags: ['automations'], summary: "A customer's automation runs, newest first", params: IdParams, querystring: PageQuery, response: { 200: AutomationRunPage } },
  }, async (req) => {
    if (!(await repo.loadCustomer(db, req.tenantId, req.params.id))) throw notFound();
    return automations.listRuns(db, req.tenantId, { customerId: req.params.id }, req.query);
  });
}
