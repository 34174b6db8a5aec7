import { z } from 'zod';
import { defineJob } from '../../platform/jobs/registry.ts';
import { expireBonusCreditEverywhere } from './credit.service.ts';

/**
 * Every hour: bonus credit past its expiry moves to the workspace's `bonus_expired` account, one
 * balanced entry per member and run. Paid credit never expires. Safe to run twice or beside a
 * spend: each member is expired under their balance lock, and an expired lot has nothing left.
 */
export const expireBonusCreditJob = defineJob({
  name: 'loyalty.expire-bonus-credit',
  every: '17 * * * *',
  payload: z.object({}),
  retryLimit: 2,
  run: async (_payload, { database, clock, log }) => {
    const result = await expireBonusCreditEverywhere(database, clock.now());
    if (result.members > 0) log.info(result, 'bonus credit expired');
  },
});
