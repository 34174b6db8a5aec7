// SQL of the complaint reports' rollups: the figures of local days computed from
// complaint_case_facts (to fold them into complaint_report_days, or to read the days not folded),
// the folded rows, the dirty days and the rollup state.
import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { addStoredHistogram, histogramBucketSql, type Histogram } from './complaint-report.histogram.ts';
import type { DaySpan, ReportFilters } from './complaint-report.shared.ts';

export const SLA_TARGETS = [
  { target: 'acknowledge', policy: 'acknowledge_minutes', measured: 'ack_sla_measured', breached: 'ack_sla_breached' },
  { target: 'firstResponse', policy: 'first_response_minutes', measured: 'first_response_sla_measured', breached: 'first_response_sla_breached' },
  { target: 'resolve', policy: 'resolve_minutes', measured: 'resolve_sla_measured', breached: 'resolve_sla_breached' },
] as const;
export type SlaTarget = (typeof SLA_TARGETS)[number]['target'];

/** One day's figures (of one combination of filters), as folded or as computed from the facts. */
export interface DayFigures {
  received: number;
  acknowledged: number;
  ackMinutes: Histogram;
  closed: number;
  reopened: number;
  resolveMinutes: Histogram;
  sla: Record<SlaTarget, { measured: number; breached: number }>;
  /** '' for no root cause */
  rootCauses: Record<string, number>;
}

export const emptyDay = (): DayFigures => ({
  received: 0, acknowledged: 0, ackMinutes: [], closed: 0, reopened: 0, resolveMinutes: [],
  sla: { acknowledge: { measured: 0, breached: 0 }, firstResponse: { measured: 0, breached: 0 }, resolve: { measured: 0, breached: 0 } },
  rootCauses: {},
});

/** Which figures a report reads; the others are left at zero. */
export interface FigureNeeds {
  received?: boolean;
  acknowledged?: boolean;
  closed?: boolean;
  resolveMinutes?: boolean;
  sla?: boolean;
  rootCauses?: boolean;
}
export const ALL_FIGURES: Required<FigureNeeds> = { received: true, acknowledged: true, closed: true, resolveMinutes: true, sla: true, rootCauses: true };

/** The `summed_over` bits of a report's filters: a dimension without a filter is summed over. */
export const summedOverOf = (f: ReportFilters) => (f.team === undefined ? 4 : 0) | (f.channel === undefined ? 2 : 0) | (f.category === undefined ? 1 : 0);

/**
 * Every combination of team, channel and category and every sum over them (the fold), or the
 * cases matching a report's filters (a read).
 */
type Scope = { kind: 'cube' } | { kind: 'filtered'; filters: ReportFilters };

interface Axis {
  tenantId: string;
  timeZone: string;
  spans: DaySpan[];
  scope: Scope;
}

/**
 * Which facts `f` count: the workspace's whose `column` falls in the spans, each span a range of
 * the column's index with bounds the planner can estimate (joined to a list of spans, it could
 * not, and scanned the whole workspace).
 */
function factsIn(a: Axis, column: SQL): SQL {
  const ranges = a.spans.map((s) => sql`(${column} >= (${s.from}::date)::timestamp AT TIME ZONE ${a.timeZone} AND ${column} < (${s.to}::date)::timestamp AT TIME ZONE ${a.timeZone})`);
  const filters: SQL[] = [];
  if (a.scope.kind === 'filtered') {
    if (a.scope.filters.team !== undefined) filters.push(sql` AND f.team = ${a.scope.filters.team}`);
    if (a.scope.filters.channel !== undefined) filters.push(sql` AND f.channel = ${a.scope.filters.channel}`);
    if (a.scope.filters.category !== undefined) filters.push(sql` AND f.category = ${a.scope.filters.category}`);
  }
  return sql`f.tenant_id = ${a.tenantId} AND (${sql.join(ranges, sql` OR `)})${sql.join(filters, sql``)}`;
}

/** The key columns (summed_over, team, channel, category) of an aggregate over `x`, and its GROUP BY. */
function keysOf(a: Axis, extra: SQL[] = []): { keys: SQL; groupBy: SQL } {
  const by = sql.join([sql`x.day`, ...extra], sql`, `);
  if (a.scope.kind === 'cube') {
    return {
      keys: sql`GROUPING(x.team, x.channel, x.category)::smallint AS summed_over, coalesce(x.team, '') AS team, coalesce(x.channel, '') AS channel, coalesce(x.category, '') AS category`,
      groupBy: sql`${by}, CUBE(x.team, x.channel, x.category)`,
    };
  }
  const f = a.scope.filters;
  return {
    keys: sql`${summedOverOf(f)}::smallint AS summed_over, ${f.team ?? ''}::text AS team, ${f.channel ?? ''}::text AS channel, ${f.category ?? ''}::text AS category`,
    groupBy: by,
  };
}

