import type { VafaModule } from '../../platform/module.ts';
import { registerWorkspaceRoutes, type WorkspaceHooks } from './workspace.routes.ts';

export { recordAudit, type AuditEntry } from './audit.repo.ts';
// Today's names of members and API keys, keyed `user:<id>` / `api_key:<id>`: the timeline names who wrote a note.
export { auditNames } from './audit.repo.ts';
// The team module joins memberships and sessions to their workspace's name, slug and two-factor rule.
export { workspaces } from './workspace.schema.ts';
export { ApiKeyAuthenticator, createApiKey } from './api-key.service.ts';
export { createWorkspace, presentWorkspace, workspaceSettings, type WorkspaceSettings } from './workspace.service.ts';
export { countWorkspaces, findWorkspaceBySlug } from './workspace.repo.ts';

/**
 * The workspace module needs to make the creator an owner and to know instance administrators,
 * which is the team module's business;
 * the composition root passes that in rather than the modules importing each other.
 */
export function workspaceModule(hooks: WorkspaceHooks): VafaModule {
  return { name: 'workspace', registerRoutes: (app, deps) => registerWorkspaceRoutes(app, deps, hooks) };
}
