// A fresh workspace's default SLA policy under a burst of first filings: every case filed at the
// same moment must be measured by it, whichever transaction happened to seed it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { DEFAULT_POLICY_TARGETS } from './complaint-sla.service.ts';

let t: TestApp;
beforeAll(async () => {
  // 20 filings at once without device cookies are a burst the guard would ask to prove work; this
  // test is about the SLA policy they find, so the burst limit is raised as the benchmark raises it.
  t = await startTestApp({ env: { VAFA_FILING_BURST_LIMIT: '1000' } });
}, 120_000);
afterAll(() => t?.close());

const N = 20;
let addressSerial = 0;
/** Each public filing from an address of its own, so the anonymous per-address limit does not refuse the burst. */
const freshAddress = () => `10.78.${Math.floor(++addressSerial / 250)}.${(addressSerial % 250) + 1}`;

/** The SLA index rows of the workspace's cases as the queue reads them, and its policies. */
async function stored(ws: TestWorkspace) {
  const { rows: sla } = await t.database.pool.query<{ case_id: string; sla_state: string; policy_id: string | null; clocks: { policyName: string | null; targets: Record<string, { targetMinutes: number | null }> } | null }>(
    'SELECT case_id, sla_state, policy_id, clocks FROM complaint_case_sla WHERE tenant_id = $1', [ws.tenantId]);
  const { rows: policies } = await t.database.pool.query<{ id: string; category: string | null; severity: string | null }>(
    'SELECT id, category, severity FROM complaint_sla_policies WHERE tenant_id = $1', [ws.tenantId]);
  return { sla, policies };
}

/** Every case is measured by the one default policy, with its targets, in its index row and in the queue. */
async function expectAllMeasuredByDefault(ws: TestWorkspace, caseIds: string[]) {
  const { sla, policies } = await stored(ws);
  expect(policies).toHaveLength(1);
  expect(policies[0]).toMatchObject({ category: null, severity: null });
  expect(sla.map((r) => r.case_id).sort()).toEqual([...caseIds].sort());
  for (const row of sla) {
    expect(row.sla_state, `case ${row.case_id}`).not.toBe('none');
    expect(row.policy_id, `case ${row.case_id}`).toBe(policies[0]!.id);
    expect(row.clocks?.targets.acknowledge?.targetMinutes).toBe(DEFAULT_POLICY_TARGETS.acknowledge);
    expect(row.clocks?.targets.firstResponse?.targetMinutes).toBe(DEFAULT_POLICY_TARGETS.firstResponse);
    expect(row.clocks?.targets.resolve?.targetMinutes).toBe(DEFAULT_POLICY_TARGETS.resolve);
  }
  const queue = await t.app.inject({ method: 'GET', url: `/api/complaints/queue?limit=${N + 5}`, headers: t.auth(ws.keys.agent) });
  expect(queue.statusCode).toBe(200);
  const items = queue.json().items as { id: string; sla: { state: string; policyId: string | null; targets: { resolve: { targetMinutes: number | null } } } }[];
  expect(items.map((i) => i.id).sort()).toEqual([...caseIds].sort());
  for (const item of items) {
    expect(item.sla.state).not.toBe('none');
    expect(item.sla.policyId).toBe(policies[0]!.id);
    expect(item.sla.targets.resolve.targetMinutes).toBe(DEFAULT_POLICY_TARGETS.resolve);
  }
}

describe('the default SLA policy of a fresh workspace', () => {
  it(`measures each of ${N} concurrent first cases recorded by agents`, async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const responses = await Promise.all(Array.from({ length: N }, (_, n) => t.app.inject({
      method: 'POST', url: '/api/complaints', headers: t.auth(ws.keys.agent), payload: { channel: 'phone', description: `first case ${n}` },
    })));
    for (const res of responses) expect(res.statusCode, res.body).toBe(201);
    await expectAllMeasuredByDefault(ws, responses.map((r) => r.json().id as string));
  });

  it(`measures each of ${N} concurrent first filings on the public form`, async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const responses = await Promise.all(Array.from({ length: N }, (_, n) => t.app.inject({
      method: 'POST', url: '/api/public/complaints', remoteAddress: freshAddress(),
      payload: { workspace: ws.slug, name: `شاکی ${n}`, phone: `0912${String(2_000_000 + n).padStart(7, '0')}`, description: `شکایت ${n}` },
    })));
    for (const res of responses) expect(res.statusCode, res.body).toBe(201);
    const { rows } = await t.database.pool.query<{ id: string }>('SELECT id FROM complaint_cases WHERE tenant_id = $1', [ws.tenantId]);
    expect(rows).toHaveLength(N);
    await expectAllMeasuredByDefault(ws, rows.map((r) => r.id));
  });

  it('measures first cases recorded by agents and filed by customers at the same moment, and a later case too', async () => {
    const ws = await t.createWorkspace({ country: 'SA' });
    const responses = await Promise.all(Array.from({ length: N }, (_, n) => n % 2
      ? t.app.inject({ method: 'POST', url: '/api/complaints', headers: t.auth(ws.keys.agent), payload: { channel: 'chat', description: `case ${n}` } })
      : t.app.inject({
        method: 'POST', url: '/api/public/complaints', remoteAddress: freshAddress(),
        payload: { workspace: ws.slug, name: `مشتكي ${n}`, email: `c${n}@example.test`, description: `شكوى ${n}` },
      })));
    for (const res of responses) expect(res.statusCode, res.body).toBe(201);
    const later = await t.app.inject({ method: 'POST', url: '/api/complaints', headers: t.auth(ws.keys.agent), payload: { channel: 'phone', description: 'later' } });
    expect(later.statusCode).toBe(201);
    const { rows } = await t.database.pool.query<{ id: string }>('SELECT id FROM complaint_cases WHERE tenant_id = $1', [ws.tenantId]);
    expect(rows).toHaveLength(N + 1);
    await expectAllMeasuredByDefault(ws, rows.map((r) => r.id));
  });
});
