import { sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { registerCustomerDataExporter, registerEraseHook, registerMergeHook } from '../customers/index.ts';

// Invitations and the last time a customer was asked follow a merge (so an SMS reply from the
// survivor's phone still finds its invitation, and the recontact limit still holds), lose their
// hidden values on erasure, and are part of the customer's data export.

export async function moveInvitations(tx: Executor, tenantId: string, sourceId: string, targetId: string): Promise<void> {
  await tx.execute(sql`UPDATE survey_invitations SET customer_id = ${targetId} WHERE tenant_id = ${tenantId} AND customer_id = ${sourceId}`);
  await tx.execute(sql`
    INSERT INTO survey_last_contact (tenant_id, customer_id, at)
    SELECT tenant_id, ${targetId}::uuid, at FROM survey_last_contact WHERE tenant_id = ${tenantId} AND customer_id = ${sourceId}
    ON CONFLICT (tenant_id, customer_id) DO UPDATE SET at = greatest(survey_last_contact.at, excluded.at)`);
  await tx.execute(sql`DELETE FROM survey_last_contact WHERE tenant_id = ${tenantId} AND customer_id = ${sourceId}`);
}

export async function eraseInvitationValues(tx: Executor, tenantId: string, customerId: string): Promise<void> {
  await tx.execute(sql`UPDATE survey_invitations SET hidden = '{}'::jsonb WHERE tenant_id = ${tenantId} AND customer_id = ${customerId}`);
}

export async function invitationsOf(db: Executor, tenantId: string, customerId: string): Promise<unknown> {
  const result = await db.execute(sql`
    SELECT survey_id AS "surveyId", channel, wave, context, hidden, sent_at AS "sentAt", reminder_count AS "reminders", responded_at AS "respondedAt"
    FROM survey_invitations WHERE tenant_id = ${tenantId} AND customer_id = ${customerId} ORDER BY created_at`);
  return result.rows;
}

export function registerInvitationCustomerHooks(): void {
  registerMergeHook(moveInvitations);
  registerEraseHook(eraseInvitationValues);
  registerCustomerDataExporter('surveyInvitations', invitationsOf);
}