const KEY_COLUMNS = sql.raw('summed_over, team, channel, category, day');

/** Cases received per day: (keys, day, received). */
function receivedAxis(a: Axis): SQL {
  const { keys, groupBy } = keysOf(a);
  return sql`
    WITH x AS (
      SELECT (f.received_at AT TIME ZONE ${a.timeZone})::date AS day, f.team, f.channel, f.category
      FROM complaint_case_facts f WHERE ${factsIn(a, sql`f.received_at`)}
    )
    SELECT ${keys}, x.day, count(*)::int AS received FROM x GROUP BY ${groupBy}`;
}

/** Cases first acknowledged per day and their minutes from receipt: (keys, day, acknowledged, ack_minutes). */
function acknowledgedAxis(a: Axis): SQL {
  const { keys, groupBy } = keysOf(a, [sql`x.bucket`]);
  return sql`
    WITH x AS (
      SELECT (f.acknowledged_at AT TIME ZONE ${a.timeZone})::date AS day, f.team, f.channel, f.category,
             ${histogramBucketSql(sql`f.acknowledged_at - f.received_at`)} AS bucket
      FROM complaint_case_facts f WHERE ${factsIn(a, sql`f.acknowledged_at`)}
    ),
    h AS (SELECT ${keys}, x.day, x.bucket, count(*)::int AS n FROM x GROUP BY ${groupBy})
    SELECT ${KEY_COLUMNS}, sum(n)::int AS acknowledged, jsonb_object_agg(bucket, n) AS ack_minutes FROM h GROUP BY ${KEY_COLUMNS}`;
}

/**
 * Cases first closed per day: (keys, day, closed, reopened) and, as asked, resolve_minutes (from
 * receipt), the SLA columns (the case's policy has the target; the engine recorded its breach)
 * and root_causes (of the last closure).
 */
function closedAxis(a: Axis, needs: FigureNeeds): SQL {
  const counts = keysOf(a);
  const sla = needs.sla ?? false;
  const xColumns: SQL[] = [
    sql`(f.first_closed_at AT TIME ZONE ${a.timeZone})::date AS day`, sql`f.team`, sql`f.channel`, sql`f.category`,
    sql`f.reopened_at IS NOT NULL AS reopened`,
  ];
  if (needs.resolveMinutes) xColumns.push(sql`${histogramBucketSql(sql`f.first_closed_at - f.received_at`)} AS bucket`);
  if (needs.rootCauses) xColumns.push(sql`coalesce(f.root_cause, '') AS cause`);
  if (sla) {
    for (const t of SLA_TARGETS) {
      xColumns.push(sql.raw(`pol.${t.policy} IS NOT NULL AS m_${t.measured}`));
      xColumns.push(sql`(pol.${sql.raw(t.policy)} IS NOT NULL AND ${`breach:${t.target}`} = ANY(s.published)) AS ${sql.raw(`b_${t.breached}`)}`);
    }
  }
  const slaJoin = sla
    ? sql`
      LEFT JOIN complaint_case_sla s ON s.tenant_id = f.tenant_id AND s.case_id = f.case_id
      LEFT JOIN complaint_sla_policies pol ON pol.tenant_id = s.tenant_id AND pol.id = s.policy_id`
    : sql``;
  const slaCounts = sla
    ? sql.raw(SLA_TARGETS.map((t) => `, count(*) FILTER (WHERE x.m_${t.measured})::int AS ${t.measured}, count(*) FILTER (WHERE x.b_${t.breached})::int AS ${t.breached}`).join(''))
    : sql``;
  // The counts, the histogram and the causes are aggregated apart and put together by key with a
  // UNION ALL and one more GROUP BY: joining them, the planner expects one row per key and loops.
  const slaNames = sla ? SLA_TARGETS.flatMap((t) => [t.measured, t.breached]) : [];
  const none = (names: string[]) => sql.raw(names.map((n) => `, NULL::int AS ${n}`).join(''));
  const parts: SQL[] = [sql`
    SELECT ${counts.keys}, x.day, count(*)::int AS closed, count(*) FILTER (WHERE x.reopened)::int AS reopened${slaCounts},
           NULL::jsonb AS resolve_minutes, NULL::jsonb AS root_causes
    FROM x GROUP BY ${counts.groupBy}`];
  if (needs.resolveMinutes) {
    const k = keysOf(a, [sql`x.bucket`]);
    parts.push(sql`
      SELECT ${KEY_COLUMNS}, NULL::int, NULL::int${none(slaNames)}, jsonb_object_agg(bucket, n), NULL::jsonb
      FROM (SELECT ${k.keys}, x.day, x.bucket, count(*)::int AS n FROM x GROUP BY ${k.groupBy}) h GROUP BY ${KEY_COLUMNS}`);
  }
  if (needs.rootCauses) {
    const k = keysOf(a, [sql`x.cause`]);
    parts.push(sql`
      SELECT ${KEY_COLUMNS}, NULL::int, NULL::int${none(slaNames)}, NULL::jsonb, jsonb_object_agg(cause, n)
      FROM (SELECT ${k.keys}, x.day, x.cause, count(*)::int AS n FROM x GROUP BY ${k.groupBy}) r GROUP BY ${KEY_COLUMNS}`);
  }
  const taken = (name: string, type: 'int' | 'jsonb') =>
    type === 'int' ? `sum(${name})::int AS ${name}` : `(array_agg(${name}) FILTER (WHERE ${name} IS NOT NULL))[1] AS ${name}`;
  const aggregates = [
    ...['closed', 'reopened', ...slaNames].map((n) => taken(n, 'int')),
    ...(needs.resolveMinutes ? [taken('resolve_minutes', 'jsonb')] : []),
    ...(needs.rootCauses ? [taken('root_causes', 'jsonb')] : []),
  ];
  return sql`
    WITH x AS (SELECT ${sql.join(xColumns, sql`, `)} FROM complaint_case_facts f${slaJoin} WHERE ${factsIn(a, sql`f.first_closed_at`)})
    SELECT ${KEY_COLUMNS}, ${sql.raw(aggregates.join(', '))}
    FROM (${sql.join(parts, sql` UNION ALL `)}) u
    GROUP BY ${KEY_COLUMNS}`;
}

