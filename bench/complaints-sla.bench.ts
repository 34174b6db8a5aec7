import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { ComplaintQueueQuery } from '@vafa/contracts';
import type { Actor } from '../apps/server/src/platform/http/access.ts';
import { complaintQueue, runSlaScan, slaConfig } from '../apps/server/src/modules/complaints/complaint-sla.service.ts';
import { createWorkspace } from '../apps/server/src/modules/workspace/index.ts';
import { benchDatabase, percentile, report } from './lib.ts';

// The complaint SLA engine at volume: one workspace with CASES open cases (received over the last
// 30 days, 20 teams of 10 agents: 200 agents), each with its log (receipt and acknowledgement) and
// its SLA index row, generated set-based into bench/.work/data-complaints-sla and reused.
//  - scan: the minute job with nothing due (the index probe every run pays) and with DUE cases
//    due (each recomputed from its log; warnings, breaches and escalations as they fall);
//  - queue: an agent's page of 50 filtered by team and SLA state (and by assignee), each item's
//    SLA evaluated from its log, p50/p95 over RUNS.
const CASES = Number(process.env.BENCH_CASES ?? 1_000_000);
const DUE = Number(process.env.BENCH_DUE ?? 1_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 50);
const SCAN_RUNS = Number(process.env.BENCH_SCAN_RUNS ?? 5);
const TEAMS = 20;
const AGENTS_PER_TEAM = 10;
const SLUG = 'complaints-sla-bench';

const database = await benchDatabase('complaints-sla');
const { db } = database;

