import { z } from 'zod';
import { defineJob } from '../../platform/jobs/registry.ts';
import { reevaluateTiersEverywhere } from './tiers.service.ts';

/**
 * Every hour: each program's tier re-evaluation after the period that last ended (a calendar
 * year at its first local midnight, a rolling window at each local midnight), and the downgrades
 * whose grace period is over. Safe to run twice: a judged member is not judged again for the
 * same period, and each change is keyed.
 */
export const tierReevaluationJob = defineJob({
  name: 'loyalty.tier-reevaluation',
  every: '13 * * * *',
  payload: z.object({}),
  retryLimit: 2,
  run: async (_payload, { database, clock, log }) => {
    const result = await reevaluateTiersEverywhere(database, clock.now());
    if (result.evaluated + result.downgraded > 0) log.info(result, 'loyalty tier re-evaluation');
  },
});
