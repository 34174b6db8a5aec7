import net from 'node:net';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { eventually } from '../../../test/eventually.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { startSmtpSink, type SmtpSink } from '../../../test/smtp-sink.ts';
import { invite, NPS_SURVEY, publishSurvey } from '../../../test/survey-factories.ts';
import { surveyInvitations, surveyRespondents, surveyResponses } from './survey.schema.ts';

// The closed loop end to end (issue 10), on real parts: a role-'all' app (relay, automation engine,
// the complaints subscribers and the invitation issuer running), a real SMTP server, the public
// answer API. A detractor answers, a follow-up (or a case) opens, it is closed, an automation sends
// a survey, the customer answers from the link in the mail; the link is stored and the recovery
// figures are the hand-computed ones.

let t: TestApp;
let sink: SmtpSink;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

type Role = keyof TestWorkspace['keys'];

async function call(ws: TestWorkspace, method: string, url: string, payload?: unknown, role: Role = 'owner', language = 'en') {
  return t.app.inject({
    method: method as 'GET', url, headers: { ...t.auth(ws.keys[role]), 'accept-language': language }, ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

async function ok(ws: TestWorkspace, method: string, url: string, payload?: unknown, role: Role = 'owner') {
  const res = await call(ws, method, url, payload, role);
  if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`);
  return res.json();
}

async function workspace(): Promise<TestWorkspace> {
  const ws = await t.createWorkspace({ country: 'IR' });
  await ok(ws, 'PUT', '/api/messaging/channels/email', { host: sink.host, port: sink.port, fromAddress: `loop@${ws.slug}.example.test`, fromName: 'Vafa' });
  await ok(ws, 'PUT', '/api/messaging/policy', { quietHours: null, frequencyCap: { count: 20, periodHours: 24 }, ratePerMinute: 6000 });
  await ok(ws, 'PUT', '/api/survey-policy', { recontactDays: 0, smsReplies: false });
  return ws;
}

const emailConsent = { email: { granted: true } };
const mailsTo = (address: string) => sink.messages.filter((m) => m.to.includes(address));
const tokenIn = (html: string) => /\/s\/([A-Za-z0-9_-]{22})/.exec(html)![1]!;
const NPS_TITLE = NPS_SURVEY.questions[0]!.title.en;

/** Answers the NPS survey through the public API (a low score says what went wrong, as the survey requires). */
async function answerNps(token: string, score: number): Promise<string> {
  const answers = { nps: { score }, ...(score <= 6 ? { why_low: { text: 'The parcel came a week late.' } } : {}) };
  const res = await t.app.inject({ method: 'POST', url: `/api/public/surveys/${token}/responses`, payload: { answers, complete: true } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().responseId;
}

/** The customer answers the survey the automation mailed them (the link in the mail, the one asking the NPS question). */
async function answerMailedNps(address: string, score: number, already = 0): Promise<string> {
  const mail = await eventually(async () => mailsTo(address).filter((m) => m.html?.includes(NPS_TITLE))[already], `the survey mailed to ${address}`);
  return answerNps(tokenIn(mail.html!), score);
}

const contextOf = async (tenantId: string, responseId: string) =>
  (await t.database.db.select({ context: surveyResponses.context }).from(surveyResponses).where(and(eq(surveyResponses.tenantId, tenantId), eq(surveyResponses.id, responseId))))[0]!.context;

const invitationsOf = (ws: TestWorkspace, surveyId: string, customerId: string) =>
  t.database.db.select().from(surveyInvitations)
    .where(and(eq(surveyInvitations.tenantId, ws.tenantId), eq(surveyInvitations.surveyId, surveyId), eq(surveyInvitations.customerId, customerId)));

beforeAll(async () => {
  sink = await startSmtpSink();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  t = await startTestApp({ role: 'all', env: { PORT: String(port), VAFA_PUBLIC_URL: baseUrl, VAFA_ANON_RATE_LIMIT: '1000', VAFA_OUTBOUND_ALLOW: '127.0.0.1' } });
  await t.vafa.listen();
}, 120_000);

afterAll(async () => {
  await t?.close();
  await sink?.close();
});

describe('a survey sent after a follow-up', () => {
  it('links the invitation and the answer to the follow-up and the detractor answer, and the recovery figures are the hand-computed ones', async () => {
    const ws = await workspace();
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    await ok(ws, 'POST', '/api/automations', {
      name: 'Ask again after a follow-up', enabled: true, trigger: { type: 'event', topic: 'followup.completed' },
      actions: [{ type: 'send_survey', surveyId: survey.id, channel: 'preferred' }],
    });

    // Three detractors (3, 5, 6) answer again 9, 7 and 4 after their follow-ups.
    const journeys = [{ before: 3, after: 9 }, { before: 5, after: 7 }, { before: 6, after: 4 }];
    const loops: { followupId: string; before: string; after: string }[] = [];
    for (const [i, journey] of journeys.entries()) {
      const address = `loop-${i}-${ws.slug}@example.test`;
      const customer = await createCustomer(t, ws, { email: address, language: 'en', consent: emailConsent });
      const first = await invite(t.database.db, ws.tenantId, survey.id, customer.id);
      const before = await answerNps(first.token, journey.before);

      // The built-in rule opens a follow-up at once, and it names the answer.
      const followup = await eventually(async () => (await ok(ws, 'GET', `/api/followups?customerId=${customer.id}`)).items[0], 'the follow-up of the detractor');
      expect(followup.source).toMatchObject({ topic: 'feedback.negative', responseId: before });
      await ok(ws, 'POST', `/api/followups/${followup.id}/attempts`, { outcome: 'resolved', note: 'Apologised and refunded the delivery.' });

      const invitation = await eventually(async () => (await invitationsOf(ws, survey.id, customer.id)).find((r) => r.id !== first.id), 'the invitation after the follow-up');
      expect(invitation.context).toEqual({ followupId: followup.id, priorResponseId: before });
      const after = await answerMailedNps(address, journey.after);
      expect(await contextOf(ws.tenantId, after)).toEqual({ followupId: followup.id, priorResponseId: before });
      loops.push({ followupId: followup.id, before, after });
    }

    const recovery = await ok(ws, 'GET', `/api/surveys/${survey.id}/results/recovery`, undefined, 'analyst');
    expect(recovery.loops).toEqual({ followup: 3, case: 0, paired: 3 });
    expect(recovery.metrics).toHaveLength(1);
    const nps = recovery.metrics[0];
    expect(nps).toMatchObject({ type: 'nps', points: null, n: 3, negativeBefore: 3 });
    // Before: three detractors, NPS −100 (adjusted-Wald centre: (0.75 − 3.75)/6 = −50).
    expect(nps.before.value).toBe(-100);
    expect(nps.before.centre).toBeCloseTo(-50, 6);
    // After: a promoter, a passive and a detractor, NPS 0.
    expect(nps.after.value).toBeCloseTo(0, 9);
    // Recovered (no longer a detractor): 2 of 3; promoters now: 1 of 3.
    expect(nps.recovered).toMatchObject({ n: 3, count: 2 });
    expect(nps.recovered.value).toBeCloseTo(200 / 3, 6);
    expect(nps.improved).toMatchObject({ n: 3, count: 1 });
    expect(nps.improved.value).toBeCloseTo(100 / 3, 6);
    // Each customer's change: +6, +2, −2; mean 2, sample sd 4, margin 1.96·4/√3.
    expect(nps.meanChange.value).toBeCloseTo(2, 9);
    expect(nps.meanChange.margin).toBeCloseTo((1.959963984540054 * 4) / Math.sqrt(3), 6);
    // NPS points: categories −1 → +1, −1 → 0, −1 → −1: +200, +100, 0; mean 100, sd 100.
    expect(nps.scoreChange.value).toBeCloseTo(100, 9);
    expect(nps.scoreChange.margin).toBeCloseTo((1.959963984540054 * 100) / Math.sqrt(3), 6);

    // The loop read from either end: the follow-up, the earlier answer, the later one.
    const [loop] = loops;
    const byFollowup = await ok(ws, 'GET', `/api/survey-loops?followupId=${loop!.followupId}`, undefined, 'agent');
    expect(byFollowup).toMatchObject({ followupId: loop!.followupId, caseId: null, earlier: { responseId: loop!.before, surveyId: survey.id, scores: { nps: 3 } } });
    expect(byFollowup.later).toEqual([expect.objectContaining({ responseId: loop!.after, scores: { nps: 9 } })]);
    const fromAfter = await ok(ws, 'GET', `/api/survey-loops?responseId=${loop!.after}`, undefined, 'agent');
    expect(fromAfter).toMatchObject({ followupId: loop!.followupId, earlier: { responseId: loop!.before }, later: [] });
    const fromBefore = await ok(ws, 'GET', `/api/survey-loops?responseId=${loop!.before}`, undefined, 'agent');
    expect(fromBefore).toMatchObject({ followupId: loop!.followupId, earlier: null, later: [{ responseId: loop!.after }] });

    // Another workspace sees none of it; results are analysts' and managers', not agents'.
    const other = await workspace();
    expect((await call(other, 'GET', `/api/surveys/${survey.id}/results/recovery`)).statusCode).toBe(404);
    expect(await ok(other, 'GET', `/api/survey-loops?followupId=${loop!.followupId}`)).toEqual({ followupId: loop!.followupId, caseId: null, earlier: null, later: [] });
    expect(await ok(other, 'GET', `/api/survey-loops?responseId=${loop!.after}`)).toEqual({ followupId: null, caseId: null, earlier: null, later: [] });
    expect((await call(ws, 'GET', `/api/surveys/${survey.id}/results/recovery`, undefined, 'agent')).statusCode).toBe(403);
    // Garbage is a 400 with a stable code, in the reader's language.
    const none = await call(ws, 'GET', '/api/survey-loops', undefined, 'owner', 'fa');
    expect(none.statusCode).toBe(400);
    expect(none.json()).toMatchObject({ code: 'loop_target_required' });
    expect(none.json().detail).toMatch(/پیگیری/);
    expect((await call(ws, 'GET', '/api/survey-loops?responseId=nope')).statusCode).toBe(400);
    expect((await call(ws, 'GET', '/api/surveys/nope/results/recovery')).statusCode).toBe(400);
  }, 240_000);

  it('an anonymous survey sent after it stores no link and no customer, and counts in no recovery', async () => {
    const ws = await workspace();
    const named = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    const anonymous = await publishSurvey(t.database.db, ws.tenantId, { ...NPS_SURVEY, name: 'Anonymous NPS', settings: { ...NPS_SURVEY.settings, anonymous: true } });
    await ok(ws, 'POST', '/api/automations', {
      name: 'Ask anonymously after a follow-up', enabled: true, trigger: { type: 'event', topic: 'followup.completed' },
      actions: [{ type: 'send_survey', surveyId: anonymous.id, channel: 'preferred' }],
    });
    const address = `anon-${ws.slug}@example.test`;
    const customer = await createCustomer(t, ws, { email: address, language: 'en', consent: emailConsent });
    const before = await answerNps((await invite(t.database.db, ws.tenantId, named.id, customer.id)).token, 2);
    const followup = await eventually(async () => (await ok(ws, 'GET', `/api/followups?customerId=${customer.id}`)).items[0], 'the follow-up');
    await ok(ws, 'POST', `/api/followups/${followup.id}/attempts`, { outcome: 'reached' });
    const after = await answerMailedNps(address, 10);

    expect(await contextOf(ws.tenantId, after)).toEqual({});
    expect(await t.database.db.select().from(surveyRespondents).where(and(eq(surveyRespondents.tenantId, ws.tenantId), eq(surveyRespondents.responseId, after)))).toEqual([]);
    for (const id of [named.id, anonymous.id]) {
      expect(await ok(ws, 'GET', `/api/surveys/${id}/results/recovery`)).toEqual({ surveyId: id, loops: { followup: 0, case: 0, paired: 0 }, metrics: [] });
    }
    expect(await ok(ws, 'GET', `/api/survey-loops?followupId=${followup.id}`)).toMatchObject({ earlier: null, later: [] });
    expect(await ok(ws, 'GET', `/api/survey-loops?responseId=${before}`)).toMatchObject({ later: [] });
  }, 240_000);
});

describe('a survey sent after a case', () => {
  it('links the case, its post-closure CSAT and an automation\'s survey to the answer that opened the case', async () => {
    const ws = await workspace();
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    const current = await ok(ws, 'GET', '/api/complaint-settings');
    const { defaultRecourse: _d, noticeTemplates: _n, ...editable } = current;
    await ok(ws, 'PUT', '/api/complaint-settings', { ...editable, negativeFeedbackOpensCase: true });
    await ok(ws, 'POST', '/api/automations', {
      name: 'Ask again after a case', enabled: true, trigger: { type: 'event', topic: 'complaint.closed' },
      actions: [{ type: 'send_survey', surveyId: survey.id, channel: 'preferred' }],
    });
    const address = `case-${ws.slug}@example.test`;
    const customer = await createCustomer(t, ws, { email: address, language: 'en', consent: emailConsent });
    const first = await invite(t.database.db, ws.tenantId, survey.id, customer.id);
    const before = await answerNps(first.token, 2);

    const caseId = await eventually(async () => {
      const { rows } = await t.database.pool.query('SELECT id FROM complaint_cases WHERE tenant_id = $1 AND related_response_id = $2', [ws.tenantId, before]);
      return rows[0]?.id as string | undefined;
    }, 'the case opened by the answer');
    for (const step of [
      { action: 'acknowledge' }, { action: 'assess' }, { action: 'propose_resolution', resolutionSummary: 'A new parcel went out by courier.' },
      { action: 'communicate_resolution', rootCause: 'delivery' }, { action: 'close' },
    ]) {
      const res = await call(ws, 'POST', `/api/complaints/${caseId}/actions`, step, 'agent');
      expect(res.statusCode, `${step.action}: ${res.body}`).toBe(200);
    }

    // The automation's survey and the post-closure CSAT both carry the case and the answer that opened it.
    const invitations = await eventually(async () => {
      const { rows } = await t.database.pool.query(`SELECT survey_id, context FROM survey_invitations WHERE tenant_id = $1 AND customer_id = $2 AND context ? 'caseId'`, [ws.tenantId, customer.id]);
      return rows.length === 2 && rows;
    }, 'the two invitations after the case');
    for (const row of invitations) expect(row.context).toEqual({ caseId, priorResponseId: before });
    expect(invitations.map((r) => r.survey_id)).toContain(survey.id);

    const after = await answerMailedNps(address, 10);
    expect(await contextOf(ws.tenantId, after)).toEqual({ caseId, priorResponseId: before });

    const recovery = await ok(ws, 'GET', `/api/surveys/${survey.id}/results/recovery`, undefined, 'manager');
    expect(recovery.loops).toEqual({ followup: 0, case: 1, paired: 1 });
    expect(recovery.metrics).toEqual([expect.objectContaining({ type: 'nps', n: 1, negativeBefore: 1 })]);
    const [nps] = recovery.metrics;
    expect([nps.before.value, nps.after.value]).toEqual([-100, 100]);
    expect(nps.recovered).toMatchObject({ n: 1, count: 1, value: 100 });
    expect(nps.improved).toMatchObject({ n: 1, count: 1, value: 100 });
    // One customer: +8, nothing to estimate spread from.
    expect(nps.meanChange).toMatchObject({ value: 8, margin: 0 });
    expect(nps.scoreChange).toMatchObject({ value: 200, margin: 0 });

    const loop = await ok(ws, 'GET', `/api/survey-loops?caseId=${caseId}&responseId=${before}`, undefined, 'agent');
    expect(loop).toMatchObject({ caseId, followupId: null, earlier: { responseId: before, scores: { nps: 2 } }, later: [{ responseId: after, scores: { nps: 10 } }] });
    const other = await workspace();
    expect((await call(other, 'GET', `/api/surveys/${survey.id}/results/recovery`)).statusCode).toBe(404);
    expect(await ok(other, 'GET', `/api/survey-loops?caseId=${caseId}`)).toEqual({ followupId: null, caseId, earlier: null, later: [] });
  }, 240_000);
});