async function existing(): Promise<string | undefined> {
  const { rows } = await db.execute<{ id: string }>(sql`SELECT id FROM workspaces WHERE slug = ${SLUG}`);
  const id = rows[0]?.id;
  if (!id) return undefined;
  const { rows: [count] } = await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM complaint_case_sla WHERE tenant_id = ${id} AND case_state <> 'closed'`);
  return count!.n >= CASES ? id : undefined;
}

/** Agent ids: md5-made uuids, agent a of team t. */
const agentId = (team: string, agent: string) => sql.raw(`md5('agent-' || ${team} || '-' || ${agent})::uuid`);

async function generate(): Promise<{ tenantId: string; seconds: number }> {
  const started = performance.now();
  const { rows: old } = await db.execute<{ id: string }>(sql`SELECT id FROM workspaces WHERE slug = ${SLUG}`);
  if (old[0]) {
    for (const table of ['complaint_case_sla', 'complaint_case_events', 'complaint_cases', 'outbox_events']) await db.execute(sql`DELETE FROM ${sql.raw(table)} WHERE tenant_id = ${old[0].id}`);
  }
  const tenantId = old[0]?.id ?? await db.transaction(async (tx) => (await createWorkspace(tx, { name: 'Complaints SLA bench', slug: SLUG, defaultLanguage: 'fa', defaultCountry: 'IR' })).id);
  // The index rows are generated with their states below; the insert trigger would mark every case due.
  await db.execute(sql`ALTER TABLE complaint_cases DISABLE TRIGGER complaint_case_sla_follow_case`);
  try {
    await db.execute(sql`
      INSERT INTO complaint_cases (tenant_id, id, tracking_code, channel, category, severity, description, assignee_id, team, state, created_by, received_at, created_at, updated_at)
      SELECT ${tenantId}::uuid, md5('case-' || i)::uuid, lpad(i::text, 16, '0'), 'phone', 'cat-' || (i % 8), (ARRAY['low','medium','high','critical'])[1 + i % 4],
             'The parcel arrived broken and nobody answered the phone.', ${agentId('(i % 20)', '((i / 20) % 10)')}, 'team-' || (i % ${TEAMS}),
             'acknowledged', 'bench', now() - (i % 43200) * interval '1 minute', now(), now()
      FROM generate_series(1, ${CASES}) AS i`);
    await db.execute(sql`
      INSERT INTO complaint_case_events (tenant_id, case_id, at, kind, action, from_state, to_state, actor_type, actor_id, details)
      SELECT c.tenant_id, c.id, c.received_at + e.offset_, 'transition', e.action, e.from_, e.to_, 'agent', 'bench', '{}'::jsonb
      FROM complaint_cases c
      CROSS JOIN (VALUES (interval '0', 'receive', NULL, 'received'), (interval '5 minutes', 'acknowledge', 'received', 'acknowledged')) AS e(offset_, action, from_, to_)
      WHERE c.tenant_id = ${tenantId}
      ORDER BY c.received_at`);
    // SLA rows as the scan leaves them: 10 % breached, 15 % at risk, 60 % running, 10 % paused,
    // 5 % unmeasured; the next change spread over the coming week (none due now); the clocks as
    // the scan stores them (acknowledged in 5 minutes, the resolve clock in the row's state).
    await db.execute(sql`
      INSERT INTO complaint_case_sla (tenant_id, case_id, team, assignee_id, case_state, sla_state, urgency, due_at, next_change_at, computed_at, clocks)
      SELECT c.tenant_id, c.id, c.team, c.assignee_id, c.state, s.state, s.urgency, d.due, d.next_change, d.computed,
             jsonb_build_object(
               'state', s.state, 'policyId', NULL, 'policyName', 'Default', 'evaluatedAt', to_json(d.computed), 'ticking', false,
               'dueAt', CASE WHEN d.due = 'infinity' THEN NULL ELSE to_json(d.due) END, 'nextChangeAt', to_json(d.next_change),
               'targets', jsonb_build_object(
                 'acknowledge', jsonb_build_object('state', 'met', 'targetMinutes', 60, 'usedMinutes', 5, 'remainingMinutes', 55, 'dueAt', NULL, 'warningAt', NULL, 'warning', false, 'stoppedAt', to_json(c.received_at + interval '5 minutes')),
                 'firstResponse', jsonb_build_object('state', 'none', 'targetMinutes', NULL, 'usedMinutes', 0, 'remainingMinutes', NULL, 'dueAt', NULL, 'warningAt', NULL, 'warning', false, 'stoppedAt', NULL),
                 'resolve', jsonb_build_object(
                   'state', CASE s.state WHEN 'breached' THEN 'breached' WHEN 'paused' THEN 'paused' WHEN 'none' THEN 'none' ELSE 'running' END,
                   'targetMinutes', 2400, 'usedMinutes', d.used, 'remainingMinutes', 2400 - d.used,
                   'dueAt', CASE WHEN d.due = 'infinity' THEN NULL ELSE to_json(d.due) END,
                   'warningAt', CASE WHEN d.due = 'infinity' THEN NULL ELSE to_json(d.due - interval '480 minutes') END,
                   'warning', s.state IN ('at_risk', 'breached'), 'stoppedAt', NULL)))
      FROM complaint_cases c
      CROSS JOIN LATERAL (SELECT ('x' || substr(md5(c.id::text), 1, 7))::bit(28)::int AS x) h
      CROSS JOIN LATERAL (SELECT CASE WHEN h.x % 100 < 10 THEN 'breached' WHEN h.x % 100 < 25 THEN 'at_risk' WHEN h.x % 100 < 85 THEN 'ok' WHEN h.x % 100 < 95 THEN 'paused' ELSE 'none' END AS state) s0
      CROSS JOIN LATERAL (SELECT s0.state, (CASE s0.state WHEN 'breached' THEN 0 WHEN 'at_risk' THEN 1 WHEN 'ok' THEN 2 WHEN 'paused' THEN 3 ELSE 4 END)::smallint AS urgency) s
      CROSS JOIN LATERAL (SELECT
        CASE WHEN s.urgency IN (3, 4) THEN 'infinity'::timestamptz ELSE date_trunc('milliseconds', now()) + ((h.x % 20160) - 4000) * interval '1 minute' END AS due,
        CASE WHEN s.urgency IN (0, 3, 4) THEN NULL ELSE date_trunc('milliseconds', now()) + (1 + h.x % 10080) * interval '1 minute' END AS next_change,
        date_trunc('milliseconds', now()) AS computed,
        (h.x % 2400) AS used) d
      WHERE c.tenant_id = ${tenantId}`);
  } finally {
    await db.execute(sql`ALTER TABLE complaint_cases ENABLE TRIGGER complaint_case_sla_follow_case`);
  }
  await db.execute(sql`VACUUM ANALYZE complaint_cases`);
  await db.execute(sql`VACUUM ANALYZE complaint_case_events`);
  await db.execute(sql`VACUUM ANALYZE complaint_case_sla`);
  return { tenantId, seconds: Math.round((performance.now() - started) / 1000) };
}

const found = await existing();
const { tenantId, seconds } = found ? { tenantId: found, seconds: 0 } : await generate();
await slaConfig(db, tenantId); // the default policy and the compiled calendar, as the first scan would

async function explain(query: ReturnType<typeof sql>): Promise<{ seqScan: boolean; plan: string }> {
  const { rows } = await db.execute<{ 'QUERY PLAN': string }>(sql`EXPLAIN ${query}`);
  const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
  return { seqScan: /Seq Scan/.test(plan), plan };
}

// The scan's claim, as complaint-sla.repo.ts runs it.
const claimPlan = await explain(sql`
  SELECT c.tenant_id, c.id FROM complaint_case_sla s JOIN complaint_cases c ON c.tenant_id = s.tenant_id AND c.id = s.case_id
  WHERE s.next_change_at <= now() ORDER BY s.next_change_at LIMIT 500 FOR UPDATE OF c SKIP LOCKED`);

const idle: number[] = [];
for (let i = 0; i < SCAN_RUNS; i++) {
  const t0 = performance.now();
  await runSlaScan(database, new Date());
  idle.push(performance.now() - t0);
}

/** SCAN_RUNS runs with DUE cases fallen due (a random sample of the running and at-risk ones), with or without escalation on breach. */
async function busyScans(escalate: boolean) {
  await db.execute(sql`UPDATE complaint_sla_policies SET escalate_on_breach = ${escalate}, updated_at = now() WHERE tenant_id = ${tenantId}`);
  const samples: number[] = [];
  const outcomes = { cases: 0, warnings: 0, breaches: 0, escalated: 0 };
  for (let i = 0; i < SCAN_RUNS; i++) {
    await db.execute(sql`
      UPDATE complaint_case_sla SET next_change_at = now() - interval '1 second'
      WHERE tenant_id = ${tenantId} AND case_id IN (
        SELECT case_id FROM complaint_case_sla TABLESAMPLE SYSTEM (1)
        WHERE tenant_id = ${tenantId} AND case_state <> 'closed' AND urgency IN (1, 2) LIMIT ${DUE})`);
    const t0 = performance.now();
    const result = await runSlaScan(database, new Date());
    samples.push(performance.now() - t0);
    for (const k of Object.keys(outcomes) as (keyof typeof outcomes)[]) outcomes[k] += result[k];
  }
  samples.sort((a, b) => a - b);
  return {
    ms: { p50: +percentile(samples, 50).toFixed(0), max: +Math.max(...samples).toFixed(0) },
    perRun: Object.fromEntries(Object.entries(outcomes).map(([k, v]) => [k, v / SCAN_RUNS])),
  };
}
const busyNoEscalation = await busyScans(false);
const busyEscalating = await busyScans(true);

const agents = Array.from({ length: TEAMS * AGENTS_PER_TEAM }, (_, i) => i);
const { rows: agentRows } = await db.execute<{ id: string; team: string }>(sql`SELECT DISTINCT assignee_id AS id, team FROM complaint_case_sla WHERE tenant_id = ${tenantId} AND case_state <> 'closed' LIMIT 400`);
const actorFor = (id: string): Actor => ({ kind: 'user', id, tenantId, role: 'agent' });

async function time(runs: number, work: (i: number) => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  await work(0);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await work(i);
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { p50: +percentile(samples, 50).toFixed(1), p95: +percentile(samples, 95).toFixed(1) };
}

const states = ['breached', 'at_risk', 'ok'] as const;
const someone = actorFor(agentRows[0]!.id);
const byTeamAndState = await time(RUNS, (i) => complaintQueue(db, tenantId, someone, ComplaintQueueQuery.parse({ team: `team-${i % TEAMS}`, sla: states[i % states.length] })));
const byTeam = await time(RUNS, (i) => complaintQueue(db, tenantId, someone, ComplaintQueueQuery.parse({ team: `team-${i % TEAMS}` })));
const mine = await time(RUNS, (i) => {
  const agent = agentRows[i % agentRows.length]!;
  return complaintQueue(db, tenantId, actorFor(agent.id), ComplaintQueueQuery.parse({ assignee: 'me' }));
});
const nextPage = await (async () => {
  const first = await complaintQueue(db, tenantId, someone, ComplaintQueueQuery.parse({ team: 'team-3', sla: 'ok' }));
  return time(RUNS, () => complaintQueue(db, tenantId, someone, ComplaintQueueQuery.parse({ team: 'team-3', sla: 'ok', cursor: first.nextCursor! })));
})();
const queuePlan = await explain(sql`
  SELECT s.case_id FROM complaint_case_sla s
  WHERE s.tenant_id = ${tenantId} AND s.case_state <> 'closed' AND s.team = 'team-3' AND s.urgency = 1
  ORDER BY s.urgency, s.due_at, s.case_id LIMIT 51`);

report('complaints-sla', {
  cases: CASES, agents: agents.length, teams: TEAMS, generatedSeconds: seconds,
  scan: {
    idleMs: { first: +idle[0]!.toFixed(1), p50: +percentile([...idle].sort((a, b) => a - b), 50).toFixed(1), max: +Math.max(...idle).toFixed(1) },
    due: DUE,
    busyNoEscalation, busyEscalating,
    claimSeqScan: claimPlan.seqScan,
  },
  queueMs: { teamAndSlaState: byTeamAndState, team: byTeam, assigneeMe: mine, teamAndSlaStateNextPage: nextPage },
  queueSeqScan: queuePlan.seqScan,
});
if (process.env.BENCH_PLANS) process.stderr.write(`${claimPlan.plan}\n\n${queuePlan.plan}\n`);
await database.close();
