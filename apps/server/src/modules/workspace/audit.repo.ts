import { sql } from 'drizzle-orm';
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
