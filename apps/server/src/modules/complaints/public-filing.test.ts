import type { FileComplaint } from '@vafa/contracts';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import type { Executor } from '../../platform/db/connect.ts';
import { createWorkspace, workspaceSettings } from '../workspace/index.ts';
import { refreshCaseSla, slaConfigToCheckInPassing } from './complaint-sla.service.ts';
import { caseLoopSubscriber } from './complaint.subscribers.ts';
import * as repo from './complaint.repo.ts';
import { NotAtOnce, PublicFilingCoalescer, prepareFiling, recordFilings, recordFilingsAtOnce, workspaceIdBySlug } from './public-filing.ts';
import { isTrackingCode, newTrackingCode, parseTrackingCode } from './tracking-code.ts';

// The public form's write path: filings grouped per workspace in one transaction must each be
// stored exactly as a filing written alone is (the case acknowledged, its two log lines, its two
// events, the rows the log's triggers keep), answered only after commit, one by one on failure.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
}, 120_000);
afterAll(() => t?.close());

const filing = (ws: TestWorkspace, n: number, extra: Partial<FileComplaint> = {}): FileComplaint => ({
  workspace: ws.slug, name: `شاکی ${n}`, phone: `0912${String(1_000_000 + n).slice(-7)}`, description: `شکایت شماره ${n}`, category: 'delivery', ...extra,
});

/** Everything stored for a case: the row, its log, its events, and the rows the log's triggers keep. */
async function storedCase(tenantId: string, trackingCode: string) {
  const q = (text: string, values: unknown[]) => t.database.pool.query(text, values).then((r) => r.rows);
  const [row] = await q('SELECT * FROM complaint_cases WHERE tenant_id = $1 AND tracking_code = $2', [tenantId, trackingCode]);
  if (!row) return undefined;
  const log = await q('SELECT id, at, kind, action, from_state, to_state, note, actor_type, actor_id, details FROM complaint_case_events WHERE tenant_id = $1 AND case_id = $2 ORDER BY id', [tenantId, row.id]);
  const events = await q("SELECT id, topic, payload FROM outbox_events WHERE tenant_id = $1 AND payload->>'caseId' = $2 ORDER BY id", [tenantId, row.id]);
  const [facts] = await q('SELECT acknowledged_at, channel, category FROM complaint_case_facts WHERE tenant_id = $1 AND case_id = $2', [tenantId, row.id]);
  const [sla] = await q('SELECT case_state, sla_state, clocks, policy_id FROM complaint_case_sla WHERE tenant_id = $1 AND case_id = $2', [tenantId, row.id]);
  return { row, log, events, facts, sla };
}

function expectFiledShape(stored: NonNullable<Awaited<ReturnType<typeof storedCase>>>, input: FileComplaint) {
  const { row, log, events } = stored;
  expect(row).toMatchObject({
    state: 'acknowledged', channel: 'web', severity: 'medium', created_by: 'public', customer_id: null, contact_name: input.name,
    contact_phone: `+98${input.phone!.slice(1)}`, category: input.category ?? null, description: input.description, language: input.language ?? 'fa',
    assignee_id: null, team: null, root_cause: null, closed_at: null,
  });
  expect(row.updated_at).toEqual(row.received_at);
  expect(log).toMatchObject([
    { kind: 'transition', action: 'receive', from_state: null, to_state: 'received', actor_type: 'customer', actor_id: null, note: null, details: { channel: 'web' } },
    { kind: 'transition', action: 'acknowledge', from_state: 'received', to_state: 'acknowledged', actor_type: 'system', actor_id: null, note: null, details: {} },
  ]);
  expect(log.map((l: { at: Date }) => l.at)).toEqual([row.received_at, row.received_at]);
  expect(events.map((e: { topic: string }) => e.topic)).toEqual(['complaint.received', 'complaint.state_changed']);
  expect(events[0].payload).toEqual({ caseId: row.id, customerId: null, channel: 'web', severity: 'medium', assigneeId: null, relatedResponseId: null, occurredAt: row.received_at.toISOString() });
  expect(events[1].payload).toEqual({ caseId: row.id, customerId: null, action: 'acknowledge', from: 'received', to: 'acknowledged', actorType: 'system', occurredAt: row.received_at.toISOString() });
  // The triggers on the case and its log saw the case written in the same statement.
  expect(stored.facts).toMatchObject({ acknowledged_at: row.received_at, channel: 'web', category: input.category ?? null });
  // The SLA index row carries the clocks computed in the filing's transaction, not just the trigger's placeholder.
  expect(stored.sla).toMatchObject({ case_state: 'acknowledged', sla_state: 'ok' });
  expect(stored.sla.clocks.targets.acknowledge.state).toBe('met');
}

