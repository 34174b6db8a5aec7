import type { FollowupMetricsQuery, FollowupMetricsView } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { businessMinutesBetween } from '../../platform/time/business-hours.ts';
import { durationStats, followupsPerDay, followupTimings, type FollowupTiming } from './followup.repo.ts';
import { businessCalendarOf } from './followup.service.ts';
import { metricsPeriod } from './metrics-period.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const REPURCHASE_WINDOW_MS = 90 * DAY_MS;

const mean = (values: number[]) => (values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length);

/**
 * Wait-time metrics of the follow-ups opened in [from, to) (default: the last 30 days), for the
 * insights module and the queue's dashboard. First response: opened → first attempt; waiting:
 * opened → closed, or → now while open. Both in wall and in business minutes of the workspace.
 */
export async function followupMetrics(db: Executor, tenantId: string, query: FollowupMetricsQuery, now = new Date()): Promise<FollowupMetricsView> {
  const { from, to } = metricsPeriod(query, now);
  const rows = await followupTimings(db, tenantId, from, to);
  const cal = await businessCalendarOf(db, tenantId);
  const at = (ms: number) => new Date(ms);
  const nowMs = now.getTime();

  const responded = rows.filter((r): r is FollowupTiming & { firstResponseAt: number } => r.firstResponseAt !== null);
  const firstWall = responded.map((r) => (r.firstResponseAt - r.createdAt) / MINUTE_MS);
  const firstBusiness = responded.map((r) => businessMinutesBetween(at(r.createdAt), at(r.firstResponseAt), cal));
  const waitEnd = (r: FollowupTiming) => r.completedAt ?? Math.max(nowMs, r.createdAt);
  const waitWall = rows.map((r) => (waitEnd(r) - r.createdAt) / MINUTE_MS);
  const waitBusiness = rows.map((r) => businessMinutesBetween(at(r.createdAt), at(waitEnd(r)), cal));
  const [fw, fb, ww, wb] = await durationStats(db, [firstWall, firstBusiness, waitWall, waitBusiness]);
  const daily = await followupsPerDay(db, tenantId, from, to, cal.timeZone);

  const isOverdue = (r: FollowupTiming) => r.status === 'open' && r.dueAt < nowMs;
  const outcomes = { reached: 0, no_answer: 0, resolved: 0, escalated: 0 };
  for (const r of rows) if (r.outcome && r.outcome in outcomes) outcomes[r.outcome as keyof typeof outcomes]++;

  const byAssignee = new Map<string | null, FollowupTiming[]>();
  for (const r of rows) byAssignee.set(r.assigneeId, [...(byAssignee.get(r.assigneeId) ?? []), r]);

  // Only follow-ups whose 90-day window has passed (or that already repurchased) can be judged.
  const eligible = rows.filter((r) => r.repurchasedAt !== null || r.createdAt + REPURCHASE_WINDOW_MS <= nowMs);
  const repurchased = rows.filter((r) => r.repurchasedAt !== null).length;

  return {
    from: from.toISOString(),
    to: to.toISOString(),
    counts: {
      opened: rows.length,
      done: rows.filter((r) => r.status === 'done').length,
      open: rows.filter((r) => r.status === 'open').length,
      overdue: rows.filter(isOverdue).length,
    },
    firstResponse: { wallMinutes: fw!, businessMinutes: fb! },
    waiting: { wallMinutes: ww!, businessMinutes: wb! },
    outcomes,
    byAssignee: [...byAssignee.entries()]
      .map(([assigneeId, list]) => ({
        assigneeId,
        opened: list.length,
        done: list.filter((r) => r.status === 'done').length,
        open: list.filter((r) => r.status === 'open').length,
        overdue: list.filter(isOverdue).length,
        firstResponseMeanMinutes: mean(list.flatMap((r) => (r.firstResponseAt === null ? [] : [(r.firstResponseAt - r.createdAt) / MINUTE_MS]))),
        waitingMeanMinutes: mean(list.map((r) => (waitEnd(r) - r.createdAt) / MINUTE_MS)),
      }))
      .sort((a, b) => b.opened - a.opened || String(a.assigneeId).localeCompare(String(b.assigneeId))),
    churnSave: { eligible: eligible.length, repurchased, rate: eligible.length === 0 ? null : repurchased / eligible.length },
    daily,
  };
}
