import net from 'node:net';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbackToken } from '../../platform/messaging/tokens.ts';
import { createCustomer, createSegment } from '../../../test/factories.ts';
import { eventually } from '../../../test/eventually.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { smsProviderServer, type SmsProviderServer } from '../../../test/sms-provider.ts';
import { startSmtpSink, type SmtpSink } from '../../../test/smtp-sink.ts';
import { NPS_SURVEY, publishSurvey, setSurveyStatus } from '../../../test/survey-factories.ts';
import { runDueDistributions } from './distribution.service.ts';
import { issuePendingInvitations, sendDueReminders, type IssuerContext } from './invitation.service.ts';
import { surveyAnswers, surveyInvitations, surveyLastContact, surveyResponses, surveyTokens } from './survey.schema.ts';

// Distribution on real parts: a role-'all' app (its dispatcher and the invitation issuer running),
// a real SMTP server, a local HTTP server speaking Kavenegar's and Twilio's APIs, the public
// reply route over real HTTP.

let t: TestApp;
let baseUrl: string;
let sink: SmtpSink;
let sms: SmsProviderServer;
let issuer: IssuerContext;
const KAVENEGAR_KEY = 'kv-survey-secret-api-key-1';
const TWILIO_SID = `AC${'cd34'.repeat(8)}`;
const TWILIO_TOKEN = 'tw-survey-auth-token-5521';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function call(ws: TestWorkspace, method: string, url: string, payload?: unknown, role: keyof TestWorkspace['keys'] = 'owner') {
  return t.app.inject({ method: method as 'GET', url, headers: t.auth(ws.keys[role]), ...(payload === undefined ? {} : { payload: payload as object }) });
}