/**
 * The SLA index row the filing wrote from the rows it held in memory is the one computed from the
 * stored case and log at the same instant (recomputed in a transaction rolled back).
 */
async function expectSlaAsRecomputed(tenantId: string, stored: NonNullable<Awaited<ReturnType<typeof storedCase>>>) {
  const read = (db: Executor) => db.execute(sql`SELECT sla_state, urgency, due_at, next_change_at, clocks, published FROM complaint_case_sla
    WHERE tenant_id = ${tenantId} AND case_id = ${stored.row.id as string}`).then((r) => r.rows[0]);
  const written = await read(t.database.db);
  // At the instant the group computed it (its latest filing's), not this case's own receipt.
  const [{ computed_at: at }] = (await t.database.pool.query('SELECT computed_at FROM complaint_case_sla WHERE tenant_id = $1 AND case_id = $2', [tenantId, stored.row.id])).rows;
  let recomputed: unknown;
  await t.database.db.transaction(async (tx) => {
    await refreshCaseSla(tx, tenantId, stored.row.id, at as Date);
    recomputed = await read(tx);
    tx.rollback();
  }).catch((err: unknown) => { if (!(err instanceof Error && /rollback/i.test(err.message))) throw err; });
  expect(written).toEqual(recomputed);
}

describe('group commit of public filings', () => {
  it('stores 60 concurrent filings, each answered with its own receipt, exactly as one filing alone is stored', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const coalescer = new PublicFilingCoalescer(t.database, { maxGroup: 25, maxInFlight: 2 });
    // A first filing seeds the workspace's default SLA policy; groups racing on a brand-new
    // workspace do not see each other's uncommitted seed (an SLA-settings matter, not grouping's).
    await coalescer.file(filing(ws, 1000), 'fa');
    const inputs = Array.from({ length: 60 }, (_, n) => filing(ws, n, n % 2 ? { language: 'en', email: `c${n}@example.test` } : {}));
    const receipts = await Promise.all(inputs.map((input) => coalescer.file(input, 'fa')));
    expect(coalescer.stats.filings).toBe(61);
    // Grouped: fewer transactions than filings (the first goes alone, the rest wait for it); the
    // first compiled the SLA settings, so the groups after it are one statement and the commit.
    expect(coalescer.stats.groups).toBeLessThan(60);
    expect(coalescer.stats.atOnce).toBe(coalescer.stats.groups - 1);
    expect(new Set(receipts.map((r) => r.trackingCode)).size).toBe(60);
    for (const [n, receipt] of receipts.entries()) {
      expect(isTrackingCode(receipt.trackingCode)).toBe(true);
      expect(parseTrackingCode(receipt.trackingCodeDisplay)).toEqual({ ok: true, code: receipt.trackingCode });
      expect(receipt.status.state).toBe('acknowledged');
      const stored = await storedCase(ws.tenantId, receipt.trackingCode);
      expect(stored, `filing ${n}`).toBeDefined();
      expectFiledShape(stored!, inputs[n]!);
      await expectSlaAsRecomputed(ws.tenantId, stored!);
      expect(stored!.row.contact_email).toBe(inputs[n]!.email ?? null);
    }
    // And one filing through fileComplaint's single path stores the same shape.
    const alone = await t.database.db.transaction(async (tx) => {
      const prepared = await prepareFiling(tx, filing(ws, 99), 'fa');
      return (await recordFilings(tx, prepared.tenantId, [prepared]))[0]!;
    });
    expectFiledShape((await storedCase(ws.tenantId, alone.trackingCode))!, filing(ws, 99));
  });

  it('answers a filing whose write fails with its own error, and stores its neighbours one by one', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const coalescer = new PublicFilingCoalescer(t.database, { maxGroup: 50, maxInFlight: 1 });
    // A NUL character passes no schema on the route, but here it reaches PostgreSQL and fails the group's statement.
    const inputs = Array.from({ length: 12 }, (_, n) => filing(ws, n, n === 7 ? { description: 'bad \u0000 byte' } : {}));
    const outcomes = await Promise.allSettled(inputs.map((input) => coalescer.file(input, 'fa')));
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(1);
    expect(outcomes[7]!.status).toBe('rejected');
    for (const [n, outcome] of outcomes.entries()) {
      if (outcome.status === 'fulfilled') expectFiledShape((await storedCase(ws.tenantId, outcome.value.trackingCode))!, inputs[n]!);
    }
    const { rows } = await t.database.pool.query('SELECT count(*)::int AS n FROM complaint_cases WHERE tenant_id = $1', [ws.tenantId]);
    expect(rows[0].n).toBe(11);
  });

  it('refuses a bad filing before any transaction, alone: an unknown workspace 404, a bad phone 422', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const coalescer = new PublicFilingCoalescer(t.database);
    const outcomes = await Promise.allSettled([
      coalescer.file(filing(ws, 1), 'fa'),
      coalescer.file({ ...filing(ws, 2), workspace: 'no-such-workspace-here' }, 'fa'),
      coalescer.file({ ...filing(ws, 3), phone: '123' }, 'fa'),
      coalescer.file(filing(ws, 4), 'fa'),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect(outcomes[1]).toMatchObject({ reason: { status: 404 } });
    expect(outcomes[2]).toMatchObject({ reason: { status: 422, code: 'invalid_phone' } });
  });

  it('gives a filing whose tracking code is taken in the workspace a fresh one, and only then', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const first = await t.database.db.transaction(async (tx) => {
      const prepared = await prepareFiling(tx, filing(ws, 1), 'fa');
      return (await recordFilings(tx, ws.tenantId, [prepared]))[0]!;
    });
    // The unique index reports the taken code: the statement stores only the others.
    const taken = await prepareFiling(t.database.db, filing(ws, 2), 'fa');
    const free = await prepareFiling(t.database.db, filing(ws, 3), 'fa');
    taken.row.trackingCode = first.trackingCode;
    const stored = await t.database.db.transaction((tx) => repo.insertFiledCases(tx, ws.tenantId, [taken.row, free.row]));
    expect([...stored]).toEqual([free.row.id]);
    expect(await storedCase(ws.tenantId, free.row.trackingCode)).toBeDefined();

    // recordFilings draws another code for it and stores it; its log and events are written once.
    const receipts = await t.database.db.transaction((tx) => recordFilings(tx, ws.tenantId, [taken]));
    expect(receipts[0]!.trackingCode).not.toBe(first.trackingCode);
    expectFiledShape((await storedCase(ws.tenantId, receipts[0]!.trackingCode))!, filing(ws, 2));
    // The same code in another workspace is no collision.
    const other = await t.createWorkspace({ country: 'IR' });
    const elsewhere = await prepareFiling(t.database.db, filing(other, 4), 'fa');
    elsewhere.row.trackingCode = first.trackingCode;
    expect([...await t.database.db.transaction((tx) => repo.insertFiledCases(tx, other.tenantId, [elsewhere.row]))]).toEqual([elsewhere.row.id]);
    expect(newTrackingCode()).not.toBe(first.trackingCode);
  });

  it('stores a group with the SLA settings in force when they changed since this process compiled them', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const coalescer = new PublicFilingCoalescer(t.database, { maxGroup: 25, maxInFlight: 1 });
    await coalescer.file(filing(ws, 1), 'fa');
    const second = await coalescer.file(filing(ws, 2), 'fa');
    expect(coalescer.stats.atOnce).toBe(1);
    const policyOf = async (code: string) => (await storedCase(ws.tenantId, code))!.sla.policy_id as string;
    const defaultPolicy = await policyOf(second.trackingCode);
    // Another process (here: plain SQL behind this one's back) adds a policy for the category.
    const { rows: [added] } = await t.database.pool.query(`
      INSERT INTO complaint_sla_policies (tenant_id, id, name, category, severity, acknowledge_minutes, first_response_minutes, resolve_minutes,
                                          pausing_states, warning_share, on_reopen, escalate_on_breach, active, created_at, updated_at)
      VALUES ($1, gen_random_uuid(), 'Delivery', 'delivery', NULL, 30, 60, 600, '{}', 0.8, 'resume', false, true, now(), now()) RETURNING id`, [ws.tenantId]);
    const before = { ...coalescer.stats };
    const receipts = await Promise.all([3, 4, 5].map((n) => coalescer.file(filing(ws, n), 'fa')));
    // The first group's statement saw the stamp move and wrote nothing; the long way compiled the
    // settings anew, and the groups after it went at once.
    expect(coalescer.stats.atOnce - before.atOnce).toBe(coalescer.stats.groups - before.groups - 1);
    for (const receipt of receipts) {
      const stored = (await storedCase(ws.tenantId, receipt.trackingCode))!;
      expect(stored.sla.policy_id).toBe(added.id);
      expect(stored.events).toHaveLength(2);
      await expectSlaAsRecomputed(ws.tenantId, stored);
    }
    // And the next group goes at once again, with the new policy; another category keeps the default.
    const [delivery, billing] = await Promise.all([coalescer.file(filing(ws, 6), 'fa'), coalescer.file(filing(ws, 7, { category: 'billing' }), 'fa')]);
    expect(coalescer.stats.atOnce).toBeGreaterThan(1);
    expect(await policyOf(delivery!.trackingCode)).toBe(added.id);
    expect(await policyOf(billing!.trackingCode)).toBe(defaultPolicy);
    // A workspace whose settings this process never compiled is not filed with another's.
    const other = await t.createWorkspace({ country: 'IR' });
    const elsewhere = await coalescer.file(filing(other, 8), 'fa');
    const stored = (await storedCase(other.tenantId, elsewhere.trackingCode))!;
    expect(stored.sla.policy_id).not.toBe(defaultPolicy);
    await expectSlaAsRecomputed(other.tenantId, stored);
  });

  it('writes nothing in one statement when a tracking code is taken: the group goes the long way', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const coalescer = new PublicFilingCoalescer(t.database, { maxGroup: 25, maxInFlight: 1 });
    const first = await coalescer.file(filing(ws, 1), 'fa');
    const config = slaConfigToCheckInPassing(ws.tenantId, await workspaceSettings(t.database.db, ws.tenantId));
    expect(config).toBeDefined();
    const taken = await prepareFiling(t.database.db, filing(ws, 2), 'fa');
    const free = await prepareFiling(t.database.db, filing(ws, 3), 'fa');
    taken.row.trackingCode = first.trackingCode;
    await expect(t.database.db.transaction((tx) => recordFilingsAtOnce(tx, ws.tenantId, [taken, free], config!))).rejects.toBeInstanceOf(NotAtOnce);
    expect(await storedCase(ws.tenantId, free.row.trackingCode)).toBeUndefined();
    const { rows } = await t.database.pool.query("SELECT count(*)::int AS n FROM outbox_events WHERE tenant_id = $1 AND payload->>'caseId' = ANY($2::text[])", [ws.tenantId, [taken.row.id, free.row.id]]);
    expect(rows[0].n).toBe(0);
  });

  it('has the case loop decide a batch of filings\' acknowledgements as it does one by one: per workspace, by its switches, once', async () => {
    const [on, off] = [await t.createWorkspace({ country: 'IR' }), await t.createWorkspace({ country: 'IR' })];
    await t.database.pool.query(`INSERT INTO complaint_settings (tenant_id, settings) VALUES ($1, '{"notices":{"acknowledged":false}}')`, [off.tenantId]);
    const coalescer = new PublicFilingCoalescer(t.database, { maxGroup: 25, maxInFlight: 1 });
    const receipts = await Promise.all([...[1, 2, 3].map((n) => coalescer.file(filing(on, n), 'fa')), ...[4, 5].map((n) => coalescer.file(filing(off, n), 'fa'))]);
    const cases = await Promise.all(receipts.map(async (r, i) => (await storedCase(i < 3 ? on.tenantId : off.tenantId, r.trackingCode))!));
    const events = cases.flatMap((c) => c.events.map((e: { id: string; topic: string; payload: Record<string, unknown> }) => ({
      tenantId: c.row.tenant_id as string, id: Number(e.id), topic: e.topic, payload: e.payload, occurredAt: new Date().toISOString(),
    })));
    const context = { database: t.database, log: pino({ level: 'silent' }), queue: t.vafa.queue, clock: { now: () => new Date() } };
    const notices = async () => (await t.database.pool.query(
      'SELECT tenant_id, case_id, source_event_id, kind, status FROM complaint_notices WHERE tenant_id = ANY($1::uuid[]) ORDER BY source_event_id', [[on.tenantId, off.tenantId]])).rows;
    await caseLoopSubscriber.job.runBatch!(events, context);
    const decided = await notices();
    expect(decided).toEqual(cases.slice(0, 3).map((c) => ({
      tenant_id: on.tenantId, case_id: c.row.id, source_event_id: c.events[1].id, kind: 'acknowledged', status: 'pending',
    })).sort((a, b) => Number(a.source_event_id) - Number(b.source_event_id)));
    // Redelivered, in a batch or alone, the events decide nothing twice.
    await caseLoopSubscriber.job.runBatch!(events, context);
    await caseLoopSubscriber.job.run(events[1]!, context);
    expect(await notices()).toEqual(decided);
  });

  it('finds a workspace created after its slug was asked for (unknown slugs are not remembered)', async () => {
    const slug = `late-${Date.now().toString(36)}`;
    expect(await workspaceIdBySlug(t.database.db, slug)).toBeUndefined();
    const id = await t.database.db.transaction(async (tx) => (await createWorkspace(tx, { name: 'Late', slug, defaultLanguage: 'fa', defaultCountry: 'IR' })).id);
    expect(await workspaceIdBySlug(t.database.db, slug)).toBe(id);
  });
});