const SLA_COLUMN_NAMES = SLA_TARGETS.flatMap((t) => [t.measured, t.breached]);

/**
 * Folds the spans: their rows of complaint_report_days replaced by what the facts say now, for
 * every combination and sum. Run in the caller's transaction, so a fold is whole or nothing.
 */
export async function foldSpans(tx: Executor, tenantId: string, timeZone: string, spans: DaySpan[]): Promise<void> {
  if (spans.length === 0) return;
  const a: Axis = { tenantId, timeZone, spans, scope: { kind: 'cube' } };
  // A month of a large workspace's cases sorted and hashed eight ways: in memory, for this transaction only.
  await tx.execute(sql`SET LOCAL work_mem = '64MB'`);
  const days = sql.join(spans.map((s) => sql`(day >= ${s.from}::date AND day < ${s.to}::date)`), sql` OR `);
  await tx.execute(sql`DELETE FROM complaint_report_days WHERE tenant_id = ${tenantId} AND (${days})`);
  await tx.execute(sql`
    INSERT INTO complaint_report_days (tenant_id, ${KEY_COLUMNS}, received)
    SELECT ${tenantId}::uuid, q.* FROM (${receivedAxis(a)}) q`);
  await tx.execute(sql`
    INSERT INTO complaint_report_days (tenant_id, ${KEY_COLUMNS}, acknowledged, ack_minutes)
    SELECT ${tenantId}::uuid, q.* FROM (${acknowledgedAxis(a)}) q
    ON CONFLICT (tenant_id, ${KEY_COLUMNS}) DO UPDATE SET acknowledged = EXCLUDED.acknowledged, ack_minutes = EXCLUDED.ack_minutes`);
  const closedColumns = ['closed', 'reopened', ...SLA_COLUMN_NAMES, 'resolve_minutes', 'root_causes'];
  await tx.execute(sql`
    INSERT INTO complaint_report_days (tenant_id, ${KEY_COLUMNS}, ${sql.raw(closedColumns.join(', '))})
    SELECT ${tenantId}::uuid, q.* FROM (${closedAxis(a, ALL_FIGURES)}) q
    ON CONFLICT (tenant_id, ${KEY_COLUMNS}) DO UPDATE SET ${sql.raw(closedColumns.map((c) => `${c} = EXCLUDED.${c}`).join(', '))}`);
}

type Row = Record<string, unknown> & { day: string };

function addRow(into: DayFigures, r: Row): void {
  if (r.received !== undefined) into.received += Number(r.received);
  if (r.acknowledged !== undefined) into.acknowledged += Number(r.acknowledged);
  if (r.closed !== undefined) into.closed += Number(r.closed);
  if (r.reopened !== undefined) into.reopened += Number(r.reopened);
  for (const t of SLA_TARGETS) {
    if (r[t.measured] !== undefined) into.sla[t.target].measured += Number(r[t.measured]);
    if (r[t.breached] !== undefined) into.sla[t.target].breached += Number(r[t.breached]);
  }
  addStoredHistogram(into.ackMinutes, r.ack_minutes as Record<string, number> | undefined);
  addStoredHistogram(into.resolveMinutes, r.resolve_minutes as Record<string, number> | undefined);
  for (const [code, n] of Object.entries((r.root_causes ?? {}) as Record<string, number>)) into.rootCauses[code] = (into.rootCauses[code] ?? 0) + Number(n);
}