async function ok(ws: TestWorkspace, method: string, url: string, payload?: unknown) {
  const res = await call(ws, method, url, payload);
  if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`);
  return res.json();
}

/** A workspace sending e-mail to the sink and SMS to the local Kavenegar, without quiet hours. */
async function workspace(options: { sms?: 'kavenegar' | 'twilio'; recontactDays?: number; smsReplies?: boolean } = {}): Promise<TestWorkspace> {
  const ws = await t.createWorkspace({ country: 'IR' });
  await ok(ws, 'PUT', '/api/messaging/channels/email', { host: sink.host, port: sink.port, fromAddress: `survey@${ws.slug}.example.test`, fromName: 'فروشگاه وفا' });
  const provider = options.sms ?? 'kavenegar';
  await ok(ws, 'PUT', '/api/messaging/channels/sms', provider === 'kavenegar'
    ? { provider, baseUrl: sms.url, sender: '10004346', apiKey: KAVENEGAR_KEY }
    : { provider, baseUrl: sms.url, sender: '+15005550006', accountSid: TWILIO_SID, authToken: TWILIO_TOKEN });
  await ok(ws, 'PUT', '/api/messaging/policy', { quietHours: null, frequencyCap: { count: 20, periodHours: 24 }, ratePerMinute: 6000 });
  await ok(ws, 'PUT', '/api/survey-policy', { recontactDays: options.recontactDays ?? 30, smsReplies: options.smsReplies ?? false });
  return ws;
}

const emailConsent = { email: { granted: true } };
const smsConsent = { sms: { granted: true } };

const invitationsOf = (ws: TestWorkspace, surveyId: string) =>
  t.database.db.select().from(surveyInvitations).where(and(eq(surveyInvitations.tenantId, ws.tenantId), eq(surveyInvitations.surveyId, surveyId)));

const mailsTo = (address: string) => sink.messages.filter((m) => m.to.includes(address));
const smsTo = (phone: string) => sms.sends.filter((s) => s.params.receptor === phone || s.params.To === phone);

async function distribute(ws: TestWorkspace, surveyId: string, body: Record<string, unknown>) {
  const res = await call(ws, 'POST', `/api/surveys/${surveyId}/distributions`, { schedule: { type: 'once' }, ...body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** Runs what is due now and issues the invitations it decided (the background worker does the same within a second). */
async function runNow(): Promise<void> {
  await runDueDistributions(t.database);
  while ((await issuePendingInvitations(issuer)) > 0);
}

beforeAll(async () => {
  sink = await startSmtpSink();
  sms = await smsProviderServer({ kavenegar: { apiKey: KAVENEGAR_KEY }, twilio: { accountSid: TWILIO_SID, authToken: TWILIO_TOKEN } });
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  t = await startTestApp({ role: 'all', env: { PORT: String(port), VAFA_PUBLIC_URL: baseUrl, VAFA_ANON_RATE_LIMIT: '1000', VAFA_OUTBOUND_ALLOW: '127.0.0.1' } });
  await t.vafa.listen();
  issuer = { database: t.database, secrets: t.vafa.config, publicUrl: baseUrl };
}, 120_000);

afterAll(async () => {
  await t?.close();
  await sink?.close();
  await sms?.close();
});

describe('e-mail invitations', () => {
  it('reach the SMTP server with the first question as one-click links, in the customer\'s language, 0 on the right in Persian', async () => {
    const ws = await workspace();
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    const fa = `fa-${ws.slug}@example.test`;
    const en = `en-${ws.slug}@example.test`;
    await createCustomer(t, ws, { name: 'مریم', email: fa, language: 'fa', consent: emailConsent });
    await createCustomer(t, ws, { name: 'Sam', email: en, language: 'en', consent: emailConsent });
    await distribute(ws, survey.id, { channel: 'email', audience: { all: true } });

    const [mail] = await eventually(async () => mailsTo(fa).length === 1 && mailsTo(fa), 'the Persian invitation');
    expect(mail!.subject).toContain('نظرتان');
    const html = mail!.html!;
    expect(html).toContain('dir="rtl"');
    expect(html).toContain(NPS_SURVEY.questions[0]!.title.fa);
    const links = [...html.matchAll(/href="([^"]+)\?score=(\d+)"/g)].map((m) => ({ url: m[1]!, score: Number(m[2]) }));
    // Eleven links, lowest first in document order: in a right-to-left table that is the rightmost cell.
    expect(links.map((l) => l.score)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(new Set(links.map((l) => l.url)).size).toBe(1);
    expect(links[0]!.url).toMatch(new RegExp(`^${baseUrl}/s/[A-Za-z0-9_-]{22}$`));
    // Persian digits on the buttons, the link in the plain text too.
    expect(html).toMatch(/>۹<\/a>/);
    expect(mail!.text).toContain(links[0]!.url);

    const [english] = await eventually(async () => mailsTo(en).length === 1 && mailsTo(en), 'the English invitation');
    expect(english!.html).toContain('dir="ltr"');
    expect(english!.html).toContain(NPS_SURVEY.questions[0]!.title.en);
    expect(english!.html).toMatch(/>9<\/a>/);

    // The outbox keeps the message for the delivery log without the token: only its hash is stored.
    const token = links[0]!.url.split('/s/')[1]!;
    const logged = await t.database.pool.query(`SELECT body_html, body_text, payload::text AS payload FROM messages WHERE tenant_id = $1 AND recipient = $2`, [ws.tenantId, fa]);
    expect(logged.rows[0].body_html).not.toContain(token);
    expect(logged.rows[0].body_text).not.toContain(token);
    expect(logged.rows[0].payload).not.toContain(token);
    const [invitation] = await invitationsOf(ws, survey.id).then((rows) => rows.filter((r) => r.channel === 'email'));
    expect(invitation).toMatchObject({ wave: 1, sentAt: expect.any(Date), messageId: expect.any(String) });
    const stored = await t.database.db.select().from(surveyTokens).where(eq(surveyTokens.targetId, invitation!.id));
    expect(stored).toHaveLength(1);
    expect(stored[0]!.kind).toBe('invitation');
  });

  it('a one-click link, fetched, records nothing; the page\'s form, sent, records that score against the invitation', async () => {
    const ws = await workspace();
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    const address = `click-${ws.slug}@example.test`;
    const customer = await createCustomer(t, ws, { email: address, language: 'fa', consent: emailConsent });
    await distribute(ws, survey.id, { channel: 'email', audience: { customerIds: [customer.id] } });
    const [mail] = await eventually(async () => mailsTo(address).length === 1 && mailsTo(address), 'the invitation');
    const link = /href="([^"]+\?score=9)"/.exec(mail!.html!)![1]!;
    const url = link.replace(/&amp;/g, '&');
    const page = await fetch(url);
    expect(page.status).toBe(200);
    const html = await page.text();
    // What a mail scanner does (fetch, no script) saves nothing.
    const answers = () => t.database.db.select().from(surveyAnswers).where(and(eq(surveyAnswers.tenantId, ws.tenantId), eq(surveyAnswers.surveyId, survey.id)));
    expect(await answers()).toEqual([]);
    // What the page's script sends: its form's hidden fields and the checked score.
    const form = new URLSearchParams();
    for (const [input] of html.matchAll(/<input [^>]*>/g)) {
      const name = /name="([^"]*)"/.exec(input)?.[1];
      if (name && name !== 'website' && (/type="hidden"/.test(input) || / checked/.test(input))) form.append(name, /value="([^"]*)"/.exec(input)?.[1] ?? '');
    }
    expect(form.get('oneclick')).toBe('1');
    const action = /<form data-send-now method="post" action="([^"]+)"/.exec(html)![1]!.replace(/&amp;/g, '&');
    const cookie = (page.headers.getSetCookie()).map((c) => c.split(';')[0]).join('; ');
    const sent = await fetch(new URL(action, url), { method: 'POST', body: form, headers: { cookie }, redirect: 'manual' });
    expect(sent.status).toBe(303);
    const [answer] = await eventually(async () => {
      const rows = await t.database.db.select({ score: surveyAnswers.score, questionId: surveyAnswers.questionId }).from(surveyAnswers)
        .where(and(eq(surveyAnswers.tenantId, ws.tenantId), eq(surveyAnswers.surveyId, survey.id)));
      return rows.length > 0 && rows;
    }, 'the answer of the click');
    expect(answer).toEqual({ score: 9, questionId: 'nps' });
    const [invitation] = await invitationsOf(ws, survey.id);
    expect(invitation!.respondedAt).not.toBeNull();
  });

  it('is not sent without consent: no invitation, no mail', async () => {
    const ws = await workspace();
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    const yes = `yes-${ws.slug}@example.test`;
    const no = `no-${ws.slug}@example.test`;
    await createCustomer(t, ws, { email: yes, consent: emailConsent });
    const refused = await createCustomer(t, ws, { email: no, consent: { email: { granted: false } } });
    const distribution = await distribute(ws, survey.id, { channel: 'email', audience: { all: true } });
    await eventually(async () => mailsTo(yes).length === 1, 'the consenting customer\'s mail');
    const invitations = await invitationsOf(ws, survey.id);
    expect(invitations.map((i) => i.customerId)).not.toContain(refused.id);
    expect(mailsTo(no)).toHaveLength(0);
    const view = await eventually(async () => {
      const d = await ok(ws, 'GET', `/api/surveys/${survey.id}/distributions/${distribution.id}`);
      return d.status === 'done' && d;
    }, 'the wave done');
    expect(view.waveStats).toEqual([expect.objectContaining({ wave: 1, invited: 1, sent: 1, responded: 0 })]);
  });
});

describe('SMS invitations and replies', () => {
  it('a reply "۹" from the customer\'s phone records 9 against that customer\'s invitation only (Kavenegar)', async () => {
    const ws = await workspace({ smsReplies: true });
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    const first = await createCustomer(t, ws, { phone: '09121110001', language: 'fa', consent: smsConsent });
    const second = await createCustomer(t, ws, { phone: '09121110002', language: 'fa', consent: smsConsent });
    await distribute(ws, survey.id, { channel: 'sms', audience: { customerIds: [first.id, second.id] } });
    const [sent] = await eventually(async () => smsTo('+989121110001').length === 1 && smsTo('+989121110001'), 'the SMS');
    expect(sent!.params.message).toContain('۰ تا ۱۰');
    expect(sent!.params.message).toMatch(new RegExp(`${baseUrl}/s/[A-Za-z0-9_-]{22}$`));
    await eventually(async () => smsTo('+989121110002').length === 1, 'the second SMS');

    const inbound = (await ok(ws, 'GET', '/api/survey-policy/sms-inbound')).url as string;
    expect(inbound).toBe(`${baseUrl}/hooks/sms/kavenegar/${callbackToken(t.vafa.config, ws.tenantId)}/inbound`);
    const reply = await fetch(inbound, { method: 'POST', body: new URLSearchParams({ from: '09121110002', to: '10004346', message: ' ۹ ', messageid: '9001' }) });
    expect(reply.status).toBe(200);
    expect(await reply.json()).toEqual({ recorded: true });

    const invitations = await invitationsOf(ws, survey.id);
    const answered = invitations.filter((i) => i.respondedAt !== null);
    expect(answered.map((i) => i.customerId)).toEqual([second.id]);
    const responses = await t.database.db.select().from(surveyResponses).where(eq(surveyResponses.tenantId, ws.tenantId));
    expect(responses).toHaveLength(1);
    expect(responses[0]).toMatchObject({ channel: 'sms', status: 'complete', surveyId: survey.id });
    const answers = await t.database.db.select().from(surveyAnswers).where(eq(surveyAnswers.responseId, responses[0]!.id));
    expect(answers.map((a) => [a.questionId, a.score])).toEqual([['nps', 9]]);

    // The provider resending the same reply changes nothing; a second reply is not a second answer.
    const again = await fetch(inbound, { method: 'POST', body: new URLSearchParams({ from: '+989121110002', message: '٣', messageid: '9002' }) });
    expect(await again.json()).toEqual({ recorded: false });
    expect(await t.database.db.select().from(surveyResponses).where(eq(surveyResponses.tenantId, ws.tenantId))).toHaveLength(1);
  });

  it('a reply still finds the invitation after its customer was merged into another', async () => {
    const ws = await workspace({ smsReplies: true });
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    const source = await createCustomer(t, ws, { phone: '09121110004', language: 'fa', consent: smsConsent });
    await distribute(ws, survey.id, { channel: 'sms', audience: { customerIds: [source.id] } });
    await eventually(async () => smsTo('+989121110004').length === 1, 'the SMS');
    const target = await createCustomer(t, ws, { name: 'Survivor', phone: undefined, email: `survivor-${ws.slug}@example.test`, consent: smsConsent });
    await ok(ws, 'POST', `/api/customers/${target.id}/merge`, { sourceId: source.id });
    const [moved] = await invitationsOf(ws, survey.id);
    expect(moved!.customerId).toBe(target.id);
    const contact = await t.database.db.select().from(surveyLastContact).where(eq(surveyLastContact.tenantId, ws.tenantId));
    expect(contact.map((c) => c.customerId)).toEqual([target.id]);
    const inbound = (await ok(ws, 'GET', '/api/survey-policy/sms-inbound')).url as string;
    const reply = await fetch(inbound, { method: 'POST', body: new URLSearchParams({ from: '09121110004', message: '8' }) });
    expect(await reply.json()).toEqual({ recorded: true });
  });

  it('Twilio replies are accepted when signed, refused when not', async () => {
    const ws = await workspace({ sms: 'twilio', smsReplies: true });
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    const customer = await createCustomer(t, ws, { phone: '09121110003', language: 'en', consent: smsConsent });
    await distribute(ws, survey.id, { channel: 'sms', audience: { customerIds: [customer.id] } });
    const [sent] = await eventually(async () => smsTo('+989121110003').length === 1 && smsTo('+989121110003'), 'the SMS');
    expect(sent!.params.Body).toContain('Reply with a number from 0 to 10');
    const inbound = (await ok(ws, 'GET', '/api/survey-policy/sms-inbound')).url as string;

    const forged = await sms.twilioInbound(inbound, '+989121110003', '3', { signWith: 'not-the-token' });
    expect(forged).toBe(403);
    expect((await invitationsOf(ws, survey.id))[0]!.respondedAt).toBeNull();
    const signed = await sms.twilioInbound(inbound, '+989121110003', '9');
    expect(signed).toBe(200);
    await eventually(async () => (await invitationsOf(ws, survey.id))[0]!.respondedAt !== null, 'the answer');
  });

  it('ignores what is not a score and answers garbage with 4xx', async () => {
    const ws = await workspace({ smsReplies: true });
    const inbound = (await ok(ws, 'GET', '/api/survey-policy/sms-inbound')).url as string;
    const post = (body: string, url = inbound, type = 'application/x-www-form-urlencoded') => fetch(url, { method: 'POST', headers: { 'content-type': type }, body });
    const words = await post(new URLSearchParams({ from: '09121110009', message: 'thanks, nine' }).toString());
    expect(await words.json()).toEqual({ recorded: false });
    expect((await post('from=0912&message=%00')).status).toBe(400);
    expect((await post('to=1000')).status).toBe(400);
    expect((await post('{"from":"x"}', inbound, 'application/json')).status).toBe(400);
    expect((await post('from=1&message=9', inbound.replace(/\/hooks\/sms\/kavenegar\/[^/]+\//, '/hooks/sms/kavenegar/forged.token/'))).status).toBe(404);
    expect((await post('from=1&message=9', inbound.replace('/kavenegar/', '/twilio/'))).status).toBe(404);
    expect((await post('from=1&message=9', inbound.replace('/kavenegar/', '/nokia/'))).status).toBe(400);
  });

  it('previews the cost: Persian is UCS-2, parts × recipients', async () => {
    const ws = await workspace({ smsReplies: true });
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    for (let i = 0; i < 4; i++) await createCustomer(t, ws, { phone: `0912222000${i}`, language: i < 3 ? 'fa' : 'en', consent: smsConsent });
    await createCustomer(t, ws, { phone: '09122220009' });
    const preview = await ok(ws, 'POST', `/api/surveys/${survey.id}/distributions/preview`, { channel: 'sms', audience: { all: true } });
    expect(preview).toMatchObject({ audience: 5, unreachable: 1, recentlyContacted: 0, recipients: { sms: 4, email: 0 } });
    const fa = preview.sms.find((s: { language: string }) => s.language === 'fa');
    const en = preview.sms.find((s: { language: string }) => s.language === 'en');
    expect(fa).toMatchObject({ encoding: 'ucs2', recipients: 3 });
    expect(fa.parts).toBe(Math.ceil(fa.text.length / (fa.text.length <= 70 ? 70 : 67)));
    expect(en).toMatchObject({ encoding: 'gsm', recipients: 1 });
    expect(preview.smsParts).toBe(fa.parts * 3 + en.parts);
    const half = await ok(ws, 'POST', `/api/surveys/${survey.id}/distributions/preview`, { channel: 'sms', audience: { all: true }, samplingPercent: 50 });
    expect(half.recipients.sms).toBe(2 + 1);
  });
});

describe('who is asked', () => {
  it('respects the recontact limit across surveys', async () => {
    const ws = await workspace({ recontactDays: 30 });
    const first = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    const second = await publishSurvey(t.database.db, ws.tenantId, { ...NPS_SURVEY, name: 'Second' });
    const customer = await createCustomer(t, ws, { email: `again-${ws.slug}@example.test`, consent: emailConsent });
    const link = await ok(ws, 'POST', `/api/surveys/${first.id}/invitations`, { customerId: customer.id, channel: 'link' });
    expect(link.link).toMatch(new RegExp(`^${baseUrl}/s/[A-Za-z0-9_-]{22}$`));

    const refused = await call(ws, 'POST', `/api/surveys/${second.id}/invitations`, { customerId: customer.id, channel: 'email' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('recontact_limit');
    await distribute(ws, second.id, { channel: 'email', audience: { all: true } });
    await runNow();
    expect(await invitationsOf(ws, second.id)).toHaveLength(0);

    await ok(ws, 'PUT', '/api/survey-policy', { recontactDays: 0, smsReplies: false });
    await distribute(ws, second.id, { channel: 'email', audience: { all: true } });
    await runNow();
    expect(await invitationsOf(ws, second.id)).toHaveLength(1);
  });

  it('samples the share asked for, and a wave run twice invites nobody twice', async () => {
    const ws = await workspace({ recontactDays: 0 });
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    const segment = await createSegment(t, ws, 'VIP', { match: 'all', conditions: [{ field: 'tag', op: 'has', value: 'vip' }] });
    for (let i = 0; i < 20; i++) await createCustomer(t, ws, { email: `s${i}-${ws.slug}@example.test`, tags: ['vip'], consent: emailConsent });
    await createCustomer(t, ws, { email: `other-${ws.slug}@example.test`, consent: emailConsent });
    const d = await distribute(ws, survey.id, { channel: 'email', audience: { segmentId: segment.id }, samplingPercent: 25 });
    await Promise.all([runNow(), runNow(), runDueDistributions(t.database)]);
    const invited = await invitationsOf(ws, survey.id);
    expect(invited).toHaveLength(5);
    expect(new Set(invited.map((i) => i.customerId)).size).toBe(5);
    expect(invited.every((i) => i.distributionId === d.id && i.wave === 1)).toBe(true);
    const contacts = await t.database.db.select().from(surveyLastContact).where(eq(surveyLastContact.tenantId, ws.tenantId));
    expect(contacts).toHaveLength(5);
  });

  it('skips a closed survey', async () => {
    const ws = await workspace();
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    await createCustomer(t, ws, { email: `closed-${ws.slug}@example.test`, consent: emailConsent });
    const d = await distribute(ws, survey.id, { channel: 'email', audience: { all: true }, schedule: { type: 'once', at: new Date(Date.now() + 3_600_000).toISOString() } });
    await setSurveyStatus(t.database.db, ws.tenantId, survey.id, 'closed');
    // A second back: PostgreSQL's now() has microseconds and the job's clock milliseconds, so
    // "due now" set within the same millisecond as the run read as not yet due.
    await t.database.db.execute(sql`UPDATE survey_distributions SET next_run_at = now() - interval '1 second' WHERE tenant_id = ${ws.tenantId} AND id = ${d.id}`);
    await runNow();
    expect(await invitationsOf(ws, survey.id)).toHaveLength(0);
    expect((await ok(ws, 'GET', `/api/surveys/${survey.id}/distributions/${d.id}`)).status).toBe('done');
    const refused = await call(ws, 'POST', `/api/surveys/${survey.id}/distributions`, { channel: 'email', audience: { all: true }, schedule: { type: 'once' } });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('survey_closed');
  });
});

describe('schedules and reminders', () => {
  it('runs a monthly pulse on the 1st of the next Solar Hijri month in the workspace time zone', async () => {
    const ws = await workspace();
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    const d = await distribute(ws, survey.id, { channel: 'preferred', audience: { all: true }, schedule: { type: 'recurring', every: 'month', day: 1, time: '10:00' } });
    const next = new Date(d.nextRunAt);
    const persian = new Intl.DateTimeFormat('en-u-ca-persian', { timeZone: 'Asia/Tehran', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(next);
    const part = (type: string) => persian.find((p) => p.type === type)!.value;
    expect([part('day'), part('hour'), part('minute')]).toEqual(['1', '10', '00']);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(32 * 86_400_000);
    const paused = await ok(ws, 'POST', `/api/surveys/${survey.id}/distributions/${d.id}/pause`);
    expect(paused.status).toBe('paused');
    expect((await call(ws, 'POST', `/api/surveys/${survey.id}/distributions/${d.id}/pause`)).json().code).toBe('distribution_state');
    expect((await ok(ws, 'POST', `/api/surveys/${survey.id}/distributions/${d.id}/resume`)).status).toBe('scheduled');
    expect((await ok(ws, 'POST', `/api/surveys/${survey.id}/distributions/${d.id}/cancel`)).status).toBe('cancelled');
  });

  it('reminds those who have not answered, once when at most once', async () => {
    const ws = await workspace({ recontactDays: 0 });
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    const address = `remind-${ws.slug}@example.test`;
    await createCustomer(t, ws, { email: address, language: 'en', consent: emailConsent });
    await distribute(ws, survey.id, { channel: 'email', audience: { all: true }, reminder: { afterHours: 48, max: 1 } });
    await eventually(async () => mailsTo(address).length === 1, 'the invitation');
    const later = new Date(Date.now() + 49 * 3_600_000);
    expect(await sendDueReminders(issuer, new Date(Date.now() + 3_600_000))).toBe(0);
    expect(await sendDueReminders(issuer, later)).toBe(1);
    expect(await sendDueReminders(issuer, later)).toBe(0);
    expect(await sendDueReminders(issuer, new Date(later.getTime() + 100 * 3_600_000))).toBe(0);
    const mails = await eventually(async () => mailsTo(address).length === 2 && mailsTo(address), 'the reminder');
    expect(mails[1]!.subject).toMatch(/^Reminder/);
    // A fresh link to the same invitation.
    const token = (html: string) => /\/s\/([A-Za-z0-9_-]{22})/.exec(html)![1];
    expect(token(mails[1]!.html!)).not.toBe(token(mails[0]!.html!));
    const [invitation] = await invitationsOf(ws, survey.id);
    expect(invitation).toMatchObject({ reminderCount: 1 });
    expect(await t.database.db.select().from(surveyTokens).where(eq(surveyTokens.targetId, invitation!.id))).toHaveLength(2);
  });
});

describe('the send_survey automation action', () => {
  it('invites after a completed follow-up, and the invitation is tied to it', async () => {
    const ws = await workspace({ recontactDays: 0 });
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    const address = `after-${ws.slug}@example.test`;
    const customer = await createCustomer(t, ws, { email: address, consent: emailConsent });
    const rule = await ok(ws, 'POST', '/api/automations', {
      name: 'Survey after a follow-up', enabled: true, trigger: { type: 'event', topic: 'followup.completed' },
      actions: [{ type: 'send_survey', surveyId: survey.id, channel: 'preferred' }],
    });
    const followup = await ok(ws, 'POST', '/api/followups', { customerId: customer.id, reason: 'late delivery', dueInBusinessHours: 4, assigneeId: null });
    await ok(ws, 'POST', `/api/followups/${followup.id}/attempts`, { outcome: 'resolved' });
    const [invitation] = await eventually(async () => {
      const rows = await invitationsOf(ws, survey.id);
      return rows.length > 0 && rows;
    }, 'the invitation of the rule');
    expect(invitation).toMatchObject({ customerId: customer.id, channel: 'email', distributionId: null, context: { followupId: followup.id } });
    await eventually(async () => mailsTo(address).length === 1, 'the invitation mail');
    const runs = await ok(ws, 'GET', `/api/automations/${rule.id}/runs`);
    expect(runs.items[0].actions).toEqual([expect.objectContaining({ type: 'send_survey', status: 'done', channel: 'email', invitationId: invitation!.id })]);
  });

  it('refuses a rule naming a survey that does not exist', async () => {
    const ws = await workspace();
    const res = await call(ws, 'POST', '/api/automations', {
      name: 'Nowhere', enabled: false, trigger: { type: 'event', topic: 'order.delivered' },
      actions: [{ type: 'send_survey', surveyId: '00000000-0000-4000-8000-000000000000', channel: 'sms' }],
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0]).toMatchObject({ field: 'actions.0.surveyId', code: 'unknown_survey' });
  });
});

describe('roles and isolation', () => {
  it('lets only admins set the policy and see the inbound URL; another workspace sees nothing', async () => {
    const ws = await workspace();
    const other = await workspace();
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    expect((await call(ws, 'PUT', '/api/survey-policy', { recontactDays: 10, smsReplies: false }, 'manager')).statusCode).toBe(403);
    expect((await call(ws, 'GET', '/api/survey-policy/sms-inbound', undefined, 'manager')).statusCode).toBe(403);
    expect((await call(ws, 'GET', '/api/survey-policy', undefined, 'agent')).statusCode).toBe(200);
    expect((await call(ws, 'POST', `/api/surveys/${survey.id}/distributions`, { channel: 'email', audience: { all: true }, schedule: { type: 'once' } }, 'agent')).statusCode).toBe(403);
    const d = await distribute(ws, survey.id, { channel: 'email', audience: { all: true }, schedule: { type: 'once', at: new Date(Date.now() + 86_400_000).toISOString() } });
    expect((await call(other, 'GET', `/api/surveys/${survey.id}/distributions/${d.id}`)).statusCode).toBe(404);
    expect((await call(other, 'GET', `/api/surveys/${survey.id}/distributions`)).statusCode).toBe(404);
    expect((await call(other, 'POST', `/api/surveys/${survey.id}/invitations`, { customerId: '00000000-0000-4000-8000-000000000000', channel: 'link' })).statusCode).toBe(404);
  });
});
