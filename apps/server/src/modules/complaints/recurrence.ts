// Recurring-problem detection: a (category, product) pair with at least `threshold` cases received
// within `windowDays` raises one alert. The next alert for the pair counts only cases received after
// the last one's window end, so a pair alerts once per window and a second run finds nothing new.
import { randomUUID } from 'node:crypto';
import { RECURRENCE_DEFAULTS, type RecurrenceAlertPage, type RecurrenceAlertQuery, type RecurrenceAlertView, type RecurrenceSettings, type UpdateRecurrenceAlert } from '@vafa/contracts';
import { and, desc, eq, lt, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Database, Executor } from '../../platform/db/connect.ts';
import { publishEvents } from '../../platform/events/outbox.ts';
import type { Actor } from '../../platform/http/access.ts';
import { Problem, invalidField, notFound } from '../../platform/http/problem.ts';
import { defineJob } from '../../platform/jobs/registry.ts';
import { recordAudit } from '../workspace/index.ts';
import { complaintInsightSettings, complaintPreventiveActions, complaintRecurrenceAlerts } from './complaint-insights.schema.ts';

const DAY_MS = 86_400_000;

export async function recurrenceSettings(db: Executor, tenantId: string): Promise<RecurrenceSettings> {
  const [row] = await db.select().from(complaintInsightSettings).where(eq(complaintInsightSettings.tenantId, tenantId));
  return row ? { enabled: row.recurrenceEnabled, threshold: row.recurrenceThreshold, windowDays: row.recurrenceWindowDays } : { ...RECURRENCE_DEFAULTS };
}

export async function saveRecurrenceSettings(tx: Executor, tenantId: string, actor: Actor, input: RecurrenceSettings, ip: string, now = new Date()): Promise<RecurrenceSettings> {
  const values = { recurrenceEnabled: input.enabled, recurrenceThreshold: input.threshold, recurrenceWindowDays: input.windowDays, updatedAt: now };
  await tx.insert(complaintInsightSettings).values({ tenantId, ...values }).onConflictDoUpdate({ target: complaintInsightSettings.tenantId, set: values });
  await recordAudit(tx, tenantId, actor, { action: 'complaint.recurrence_settings.updated', targetType: 'workspace', targetId: tenantId, ip, details: { ...input } });
  return recurrenceSettings(tx, tenantId);
}

type AlertRow = typeof complaintRecurrenceAlerts.$inferSelect;

const presentAlert = (r: AlertRow): RecurrenceAlertView => ({
  id: r.id, category: r.category, product: r.product, caseCount: r.caseCount, threshold: r.threshold, windowDays: r.windowDays,
  windowStart: r.windowStart.toISOString(), windowEnd: r.windowEnd.toISOString(), status: r.status as RecurrenceAlertView['status'],
  preventiveActionId: r.preventiveActionId, raisedAt: r.raisedAt.toISOString(), decidedBy: r.decidedBy, decidedAt: r.decidedAt ? r.decidedAt.toISOString() : null,
});

