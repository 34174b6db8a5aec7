import { z } from 'zod';
import { defineJob } from '../../platform/jobs/registry.ts';
import { settleDueEverywhere } from './ledger.service.ts';

/**
 * Every hour: in each workspace with something due, unlock pending points past their pending
 * period and expire lots past their expiry, one short transaction per batch of members. Safe to
 * run twice or beside the API's run: runs of a workspace take turns and an expired lot has
 * nothing left.
 */
export const settleDueJob = defineJob({
  name: 'loyalty.settle-due',
  every: '7 * * * *',
  payload: z.object({}),
  retryLimit: 2,
  run: async (_payload, { database, clock, log }) => {
    const result = await settleDueEverywhere(database, clock.now());
    if (result.members > 0) log.info(result, 'loyalty due work');
  },
});
