import { z } from 'zod';
import { defineJob } from '../../platform/jobs/registry.ts';
import { compactRollups } from './rollup.compact.ts';

/** Hourly: folds the rollup shards of days no longer answered, so results read fewer rows. */
export const compactRollupsJob = defineJob({
  name: 'surveys.compact-rollups',
  every: '41 * * * *',
  payload: z.object({}),
  retryLimit: 1,
  run: async (_payload, { database, clock }) => {
    await compactRollups(database.db, { before: clock.now() });
  },
});
