// A staff case page's customer context from other modules, over HTTP on a role-'all' app (relay and
// subscribers running): the complainant's points and tier, the goodwill this case gave them as
// loyalty booked it (points credited, a coupon given), and the survey response that opened a case
// from negative feedback. Another workspace's case is a 404 on both routes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { eventually } from '../../../test/eventually.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { invite, NPS_SURVEY, publishSurvey } from '../../../test/survey-factories.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ role: 'all', env: { VAFA_ANON_RATE_LIMIT: '1000' } });
}, 120_000);
afterAll(() => t?.close());

type Role = keyof TestWorkspace['keys'];
async function call(ws: TestWorkspace, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, role: Role = 'owner', headers: Record<string, string> = {}) {
  const res = await t.app.inject({ method, url, headers: { ...t.auth(ws.keys[role]), ...headers }, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.body ? res.json() : null, raw: res.body };
}
async function ok(ws: TestWorkspace, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, role: Role = 'owner') {
  const res = await call(ws, method, url, payload, role);
  if (res.status >= 300) throw new Error(`${method} ${url} → ${res.status} ${res.raw}`);
  return res.body;
}
async function settings(ws: TestWorkspace, patch: Record<string, unknown>) {
  const { defaultRecourse: _d, noticeTemplates: _n, ...editable } = await ok(ws, 'GET', '/api/complaint-settings');
  return ok(ws, 'PUT', '/api/complaint-settings', { ...editable, ...patch });
}
const SILVER = { fa: 'نقره‌ای', ar: 'فضي', en: 'Silver' };

describe("a case's customer context", () => {
  it('shows the complainant\'s points and tier and what this case\'s goodwill gave them, as loyalty booked it', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    // A program that pays goodwill in points and has tiers (Silver from 100 points); a discount coupon for the resolution's gesture.
    const program = await ok(ws, 'POST', '/api/loyalty/programs', { name: 'باشگاه وفا', settings: { events: [{ topic: 'complaint.goodwill' }] } });
    await ok(ws, 'POST', `/api/loyalty/programs/${program.id}/tiers`, { name: { fa: 'برنزی', ar: 'برونزي', en: 'Bronze' }, threshold: 0 });
    const silver = await ok(ws, 'POST', `/api/loyalty/programs/${program.id}/tiers`, { name: SILVER, threshold: 100 });
    const reward = await ok(ws, 'POST', '/api/loyalty/rewards', { kind: 'discount_coupon', name: { fa: 'کد تخفیف دلجویی' }, pointsCost: 500 });
    const codes = await t.app.inject({ method: 'POST', url: `/api/loyalty/rewards/${reward.id}/codes/generate`, headers: { ...t.auth(ws.keys.owner), 'idempotency-key': 'codes-1' }, payload: { count: 2 } });
    expect(codes.statusCode, codes.body).toBe(201);
    await settings(ws, { goodwill: { onFiling: { kind: 'points', amount: 120 }, onResolution: { kind: 'coupon', amount: 500_000, currency: 'IRR', rewardId: reward.id } } });
    const customer = await createCustomer(t, ws, { name: 'مریم رضایی' });
    // 30 points of their own before the complaint.
    const earned = await t.app.inject({ method: 'POST', url: `/api/loyalty/members/${customer.id}/earnings`, headers: { ...t.auth(ws.keys.owner), 'idempotency-key': 'own-30' }, payload: { points: 30, reason: 'خرید' } });
    expect(earned.statusCode, earned.body).toBeLessThan(300);

    const opened = await ok(ws, 'POST', '/api/complaints', { channel: 'phone', customerId: customer.id, description: 'بسته شکسته رسید.' }, 'agent');
    const id = opened.id as string;
    // The filing gesture's 120 points, credited by the program's subscriber: 150 available, Silver reached.
    const afterFiling = await eventually(async () => {
      const view = await ok(ws, 'GET', `/api/complaints/${id}/loyalty`, undefined, 'agent');
      return view.goodwill[0]?.pointsCredited === 120 && view.member?.tiers[0]?.tier?.rank === 2 && view;
    }, 'the filing goodwill booked');
    expect(afterFiling).toMatchObject({
      caseId: id, customerId: customer.id,
      member: { available: 150, pending: 0, tiers: [{ programId: program.id, programName: 'باشگاه وفا', tier: { id: silver.id, name: SILVER, rank: 2 } }] },
      goodwill: [{ occasion: 'filing', kind: 'points', amount: 120, currency: null, pointsCredited: 120, coupon: 'none' }],
    });
    // The same balance the loyalty module's own route reads.
    const balance = await ok(ws, 'GET', `/api/loyalty/members/${customer.id}`);
    expect([balance.available, balance.pending, balance.qualifying]).toEqual([afterFiling.member.available, afterFiling.member.pending, afterFiling.member.qualifying]);

    // Closed after its resolution: the coupon gesture gives a code and no points.
    for (const step of [
      { action: 'acknowledge' }, { action: 'assess' }, { action: 'propose_resolution', resolutionSummary: 'بستهٔ سالم فرستاده شد.' },
      { action: 'communicate_resolution', rootCause: 'delivery' }, { action: 'close' },
    ]) {
      await ok(ws, 'POST', `/api/complaints/${id}/actions`, step, 'manager');
    }
    const resolved = await eventually(async () => {
      const view = await ok(ws, 'GET', `/api/complaints/${id}/loyalty`, undefined, 'analyst');
      return view.goodwill[1]?.coupon === 'given' && view;
    }, 'the resolution coupon given');
    expect(resolved.goodwill).toEqual([
      expect.objectContaining({ occasion: 'filing', kind: 'points', pointsCredited: 120 }),
      expect.objectContaining({ occasion: 'resolution', kind: 'coupon', amount: 500_000, currency: 'IRR', pointsCredited: 0, coupon: 'given' }),
    ]);
    expect(resolved.member.available).toBe(150);

    // Every role that reads loyalty sees it; another workspace sees no such case.
    for (const role of ['owner', 'admin', 'manager', 'agent', 'analyst', 'finance'] as const) {
      expect((await call(ws, 'GET', `/api/complaints/${id}/loyalty`, undefined, role)).status).toBe(200);
    }
    const other = await t.createWorkspace({ country: 'IR' });
    for (const path of ['loyalty', 'survey-response']) {
      const res = await call(other, 'GET', `/api/complaints/${id}/${path}`);
      expect([res.status, res.body.code]).toEqual([404, 'not_found']);
    }
    expect((await t.app.inject({ method: 'GET', url: `/api/complaints/${id}/loyalty` })).statusCode).toBe(401);
    const garbage = await call(ws, 'GET', '/api/complaints/not-a-uuid/loyalty', undefined, 'owner', { 'accept-language': 'fa' });
    expect(garbage.status).toBe(400);
    expect(garbage.body.code).toBe('validation_failed');
    expect(garbage.body.detail).toMatch(/[\u0600-\u06FF]/);
  }, 120_000);

  it('has no member for an anonymous complainant, and names no survey response for a case not opened by one', async () => {
    const ws = await t.createWorkspace({ country: 'SA' });
    const opened = await ok(ws, 'POST', '/api/complaints', { channel: 'phone', contactName: 'Omar', contactPhone: '+966501234567', description: 'Late.' }, 'agent');
    expect(await ok(ws, 'GET', `/api/complaints/${opened.id}/loyalty`)).toEqual({ caseId: opened.id, customerId: null, member: null, goodwill: [] });
    expect(await ok(ws, 'GET', `/api/complaints/${opened.id}/survey-response`)).toEqual({ caseId: opened.id, responseId: null, response: null });
  });

  it('links a case opened by a negative survey answer to that response and its survey', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    await settings(ws, { negativeFeedbackOpensCase: true });
    const customer = await createCustomer(t, ws, { name: 'رضا' });
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    const invitation = await invite(t.database.db, ws.tenantId, survey.id, customer.id);
    const answered = await t.app.inject({
      method: 'POST', url: `/api/public/surveys/${invitation.token}/responses`, payload: { answers: { nps: { score: 2 }, why_low: { text: 'دیر رسید' } }, complete: true },
    });
    expect(answered.statusCode, answered.body).toBe(201);
    const responseId = answered.json().responseId as string;
    const caseId = await eventually(async () => {
      const { rows } = await t.database.pool.query('SELECT id FROM complaint_cases WHERE tenant_id = $1 AND related_response_id = $2', [ws.tenantId, responseId]);
      return rows[0]?.id as string | undefined;
    }, 'the case opened by the answer');
    const origin = await ok(ws, 'GET', `/api/complaints/${caseId}/survey-response`, undefined, 'agent');
    expect(origin).toEqual({ caseId, responseId, response: { surveyId: survey.id, surveyName: 'NPS', channel: 'email', submittedAt: expect.any(String) } });
    // The linked customer's context comes with it: a member with nothing yet, no goodwill configured.
    expect(await ok(ws, 'GET', `/api/complaints/${caseId}/loyalty`, undefined, 'agent')).toMatchObject({ customerId: customer.id, member: { available: 0, tiers: [] }, goodwill: [] });
    // The response deleted since: the case still names it, the survey is gone from the answer.
    const deleted = await t.app.inject({ method: 'DELETE', url: `/api/surveys/${survey.id}/responses/${responseId}`, headers: t.auth(ws.keys.owner) });
    expect(deleted.statusCode, deleted.body).toBeLessThan(300);
    expect(await ok(ws, 'GET', `/api/complaints/${caseId}/survey-response`)).toEqual({ caseId, responseId, response: null });
  }, 120_000);
});
