import { ApiKeyView, AuditEntryView, CreateApiKey, CreatedApiKey, CreateWorkspace, SessionView, UpdateWorkspace, Uuid, WorkspaceView } from '@vafa/contracts';
import { z } from 'zod';
import type { Executor } from '../../platform/db/connect.ts';
import { Problem, notFound } from '../../platform/http/problem.ts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { createApiKey, revokeKey } from './api-key.service.ts';
import { auditNames, recordAudit } from './audit.repo.ts';
import * as repo from './workspace.repo.ts';
import { createWorkspace, forgetWorkspaceSettings, presentWorkspace } from './workspace.service.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const presentKey = (k: repo.ApiKeyRow) => ({ id: k.id, name: k.name, role: k.role as never, createdAt: k.createdAt.toISOString(), lastUsedAt: iso(k.lastUsedAt), revokedAt: iso(k.revokedAt) });

export interface WorkspaceHooks {
  onWorkspaceCreated(tx: Executor, tenantId: string, accountId: string): Promise<unknown>;
  /** whether the account administers this instance (may create workspaces when only admins may) */
  isInstanceAdmin(db: Executor, accountId: string): Promise<boolean>;
}

export function registerWorkspaceRoutes(app: App, deps: ModuleDeps, hooks: WorkspaceHooks): void {
  app.get('/api/workspace', {
    config: { access: 'workspace:read' },
    schema: { tags: ['workspace'], summary: 'This workspace and its settings', response: { 200: WorkspaceView } },
  }, async (req) => {
    const row = await repo.findWorkspace(deps.database.db, req.tenantId);
    if (!row) throw notFound();
    return presentWorkspace(row);
  });

  app.patch('/api/workspace', {
    config: { access: 'workspace:manage' },
    schema: { tags: ['workspace'], summary: 'Change workspace settings', body: UpdateWorkspace, response: { 200: WorkspaceView } },
  }, async (req, reply) => {
    // Requiring a second factor binds every member, so only owners decide it.
    if (req.body.requireTwoFactor !== undefined && req.actor!.role !== 'owner') throw new Problem(403, 'forbidden');
    const result = await req.write(async (tx) => {
      const row = await repo.updateWorkspace(tx, req.tenantId, req.body);
      if (!row) throw notFound();
      await recordAudit(tx, req.tenantId, req.actor, { action: 'workspace.settings_changed', targetType: 'workspace', targetId: req.tenantId, ip: req.ip, details: req.body });
      return { status: 200, body: presentWorkspace(row) };
    });
    forgetWorkspaceSettings(req.tenantId);
    return sendWrite(reply, result);
  });

  app.post('/api/workspaces', {
    config: { access: 'authenticated' },
    schema: { tags: ['workspace'], summary: 'Create another workspace; you become its owner', body: CreateWorkspace, response: { 201: SessionView.shape.workspace } },
  }, async (req, reply) => {
    if (req.actor!.kind !== 'user') throw new Problem(403, 'forbidden');
    if (deps.config.workspaceCreation === 'admins' && !(await hooks.isInstanceAdmin(deps.database.db, req.actor!.id))) {
      throw new Problem(403, 'workspace_creation_restricted');
    }
    const result = await req.write(async (tx) => {
      const row = await createWorkspace(tx, req.body);
      await hooks.onWorkspaceCreated(tx, row.id, req.actor!.id);
      await recordAudit(tx, row.id, { ...req.actor!, tenantId: row.id }, { action: 'workspace.created', targetType: 'workspace', targetId: row.id, ip: req.ip });
      return { status: 201, body: { id: row.id, slug: row.slug, name: row.name } };
    });
    return sendWrite(reply, result);
  });

  app.get('/api/api-keys', {
    config: { access: 'apikeys:manage' },
    schema: { tags: ['workspace'], summary: 'API keys of this workspace (secrets are never shown again)', response: { 200: z.object({ items: z.array(ApiKeyView) }) } },
  }, async (req) => ({ items: (await repo.listApiKeys(deps.database.db, req.tenantId)).map(presentKey) }));

  app.post('/api/api-keys', {
    config: { access: 'apikeys:manage' },
    schema: { tags: ['workspace'], summary: 'Create an API key for an integration; the secret is shown once', body: CreateApiKey, response: { 201: CreatedApiKey } },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      const { row, secret } = await createApiKey(tx, req.tenantId, req.actor!, req.body, req.ip);
      return { status: 201, body: { ...presentKey(row), secret } };
    }, { secretFields: ['secret'] });
    return sendWrite(reply, result);
  });

  app.delete('/api/api-keys/:id', {
    config: { access: 'apikeys:manage' },
    schema: { tags: ['workspace'], summary: 'Revoke an API key', params: z.strictObject({ id: Uuid }), response: { 200: ApiKeyView } },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: presentKey(await revokeKey(tx, req.tenantId, req.actor!, req.params.id, req.ip)) }));
    return sendWrite(reply, result);
  });

  app.get('/api/audit-log', {
    config: { access: 'audit:read' },
    schema: {
      tags: ['workspace'],
      summary: 'Sensitive actions, newest first',
      querystring: z.strictObject({ before: z.coerce.number().int().positive().optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
      response: { 200: z.object({ items: z.array(AuditEntryView), nextBefore: z.number().int().nullable() }) },
    },
  }, async (req) => {
    const rows = await repo.listAudit(deps.database.db, req.tenantId, req.query.before, req.query.limit);
    const names = await auditNames(deps.database.db, req.tenantId, rows.flatMap((r) => [{ kind: r.actorType, id: r.actorId }, { kind: r.targetType, id: r.targetId }]));
    return {
      items: rows.map((r) => ({
        id: r.id, at: r.at.toISOString(), actorType: r.actorType, actorId: r.actorId, action: r.action, targetType: r.targetType, targetId: r.targetId, ip: r.ip, details: r.details as Record<string, unknown>,
        actorName: names.get(`${r.actorType}:${r.actorId}`) ?? null,
        targetName: names.get(`${r.targetType}:${r.targetId}`) ?? null,
      })),
      nextBefore: rows.length === req.query.limit ? rows[rows.length - 1]!.id : null,
    };
  });
}
