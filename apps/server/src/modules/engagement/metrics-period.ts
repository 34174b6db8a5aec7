import { Problem } from '../../platform/http/problem.ts';

const DAY_MS = 86_400_000;
/** Business minutes and day series grow with the period; a bounded period keeps a request bounded. */
export const MAX_PERIOD_DAYS = 400;

/** [from, to) of a metrics request: the last 30 days unless given; a 400 when empty, reversed or too long. */
export function metricsPeriod(query: { from?: string; to?: string }, now: Date): { from: Date; to: Date } {
  const to = query.to ? new Date(query.to) : now;
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - 30 * DAY_MS);
  if (from.getTime() >= to.getTime() || to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY_MS) {
    throw new Problem(400, 'invalid_period', { days: MAX_PERIOD_DAYS }, [{ field: 'querystring.from', code: 'invalid_period', message: 'invalid_period' }]);
  }
  return { from, to };
}