function collect(rows: Row[], into: Map<string, DayFigures>): void {
  for (const r of rows) {
    let day = into.get(r.day);
    if (!day) into.set(r.day, (day = emptyDay()));
    addRow(day, r);
  }
}

/** The figures of the spans' days computed from the facts for a report's filters, added into `into` by day. */
export async function liveDays(db: Executor, tenantId: string, timeZone: string, spans: DaySpan[], filters: ReportFilters, needs: FigureNeeds, into: Map<string, DayFigures>): Promise<void> {
  if (spans.length === 0) return;
  const a: Axis = { tenantId, timeZone, spans, scope: { kind: 'filtered', filters } };
  const queries: SQL[] = [];
  if (needs.received) queries.push(receivedAxis(a));
  if (needs.acknowledged) queries.push(acknowledgedAxis(a));
  if (needs.closed || needs.resolveMinutes || needs.sla || needs.rootCauses) queries.push(closedAxis(a, needs));
  for (const query of queries) {
    const { rows } = await db.execute<Row>(query);
    collect(rows, into);
  }
}

/** The folded rows of a report's filters over [from, to] (inclusive), added into `into` by day, skipping `skip`. */
export async function foldedDays(db: Executor, tenantId: string, from: string, to: string, filters: ReportFilters, needs: FigureNeeds, skip: Set<string>, into: Map<string, DayFigures>): Promise<void> {
  const columns: string[] = [];
  if (needs.received) columns.push('received');
  if (needs.acknowledged) columns.push('acknowledged', 'ack_minutes');
  if (needs.closed) columns.push('closed', 'reopened');
  if (needs.resolveMinutes) columns.push('resolve_minutes');
  if (needs.sla) columns.push(...SLA_COLUMN_NAMES);
  if (needs.rootCauses) columns.push('root_causes');
  const { rows } = await db.execute<Row>(sql`
    SELECT day, ${sql.raw(columns.join(', '))} FROM complaint_report_days
    WHERE tenant_id = ${tenantId} AND summed_over = ${summedOverOf(filters)} AND team = ${filters.team ?? ''} AND channel = ${filters.channel ?? ''}
      AND category = ${filters.category ?? ''} AND day >= ${from}::date AND day <= ${to}::date`);
  collect(rows.filter((r) => !skip.has(r.day)), into);
}

/** Days in [from, to] marked dirty since the last fold. */
export async function dirtyDaysBetween(db: Executor, tenantId: string, from: string, to: string): Promise<string[]> {
  const { rows } = await db.execute<{ day: string }>(sql`
    SELECT DISTINCT day FROM complaint_report_dirty_days WHERE tenant_id = ${tenantId} AND day >= ${from}::date AND day <= ${to}::date`);
  return rows.map((r) => r.day);
}

/** Takes the marks of the workspace's first `limit` dirty days, and returns those days (folded in the same transaction). */
export async function takeDirtyDays(tx: Executor, tenantId: string, limit: number): Promise<string[]> {
  const { rows } = await tx.execute<{ day: string }>(sql`
    DELETE FROM complaint_report_dirty_days WHERE tenant_id = ${tenantId}
      AND day IN (SELECT DISTINCT day FROM complaint_report_dirty_days WHERE tenant_id = ${tenantId} ORDER BY day LIMIT ${limit})
    RETURNING day`);
  return [...new Set(rows.map((r) => r.day))].sort();
}

export interface RollupState {
  timeZone: string;
  foldedUntil: string | null;
  markBefore: Date;
  advanceTo: string | null;
  advanceAfterXid: number | null;
}

/** The rollup state, and the workspace's time zone now. */
export async function rollupState(db: Executor, tenantId: string): Promise<{ zone: string; state: RollupState | null }> {
  const { rows: [row] } = await db.execute<{
    zone: string; time_zone: string | null; folded_until: string | null; mark_before: string | null; advance_to: string | null; advance_after_xid: number | null;
  }>(sql`
    SELECT w.time_zone AS zone, s.time_zone, s.folded_until, to_json(s.mark_before)#>>'{}' AS mark_before, s.advance_to, s.advance_after_xid
    FROM workspaces w LEFT JOIN complaint_report_rollup_state s ON s.tenant_id = w.id
    WHERE w.id = ${tenantId}`);
  if (!row) throw new Error(`no workspace ${tenantId}`);
  return {
    zone: row.zone,
    state: row.time_zone === null ? null : {
      timeZone: row.time_zone, foldedUntil: row.folded_until, markBefore: new Date(row.mark_before!), advanceTo: row.advance_to,
      advanceAfterXid: row.advance_after_xid === null ? null : Number(row.advance_after_xid),
    },
  };
}