/** Raises the alerts due in one workspace at `now`; returns how many. */
export async function detectRecurrences(tx: Executor, tenantId: string, settings: RecurrenceSettings, now: Date): Promise<number> {
  // Two runs at once (a retry beside the schedule) take turns, so the second sees the first's alerts.
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('complaint-recurrence'), hashtext(${tenantId}))`);
  const windowStart = new Date(now.getTime() - settings.windowDays * DAY_MS);
  // One index range scan of the window (complaint_case_facts_received_idx covers category and
  // product); each pair counts from its last alert's window end when that is later.
  const { rows } = await tx.execute<{ category: string; product: string | null; n: number }>(sql`
    WITH last AS (
      SELECT category, product_key, max(window_end) AS until FROM complaint_recurrence_alerts
      WHERE tenant_id = ${tenantId} AND window_end > ${windowStart.toISOString()}::timestamptz GROUP BY category, product_key
    )
    SELECT f.category, f.product, count(*)::int AS n
    FROM complaint_case_facts f
    LEFT JOIN last l ON l.category = f.category AND l.product_key = coalesce(f.product, '')
    WHERE f.tenant_id = ${tenantId} AND f.received_at >= ${windowStart.toISOString()}::timestamptz AND f.received_at < ${now.toISOString()}::timestamptz
      AND f.category IS NOT NULL AND (l.until IS NULL OR f.received_at >= l.until)
    GROUP BY f.category, f.product
    HAVING count(*) >= ${settings.threshold}`);
  if (rows.length === 0) return 0;
  const alerts = rows.map((r) => ({
    tenantId, id: randomUUID(), category: r.category, product: r.product, productKey: r.product ?? '', caseCount: r.n,
    threshold: settings.threshold, windowDays: settings.windowDays, windowStart, windowEnd: now, status: 'open', raisedAt: now,
  }));
  const raised = await tx.insert(complaintRecurrenceAlerts).values(alerts).onConflictDoNothing().returning();
  await publishEvents(tx, tenantId, raised.map((a) => ({
    topic: 'complaint.recurrence_detected',
    payload: {
      alertId: a.id, category: a.category, product: a.product, caseCount: a.caseCount, threshold: a.threshold, windowDays: a.windowDays,
      windowStart: a.windowStart.toISOString(), windowEnd: a.windowEnd.toISOString(), occurredAt: now.toISOString(),
    },
  })));
  return raised.length;
}

/** Every workspace with detection on (the default), one transaction each. */
export async function detectRecurringProblems(database: Database, now: Date): Promise<number> {
  const { rows } = await database.db.execute<{ id: string; enabled: boolean | null; threshold: number | null; window_days: number | null }>(sql`
    SELECT w.id, s.recurrence_enabled AS enabled, s.recurrence_threshold AS threshold, s.recurrence_window_days AS window_days
    FROM workspaces w LEFT JOIN complaint_insight_settings s ON s.tenant_id = w.id
    WHERE coalesce(s.recurrence_enabled, true)`);
  let total = 0;
  for (const w of rows) {
    const settings = { enabled: true, threshold: w.threshold ?? RECURRENCE_DEFAULTS.threshold, windowDays: w.window_days ?? RECURRENCE_DEFAULTS.windowDays };
    total += await database.db.transaction((tx) => detectRecurrences(tx, w.id, settings, now));
  }
  return total;
}

export const detectRecurringProblemsJob = defineJob({
  name: 'complaints.detect-recurrences',
  every: '*/15 * * * *',
  payload: z.object({}),
  retryLimit: 2,
  run: async (_payload, { database, clock, log }) => {
    const raised = await detectRecurringProblems(database, clock.now());
    if (raised > 0) log.info({ raised }, 'recurring complaint problems detected');
  },
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const encodeCursor = (row: { raisedAt: Date; id: string }) => Buffer.from(`${row.raisedAt.toISOString()}|${row.id}`, 'utf8').toString('base64url');
function decodeCursor(cursor: string): { raisedAt: Date; id: string } {
  const [at, id, extra] = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8').split('|') : [];
  const raisedAt = new Date(at ?? '');
  if (extra !== undefined || !id || !UUID.test(id) || Number.isNaN(raisedAt.getTime()) || raisedAt.toISOString() !== at) throw new Problem(400, 'invalid_cursor');
  return { raisedAt, id };
}

/** Newest first; keyset on (raised_at, id) descending. */
export async function listRecurrenceAlerts(db: Executor, tenantId: string, query: RecurrenceAlertQuery): Promise<RecurrenceAlertPage> {
  const t = complaintRecurrenceAlerts;
  const conditions: (SQL | undefined)[] = [eq(t.tenantId, tenantId)];
  if (query.status) conditions.push(eq(t.status, query.status));
  if (query.cursor !== undefined) {
    const after = decodeCursor(query.cursor);
    conditions.push(or(lt(t.raisedAt, after.raisedAt), and(eq(t.raisedAt, after.raisedAt), lt(t.id, after.id))));
  }
  const rows = await db.select().from(t).where(and(...conditions)).orderBy(desc(t.raisedAt), desc(t.id)).limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  return { items: page.map(presentAlert), nextCursor: rows.length > query.limit ? encodeCursor(page[page.length - 1]!) : null };
}

export async function updateRecurrenceAlert(tx: Executor, tenantId: string, actor: Actor, id: string, patch: UpdateRecurrenceAlert, ip: string, now = new Date()): Promise<RecurrenceAlertView> {
  const t = complaintRecurrenceAlerts;
  const [row] = await tx.select().from(t).where(and(eq(t.tenantId, tenantId), eq(t.id, id))).for('update');
  if (!row) throw notFound();
  const set: Partial<typeof t.$inferInsert> = {};
  if (patch.status !== undefined && patch.status !== row.status) {
    set.status = patch.status;
    set.decidedBy = patch.status === 'open' ? null : `${actor.kind}:${actor.id}`;
    set.decidedAt = patch.status === 'open' ? null : now;
  }
  if (patch.preventiveActionId !== undefined) {
    if (patch.preventiveActionId !== null) {
      const [action] = await tx.select({ id: complaintPreventiveActions.id }).from(complaintPreventiveActions)
        .where(and(eq(complaintPreventiveActions.tenantId, tenantId), eq(complaintPreventiveActions.id, patch.preventiveActionId)));
      if (!action) throw invalidField('preventiveActionId', 'unknown_preventive_action');
    }
    set.preventiveActionId = patch.preventiveActionId;
  }
  const [updated] = Object.keys(set).length === 0 ? [row] : await tx.update(t).set(set).where(and(eq(t.tenantId, tenantId), eq(t.id, id))).returning();
  await recordAudit(tx, tenantId, actor, { action: 'complaint.recurrence_alert.updated', targetType: 'complaint_recurrence_alert', targetId: id, ip, details: { ...patch, statusFrom: row.status } });
  return presentAlert(updated!);
}
