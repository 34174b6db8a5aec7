import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import type { Actor } from '../../platform/http/access.ts';

export interface AuditEntry {
  action: string;
  targetType?: string;
  targetId?: string;
  ip?: string;
  details?: Record<string, unknown>;
}

/** Appends to the audit log in the caller's transaction, so the record exists iff the action did. */
export async function recordAudit(tx: Executor, tenantId: string, actor: Actor | { kind: 'system'; id?: string } | null, entry: AuditEntry): Promise<void> {
  await tx.execute(sql`
    INSERT INTO audit_log (tenant_id, actor_type, actor_id, action, target_type, target_id, ip, details)
    VALUES (${tenantId}, ${actor?.kind ?? 'anonymous'}, ${actor?.id ?? null}, ${entry.action}, ${entry.targetType ?? null},
            ${entry.targetId ?? null}, ${entry.ip ?? null}, ${JSON.stringify(entry.details ?? {})}::jsonb)`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** one parameter holding a PostgreSQL array literal (the ids are checked UUIDs; drizzle would spread a JS array into a list) */
const pgUuidArray = (ids: string[]) => `{${ids.join(',')}}`;

// Where the name of each kind of audit subject lives. Accounts are global, so only members of
// this workspace are named (the log must not reveal who else has an account).
const NAME_SOURCES: Record<string, (tenantId: string, ids: string[]) => SQL> = {
  account: (t, ids) => sql`SELECT a.id::text AS id, a.display_name AS name FROM accounts a JOIN members m ON m.account_id = a.id AND m.tenant_id = ${t} WHERE a.id = ANY(${pgUuidArray(ids)}::uuid[])`,
  user: (t, ids) => sql`SELECT a.id::text AS id, a.display_name AS name FROM accounts a JOIN members m ON m.account_id = a.id AND m.tenant_id = ${t} WHERE a.id = ANY(${pgUuidArray(ids)}::uuid[])`,
  api_key: (t, ids) => sql`SELECT id::text AS id, name FROM api_keys WHERE tenant_id = ${t} AND id = ANY(${pgUuidArray(ids)}::uuid[])`,
  customer: (t, ids) => sql`SELECT id::text AS id, name FROM customers WHERE tenant_id = ${t} AND id = ANY(${pgUuidArray(ids)}::uuid[])`,
  segment: (t, ids) => sql`SELECT id::text AS id, name FROM segments WHERE tenant_id = ${t} AND id = ANY(${pgUuidArray(ids)}::uuid[])`,
  automation_rule: (t, ids) => sql`SELECT id::text AS id, name FROM automation_rules WHERE tenant_id = ${t} AND id = ANY(${pgUuidArray(ids)}::uuid[])`,
  message_template: (t, ids) => sql`SELECT id::text AS id, name FROM message_templates WHERE tenant_id = ${t} AND id = ANY(${pgUuidArray(ids)}::uuid[])`,
  invitation: (t, ids) => sql`SELECT id::text AS id, email AS name FROM invitations WHERE tenant_id = ${t} AND id = ANY(${pgUuidArray(ids)}::uuid[])`,
  followup: (t, ids) => sql`SELECT f.id::text AS id, c.name FROM followups f JOIN customers c ON c.tenant_id = f.tenant_id AND c.id = f.customer_id WHERE f.tenant_id = ${t} AND f.id = ANY(${pgUuidArray(ids)}::uuid[])`,
  workspace: (t, ids) => sql`SELECT id::text AS id, name FROM workspaces WHERE id = ${t} AND id = ANY(${pgUuidArray(ids)}::uuid[])`,
};

/**
 * Today's names of the people and things audit entries point at, keyed `kind:id`, so the log
 * reads as sentences ("Sara created the rule 'Birthday gift'") rather than ids. Subjects that
 * are gone or nameless are simply absent.
 */
export async function auditNames(db: Executor, tenantId: string, refs: { kind: string | null; id: string | null }[]): Promise<Map<string, string>> {
  const wanted = new Map<string, Set<string>>();
  for (const { kind, id } of refs) {
    if (!kind || !id || !UUID.test(id) || !NAME_SOURCES[kind]) continue;
    if (!wanted.has(kind)) wanted.set(kind, new Set());
    wanted.get(kind)!.add(id);
  }
  const names = new Map<string, string>();
  for (const [kind, ids] of wanted) {
    const result = await db.execute(NAME_SOURCES[kind]!(tenantId, [...ids]));
    for (const row of result.rows as { id: string; name: string | null }[]) if (row.name) names.set(`${kind}:${row.id}`, row.name);
  }
  return names;
}
