import { v7 as uuidv7 } from 'uuid';
import type { CreateTemplate, Locale, RenderedMessage, TemplateContent, TemplateView, UpdateTemplate } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import type { Actor } from '../../platform/http/access.ts';
import { Problem, notFound } from '../../platform/http/problem.ts';
import { recordAudit } from '../workspace/index.ts';
import { renderFor } from './automation.actions.ts';
import { invalidateRules, ruleSetFor } from './automation.engine.ts';
import * as repo from './automation.repo.ts';
import { templateErrors } from './template.render.ts';

export function presentTemplate(row: repo.TemplateRow): TemplateView {
  return { id: row.id, name: row.name, content: row.content as TemplateContent, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

/** 422 invalid_template with a field error per bad part (`content.fa.text`), naming the variable or the ICU error. */
export function assertValidTemplate(content: TemplateContent): void {
  const errors = templateErrors(content);
  if (errors.length > 0) throw new Problem(422, 'invalid_template', { detail: errors[0]!.message }, errors);
}

export async function listTemplates(db: Executor, tenantId: string): Promise<repo.TemplateRow[]> {
  return repo.listTemplates(db, tenantId);
}

export async function getTemplate(db: Executor, tenantId: string, id: string): Promise<repo.TemplateRow> {
  const row = await repo.findTemplate(db, tenantId, id);
  if (!row) throw notFound();
  return row;
}

export async function createTemplate(tx: Executor, tenantId: string, actor: Actor | null, input: CreateTemplate): Promise<repo.TemplateRow> {
  assertValidTemplate(input.content);
  const now = new Date();
  const row = await repo.insertTemplate(tx, { tenantId, id: uuidv7(), name: input.name, content: input.content, createdAt: now, updatedAt: now });
  await recordAudit(tx, tenantId, actor, { action: 'template.created', targetType: 'message_template', targetId: row.id });
  invalidateRules(tenantId);
  return row;
}

export async function updateTemplate(tx: Executor, tenantId: string, actor: Actor | null, id: string, input: UpdateTemplate): Promise<repo.TemplateRow> {
  if (input.content) assertValidTemplate(input.content);
  const row = await repo.updateTemplateRow(tx, tenantId, id, {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.content !== undefined ? { content: input.content } : {}),
    updatedAt: new Date(),
  });
  if (!row) throw notFound();
  await recordAudit(tx, tenantId, actor, { action: 'template.updated', targetType: 'message_template', targetId: id });
  invalidateRules(tenantId);
  return row;
}

export async function deleteTemplate(tx: Executor, tenantId: string, actor: Actor | null, id: string): Promise<void> {
  await getTemplate(tx, tenantId, id);
  const users = await repo.rulesUsingTemplate(tx, tenantId, id);
  if (users.length > 0) throw new Problem(409, 'template_in_use', { rules: users.join(', ') });
  await repo.deleteTemplateRow(tx, tenantId, id);
  await recordAudit(tx, tenantId, actor, { action: 'template.deleted', targetType: 'message_template', targetId: id });
  invalidateRules(tenantId);
}

export function unknownCustomer(): Problem {
  return new Problem(422, 'unknown_customer', {}, [{ field: 'customerId', code: 'unknown_customer', message: 'unknown_customer' }]);
}

/** Renders a template (saved or not) for a customer of the workspace, as a rule would send it now. */
export async function previewTemplate(
  db: Executor,
  tenantId: string,
  content: TemplateContent,
  input: { customerId: string; language?: Locale; event?: Record<string, unknown> },
): Promise<RenderedMessage> {
  assertValidTemplate(content);
  const customer = await repo.loadCustomer(db, tenantId, input.customerId);
  if (!customer) throw unknownCustomer();
  const set = await ruleSetFor(db, tenantId);
  const ctx = {
    tenantId,
    workspace: set.workspace,
    templates: set.templates,
    rule: { id: '', name: 'preview', builtin: null },
    trigger: { payload: input.event ?? {} },
    now: new Date(),
  };
  return renderFor(ctx, customer, content, input.language);
}
