import { z } from 'zod';
import { defineSubscriber } from '../../platform/events/outbox.ts';
import { defineJob } from '../../platform/jobs/registry.ts';
import { recomputeWorkspaceSla, runSlaScan } from './complaint-sla.service.ts';
import { SLA_SETTINGS_CHANGED } from './complaint-sla.settings.ts';

/**
 * Every minute: the cases whose SLA is due to change (a warning or a breach falls due, or a change
 * asked for a recompute), found by the indexed next_change_at and claimed with SKIP LOCKED, so two
 * workers never take the same case. Publishes `complaint.sla_warning` / `complaint.sla_breached`
 * once per target and case and escalates on a breach when the policy says so.
 */
export const slaScanJob = defineJob({
  name: 'complaints.sla-scan',
  every: '* * * * *',
  payload: z.object({}),
  retryLimit: 1,
  run: async (_payload, { database, clock, log }) => {
    const result = await runSlaScan(database, clock.now());
    if (result.warnings + result.breaches > 0) log.info(result, 'complaint SLA scan');
  },
});

/** A policy, the calendar or a team changed: bring every open case of the workspace in line, batch by batch. */
export const slaRecomputeSubscriber = defineSubscriber({
  name: 'complaints-sla-recompute',
  topics: [SLA_SETTINGS_CHANGED],
  run: async (event, { database, clock, log }) => {
    const result = await recomputeWorkspaceSla(database, event.tenantId, clock.now());
    log.info({ tenantId: event.tenantId, ...result }, 'complaint SLA recomputed after a settings change');
  },
});
