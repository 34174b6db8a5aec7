import type { ComplaintGoodwillPayload, GoodwillGesture } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { publishEvents } from '../../platform/events/outbox.ts';
import { complaintGoodwill } from './complaint-customer.schema.ts';
import { complaintSettingsOf } from './complaint-settings.ts';
import * as repo from './complaint.repo.ts';

/**
 * A goodwill gesture for a case linked to a customer, on filing and/or on resolution as the
 * workspace configures: recorded once per case and occasion, and published as `complaint.goodwill`
 * for the loyalty module to turn into points or one code of the named coupon reward (its idempotency key is the same on any
 * redelivery). Nothing for anonymous complainants: there is no account to credit.
 */
export async function giveGoodwill(tx: Executor, tenantId: string, caseId: string, occasion: 'filing' | 'resolution', now: Date): Promise<void> {
  const { settings } = await complaintSettingsOf(tx, tenantId);
  const gesture: GoodwillGesture | null = occasion === 'filing' ? settings.goodwill.onFiling : settings.goodwill.onResolution;
  if (!gesture) return;
  const row = await repo.findCase(tx, tenantId, caseId);
  if (!row?.customerId) return;
  const idempotencyKey = `complaint-goodwill:${caseId}:${occasion}`;
  const currency = gesture.kind === 'coupon' ? gesture.currency : null;
  const rewardId = gesture.kind === 'coupon' ? gesture.rewardId : undefined;
  const inserted = await tx.insert(complaintGoodwill).values({
    tenantId, caseId, occasion, customerId: row.customerId, kind: gesture.kind, amount: gesture.amount, currency, idempotencyKey, createdAt: now,
  }).onConflictDoNothing().returning({ caseId: complaintGoodwill.caseId });
  if (inserted.length === 0) return;
  const payload: ComplaintGoodwillPayload = {
    customerId: row.customerId, caseId, occasion, kind: gesture.kind, amount: gesture.amount, ...(currency ? { currency } : {}), ...(rewardId ? { rewardId } : {}), idempotencyKey, occurredAt: now.toISOString(),
  };
  await publishEvents(tx, tenantId, [{ topic: 'complaint.goodwill', payload: { ...payload } }]);
}
