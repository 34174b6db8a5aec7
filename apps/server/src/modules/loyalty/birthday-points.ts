import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../platform/db/connect.ts';
import { Problem } from '../../platform/http/problem.ts';
import { CALENDARS } from '../../platform/i18n/calendar.ts';
import { defineJob } from '../../platform/jobs/registry.ts';
import { customers } from '../customers/index.ts';
import { birthdayCandidates, calendarYear } from '../engagement/index.ts';
import { workspaceSettings } from '../workspace/index.ts';
import { localIsoDay } from './earn-rules.ts';
import { awardEvent } from './earning.service.ts';
import { programsForEvent } from './program.service.ts';

// Birthday points: on a customer's birthday (in the calendar they gave it, on the workspace's
// local day), each program with a `customer.birthday` rule awards its points, once a year (the
// award's key is the customer and the year in that calendar), however often the job runs.

export interface BirthdayRun {
  awarded: number;
}

/** One workspace's birthday points for its local day at `now`. */
export async function awardBirthdayPoints(database: Database, tenantId: string, now: Date): Promise<BirthdayRun> {
  const run: BirthdayRun = { awarded: 0 };
  const programs = await programsForEvent(database.db, tenantId, 'customer.birthday');
  if (programs.length === 0) return run;
  const today = localIsoDay(now, (await workspaceSettings(database.db, tenantId)).timeZone);
  for (const calendar of CALENDARS) {
    const born = await database.db.select({ id: customers.id }).from(customers).where(and(
      eq(customers.tenantId, tenantId), sql`${customers.birthday} = ANY(${sql.param(birthdayCandidates(calendar, today))}::date[])`,
      sql`coalesce(${customers.birthdayCalendar}, 'gregory') = ${calendar}`, sql`${customers.mergedInto} IS NULL AND ${customers.erasedAt} IS NULL`,
    ));
    const year = calendarYear(calendar, today);
    for (const { id: customerId } of born) {
      for (const program of programs) {
        const points = program.settings.events.find((r) => r.topic === 'customer.birthday')?.points ?? 0;
        try {
          const awarded = await database.db.transaction((tx) =>
            awardEvent(tx, { tenantId, source: 'system:birthday-points', now }, program, { topic: 'customer.birthday', key: `${customerId}:${calendar}:${year}`, customerId, points }));
          if (awarded) run.awarded += 1;
        } catch (error) {
          // erased or merged since the read: no points for them
          if (error instanceof Problem && (error.status === 404 || error.status === 409)) continue;
          throw error;
        }
      }
    }
  }
  return run;
}

/** Hourly (a workspace's local day starts at any hour of UTC's): birthday points, once a year each. */
export const birthdayPointsJob = defineJob({
  name: 'loyalty.birthday-points',
  every: '41 * * * *',
  payload: z.object({}),
  retryLimit: 2,
  run: async (_payload, { database, clock, log }) => {
    const now = clock.now();
    const { rows } = await database.db.execute<{ id: string }>(sql`
      SELECT w.id FROM workspaces w WHERE EXISTS (
        SELECT 1 FROM loyalty_programs p WHERE p.tenant_id = w.id AND p.status = 'active' AND p.settings -> 'events' @> '[{"topic":"customer.birthday"}]'::jsonb)`);
    let awarded = 0;
    for (const { id } of rows) awarded += (await awardBirthdayPoints(database, id, now)).awarded;
    if (awarded > 0) log.info({ awarded }, 'loyalty birthday points');
  },
});
