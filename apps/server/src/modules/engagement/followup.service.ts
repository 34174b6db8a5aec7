import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';

export interface FollowupToOpen {
  customerId: string;
  /** why: 'after_interaction', 'negative_experience', or a rule's own text */
  reason: string;
  ruleId?: string | null;
  /** the triggering event: { topic, eventId, touchpointId, orderId } */
  source: Record<string, unknown>;
  /** due this many business hours from now (workspace hours, weekend and holidays) */
  dueInBusinessHours: number;
  priority?: 'normal' | 'urgent';
  /** null: assigned round-robin to the workspace's agents */
  assigneeId?: string | null;
}

// Placeholder until the follow-up service lands: due in wall-clock hours, unassigned.
export async function openFollowup(tx: Executor, tenantId: string, input: FollowupToOpen, now = new Date()): Promise<{ id: string; dueAt: Date }> {
  const id = randomUUID();
  const dueAt = new Date(now.getTime() + input.dueInBusinessHours * 3_600_000);
  await tx.execute(sql`
    INSERT INTO followups (tenant_id, id, customer_id, rule_id, reason, source, priority, assignee_id, due_at, created_at)
    VALUES (${tenantId}, ${id}, ${input.customerId}, ${input.ruleId ?? null}, ${input.reason}, ${JSON.stringify(input.source)}::jsonb,
            ${input.priority ?? 'normal'}, ${input.assigneeId ?? null}, ${dueAt.toISOString()}, ${now.toISOString()})`);
  return { id, dueAt };
}
