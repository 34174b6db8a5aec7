import { z } from 'zod';
import type { Database } from '../../platform/db/connect.ts';
import { defineSubscriber, publishEvents } from '../../platform/events/outbox.ts';
import { defineJob } from '../../platform/jobs/registry.ts';
import { escalateOverdue, type EscalatedRow } from './followup.repo.ts';
import { creditRepurchase } from './followup.service.ts';

const BATCH = 1_000;

/**
 * Marks open follow-ups past their due time escalated and urgent (once each) and publishes
 * `followup.overdue` for each, batch by batch, each batch with its events in one transaction.
 */
export async function escalateOverdueFollowups(database: Database, now: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const escalated = await database.db.transaction(async (tx) => {
      const rows = await escalateOverdue(tx, now, BATCH);
      const byTenant = new Map<string, EscalatedRow[]>();
      for (const r of rows) byTenant.set(r.tenantId, [...(byTenant.get(r.tenantId) ?? []), r]);
      for (const [tenantId, list] of byTenant) {
        await publishEvents(tx, tenantId, list.map((r) => ({
          topic: 'followup.overdue',
          payload: { followupId: r.id, customerId: r.customerId, assigneeId: r.assigneeId, reason: r.reason, dueAt: r.dueAt },
        })));
      }
      return rows.length;
    });
    total += escalated;
    if (escalated < BATCH) return total;
  }
}

export const escalateOverdueFollowupsJob = defineJob({
  name: 'followups.escalate-overdue',
  every: '*/5 * * * *',
  payload: z.object({}),
  retryLimit: 2,
  run: async (_payload, { database, clock, log }) => {
    const escalated = await escalateOverdueFollowups(database, clock.now());
    if (escalated > 0) log.info({ escalated }, 'overdue follow-ups escalated');
  },
});

/** An order placed within 90 days after a follow-up counts as the customer saved. */
export const followupRepurchaseSubscriber = defineSubscriber({
  name: 'followups-repurchase',
  topics: ['order.placed'],
  payload: z.object({ customerId: z.string().uuid(), placedAt: z.string() }).loose(),
  run: async (event, { database }) => {
    await database.db.transaction((tx) => creditRepurchase(tx, event.tenantId, event.payload.customerId, new Date(event.payload.placedAt)));
  },
});
