import { z } from 'zod';
import { defineJob } from '../../platform/jobs/registry.ts';
import { releaseExpiredHoldsEverywhere } from './redemption-holds.service.ts';

/**
 * Every minute: release the holds past their expiry (an abandoned checkout's points go back to
 * the lots they came from). Safe to run twice or beside a capture: each release re-reads its
 * hold under the member's lock.
 */
export const releaseExpiredHoldsJob = defineJob({
  name: 'loyalty.release-expired-holds',
  every: '* * * * *',
  payload: z.object({}),
  retryLimit: 2,
  run: async (_payload, { database, clock, log }) => {
    const result = await releaseExpiredHoldsEverywhere(database, clock.now());
    if (result.released > 0) log.info(result, 'loyalty holds released');
  },
});
