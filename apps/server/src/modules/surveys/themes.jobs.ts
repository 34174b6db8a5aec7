import { z } from 'zod';
import { defineJob } from '../../platform/jobs/registry.ts';
import { computeThemes, surveysWithNewText } from './themes.service.ts';

/** Recomputes one survey's open-text themes. */
export const computeThemesJob = defineJob({
  name: 'surveys.compute-themes',
  payload: z.object({ tenantId: z.uuid(), surveyId: z.uuid() }),
  retryLimit: 2,
  run: async ({ tenantId, surveyId }, { database, clock }) => {
    await database.db.transaction((tx) => computeThemes(tx, tenantId, surveyId, clock.now()));
  },
});

/**
 * Hourly: every live survey with answers since its last computation gets a compute job
 * (singleton per survey, so a slow run is not queued twice).
 */
export const refreshThemesJob = defineJob({
  name: 'surveys.refresh-themes',
  every: '17 * * * *',
  payload: z.object({}),
  retryLimit: 1,
  run: async (_payload, { database, queue }) => {
    for (const s of await surveysWithNewText(database.db)) {
      await queue.enqueue(computeThemesJob, s, { singletonKey: `${s.tenantId}:${s.surveyId}` });
    }
  },
});
