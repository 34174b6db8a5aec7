// The member portal's sign-in by e-mail code and a friend joining through an invite link, over
// HTTP on real parts: a role-'all' app whose dispatcher sends the codes through the outbound guard
// to a real SMTP server and a local server speaking Kavenegar's API (where the test reads them),
// PostgreSQL, the public routes. E-mail codes: sealed at rest, once, five tries, the same answer
// for an unknown address. Joining: who invited, one customer even for two verifies at once, the
// consent given, the referral attached and paid on the friend's first qualifying order.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../test/eventually.ts';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { expectLedgerBalanced } from '../../../test/loyalty-ledger.ts';
import { smsProviderServer, type SmsProviderServer } from '../../../test/sms-provider.ts';
import { startSmtpSink, type SmtpSink } from '../../../test/smtp-sink.ts';
import { CODE_MAX_ATTEMPTS, JOIN_LIMITS } from './member-otp.service.ts';

let t: TestApp;
let sms: SmsProviderServer;
let sink: SmtpSink;
const KAVENEGAR_KEY = 'kv-member-join-key';

beforeAll(async () => {
  [sms, sink] = await Promise.all([smsProviderServer({ kavenegar: { apiKey: KAVENEGAR_KEY } }), startSmtpSink()]);
  t = await startTestApp({ role: 'all', env: { VAFA_OUTBOUND_ALLOW: '127.0.0.1', VAFA_ANON_RATE_LIMIT: '1000' } });
}, 120_000);
afterAll(async () => {
  await t?.close();
  await sms?.close();
  await sink?.close();
});

const touched = new Set<TestWorkspace>();
afterEach(async () => {
  for (const ws of touched) await expectLedgerBalanced(t, ws.tenantId);
  touched.clear();
});

type Headers = Record<string, string>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers, read as the tests need
type Body = Record<string, any>;
let addressSerial = 0;
const freshIp = () => `10.78.${Math.floor(++addressSerial / 250)}.${(addressSerial % 250) + 1}`;
let keySerial = 0;

async function call(method: 'GET' | 'POST' | 'PUT', url: string, headers: Headers = {}, payload?: unknown): Promise<{ status: number; body: Body; raw: string; headers: Record<string, unknown> }> {
  const res = await t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }), remoteAddress: freshIp() });
  return { status: res.statusCode, body: (res.body ? res.json() : {}) as Body, raw: res.body, headers: res.headers };
}
async function staff(ws: TestWorkspace, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown): Promise<Body> {
  const res = await call(method, url, { ...t.auth(ws.keys.owner), ...(method === 'GET' ? {} : { 'idempotency-key': `join-${++keySerial}` }) }, payload);
  if (res.status >= 300) throw new Error(`${method} ${url} → ${res.status} ${res.raw}`);
  return res.body;
}

async function workspace(): Promise<TestWorkspace> {
  const ws = await t.createWorkspace({ country: 'IR' });
  touched.add(ws);
  await staff(ws, 'PUT', '/api/messaging/channels/sms', { provider: 'kavenegar', baseUrl: sms.url, sender: '10004346', apiKey: KAVENEGAR_KEY });
  await staff(ws, 'PUT', '/api/messaging/channels/email', { host: sink.host, port: sink.port, fromAddress: 'club@example.test' });
  await staff(ws, 'PUT', '/api/messaging/policy', { quietHours: null, frequencyCap: { count: 50, periodHours: 24 }, ratePerMinute: 6000 });
  return ws;
}

let serial = 0;
function freshPhone(): { national: string; e164: string } {
  const n = String(5_000_000 + (++serial) + Math.floor(Math.random() * 1000) * 1000).padStart(7, '0');
  return { national: `0936${n}`, e164: `+98936${n}` };
}
const freshEmail = () => `member.${++serial}.${Math.floor(Math.random() * 1e9)}@example.test`;
const toPersian = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCharCode(0x06f0 + Number(d)));

const portal = (ws: TestWorkspace) => `/api/public/loyalty/${ws.slug}`;
const ask = (ws: TestWorkspace, body: Body) => call('POST', `${portal(ws)}/otp`, {}, body);
const verify = (ws: TestWorkspace, body: Body) => call('POST', `${portal(ws)}/otp/verify`, {}, body);

const lastCode = (text: string) => {
  const codes = text.match(/(?<![0-9])[0-9]{6}(?![0-9])/g);
  expect(codes, text).not.toBeNull();
  return codes![codes!.length - 1]!;
};
const mailsTo = (email: string) => sink.messages.filter((m) => m.to.includes(email));
async function mailCode(email: string, seen = 0): Promise<string> {
  const mail = await eventually(async () => mailsTo(email)[seen], `mail ${seen + 1} to ${email}`, 60_000);
  return lastCode(mail.text ?? '');
}
const smsTo = (e164: string) => sms.sends.filter((s) => s.params.receptor === e164);
async function smsCode(e164: string, seen = 0): Promise<string> {
  const send = await eventually(async () => smsTo(e164)[seen], `SMS ${seen + 1} to ${e164}`, 60_000);
  return lastCode(send.params.message ?? '');
}
function sessionCookie(header: unknown): string {
  const line = [header ?? []].flat().map(String).find((c) => c.startsWith('vafa_member='));
  expect(line).toBeDefined();
  return line!.split(';')[0]!;
}
const audits = async (ws: TestWorkspace, action: string) => (await t.database.pool.query(
  `SELECT target_id, details FROM audit_log WHERE tenant_id = $1 AND action = $2 ORDER BY id`, [ws.tenantId, action])).rows as { target_id: string; details: Body }[];

describe('signing in with a code sent by e-mail', () => {
  it('mails a member a code over SMTP, sealed at rest, good once, audited as an e-mail sign-in', async () => {
    const ws = await workspace();
    const email = freshEmail();
    const customer = await createCustomer(t, ws, { name: 'لیلا', phone: undefined, email });
    const asked = await ask(ws, { email: `  ${email.toUpperCase()} `, language: 'fa' });
    expect(asked.status, asked.raw).toBe(202);
    expect(asked.body).toEqual({ expiresInSeconds: 300, email });
    const code = await mailCode(email);
    const mail = mailsTo(email)[0]!;
    expect(mail.subject).toContain('کد ورود');
    expect(mail.html).toContain(code);

    // At rest: the code is neither in the outbox nor in the code's row.
    const { rows: outbox } = await t.database.pool.query(`SELECT body_text, body_html, payload::text AS payload FROM messages WHERE tenant_id = $1 AND recipient = $2`, [ws.tenantId, email]);
    expect(outbox).toHaveLength(1);
    expect(outbox[0].body_text + outbox[0].body_html + outbox[0].payload).not.toContain(code);
    const { rows: otps } = await t.database.pool.query(`SELECT phone, code_hash FROM loyalty_member_otps WHERE tenant_id = $1 AND email = $2`, [ws.tenantId, email]);
    expect(otps).toHaveLength(1);
    expect(otps[0].phone).toBeNull();
    expect(otps[0].code_hash).not.toContain(code);

    const signedIn = await verify(ws, { email, code: toPersian(code) });
    expect(signedIn.status, signedIn.raw).toBe(200);
    const cookie = sessionCookie(signedIn.headers['set-cookie']);
    expect((await call('GET', `${portal(ws)}/me`, { cookie })).body.member.name).toBe('لیلا');
    expect((await audits(ws, 'loyalty.member.signed_in')).map((a) => [a.target_id, a.details.via])).toEqual([[customer.id, 'email_code']]);
    // once
    const replay = await verify(ws, { email, code });
    expect(replay.status).toBe(422);
    expect(replay.body.code).toBe('member_code_invalid');
  });

  it('answers an unknown address exactly as a member\'s and mails it nothing', async () => {
    const ws = await workspace();
    const known = freshEmail();
    const unknown = freshEmail();
    await createCustomer(t, ws, { email: known });
    const forUnknown = await ask(ws, { email: unknown });
    const forKnown = await ask(ws, { email: known });
    expect([forUnknown.status, forKnown.status]).toEqual([202, 202]);
    expect(Object.keys(forUnknown.body).sort()).toEqual(Object.keys(forKnown.body).sort());
    expect(forUnknown.body.expiresInSeconds).toBe(forKnown.body.expiresInSeconds);
    await mailCode(known);
    // the known one was asked for after the unknown one and has arrived: nothing went to the unknown address
    expect(mailsTo(unknown)).toHaveLength(0);
    const { rows } = await t.database.pool.query(`SELECT count(*)::int AS n FROM messages WHERE tenant_id = $1 AND recipient = $2`, [ws.tenantId, unknown]);
    expect(rows[0].n).toBe(0);
    const guessed = await verify(ws, { email: unknown, code: '123456' });
    expect(guessed.status).toBe(422);
    expect(guessed.body.code).toBe('member_code_invalid');
    // the limits count the unknown address as they count a member's
    for (let i = 1; i < 3; i++) expect((await ask(ws, { email: unknown })).status).toBe(202);
    expect((await ask(ws, { email: unknown })).body.code).toBe('member_code_too_many');
  });

  it('takes five wrong codes, then refuses even the right one; a code by e-mail reads malformed input in its own words', async () => {
    const ws = await workspace();
    const email = freshEmail();
    const customer = await createCustomer(t, ws, { email });
    expect((await ask(ws, { email })).status).toBe(202);
    const code = await mailCode(email);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < CODE_MAX_ATTEMPTS; i++) {
      const res = await verify(ws, { email, code: wrong });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('member_code_invalid');
    }
    const right = await verify(ws, { email, code });
    expect(right.status).toBe(422);
    expect(right.body.code).toBe('member_code_invalid');
    expect((await audits(ws, 'loyalty.member.code_locked')).map((a) => a.target_id)).toEqual([customer.id]);
    const malformed = await call('POST', `${portal(ws)}/otp/verify`, { 'accept-language': 'fa' }, { email, code: '12' });
    expect(malformed.status).toBe(422);
    expect(malformed.body.errors[0]).toMatchObject({ field: 'code', code: 'member_email_code_malformed' });
    expect(malformed.body.errors[0].message).toContain('ایمیل');
  });

  it('wants exactly one of phone and e-mail, and a real address', async () => {
    const ws = await workspace();
    for (const body of [{}, { phone: '09121234567', email: freshEmail() }, { email: 'not-an-address' }, { email: freshEmail(), extra: 1 }]) {
      const res = await ask(ws, body);
      expect(res.status, `${JSON.stringify(body)} → ${res.raw}`).toBe(400);
      expect(res.raw).toContain('problem');
    }
    const both = await call('POST', `${portal(ws)}/otp`, { 'accept-language': 'ar' }, {});
    expect(both.body.errors[0]).toMatchObject({ field: 'body.phone', code: 'member_address_required' });
    expect(both.body.errors[0].message).toMatch(/[\u0600-\u06FF]/);
  });
});

describe('a friend joining through an invite link', () => {
  async function setUp(ws: TestWorkspace) {
    await staff(ws, 'POST', '/api/loyalty/programs', {
      name: 'باشگاه', settings: { spend: { points: 1, per: 10_000 }, pendingDays: 0, expiry: { kind: 'never' }, referral: { reward: 'both', referrerPoints: 100, friendPoints: 40, minOrderAmount: 100_000 } },
    });
    const referrer = await createCustomer(t, ws, { name: 'سارا رضایی', email: freshEmail() });
    const code = (await staff(ws, 'POST', `/api/loyalty/members/${referrer.id}/referral-code`)).code as string;
    return { referrer, code };
  }

  it('shows who invited (first name only); a new phone gets a code, and two verifies at once make one customer with their consent, attached and paid', async () => {
    const ws = await workspace();
    const { referrer, code } = await setUp(ws);
    const invite = await call('GET', `${portal(ws)}/invites/${code.toLowerCase()}`);
    expect(invite.status, invite.raw).toBe(200);
    expect(invite.body).toMatchObject({ inviterFirstName: 'سارا', code, offers: [{ friendPoints: 40, minOrderAmount: 100_000 }] });
    expect(invite.raw).not.toContain('رضایی');
    expect(invite.raw).not.toContain(referrer.id);

    const phone = freshPhone();
    // Without the invite an unknown phone gets nothing; with it, a code.
    expect((await ask(ws, { phone: phone.national })).status).toBe(202);
    const asked = await ask(ws, { phone: toPersian(phone.national), referralCode: code.replace('-', '') });
    expect(asked.status, asked.raw).toBe(202);
    expect(asked.body).toEqual({ expiresInSeconds: 300, phone: phone.e164 });
    const otp = await smsCode(phone.e164);
    expect(smsTo(phone.e164)).toHaveLength(1);

    const join = { name: 'علی', consent: true };
    // A wrong code makes nobody a customer.
    expect((await verify(ws, { phone: phone.national, code: otp === '000000' ? '111111' : '000000', join })).status).toBe(422);
    expect((await t.database.pool.query(`SELECT 1 FROM customers WHERE tenant_id = $1 AND phone = $2`, [ws.tenantId, phone.e164])).rows).toEqual([]);
    const [a, b] = await Promise.all([verify(ws, { phone: phone.national, code: otp, join }), verify(ws, { phone: phone.national, code: otp, join })]);
    expect([a.status, b.status].sort(), a.raw + b.raw).toEqual([200, 422]);
    const { rows: made } = await t.database.pool.query(`SELECT id, name, consent FROM customers WHERE tenant_id = $1 AND phone = $2`, [ws.tenantId, phone.e164]);
    expect(made).toHaveLength(1);
    const friend = made[0] as { id: string; name: string; consent: Body };
    expect(friend.name).toBe('علی');
    expect(friend.consent.sms).toMatchObject({ granted: true, source: 'referral_join' });
    const { rows: events } = await t.database.pool.query(`SELECT channel, status, source FROM consent_events WHERE tenant_id = $1 AND customer_id = $2`, [ws.tenantId, friend.id]);
    expect(events).toEqual([{ channel: 'sms', status: 'granted', source: 'referral_join' }]);
    expect((await audits(ws, 'loyalty.member.joined')).map((x) => x.target_id)).toEqual([friend.id]);
    expect((await audits(ws, 'loyalty.member.signed_in')).map((x) => [x.target_id, x.details.via, x.details.joined])).toEqual([[friend.id, 'sms_code', true]]);

    const referrals = (await staff(ws, 'GET', `/api/loyalty/referrals?customerId=${friend.id}`)).items as Body[];
    expect(referrals.map((r) => [r.referrer.id, r.state])).toEqual([[referrer.id, 'attached']]);
    // signed in: the portal's own follow-up attach answers the referral as it is
    const cookie = sessionCookie((a.status === 200 ? a : b).headers['set-cookie']);
    const again = await call('POST', `${portal(ws)}/me/referrer`, { cookie }, { code });
    expect(again.status, again.raw).toBe(200);

    // The friend's first qualifying order pays both sides, as referrals always have.
    await staff(ws, 'POST', '/api/loyalty/orders', { externalId: 'join-1', customerId: friend.id, lines: [{ id: '1', amount: 200_000 }] });
    await eventually(async () => (await staff(ws, 'GET', `/api/loyalty/referrals?customerId=${friend.id}`)).items[0].state === 'qualified', 'the referral qualified', 60_000);
    await eventually(async () => (await staff(ws, 'GET', `/api/loyalty/members/${referrer.id}`)).available === 100, 'the referrer paid', 60_000);
    await eventually(async () => (await staff(ws, 'GET', `/api/loyalty/members/${friend.id}`)).available === 20 + 40, 'the friend paid', 60_000);
  });

  it('joins by e-mail too, recording a refusal of offers as given', async () => {
    const ws = await workspace();
    const { code } = await setUp(ws);
    const email = freshEmail();
    expect((await ask(ws, { email, referralCode: code })).status).toBe(202);
    const otp = await mailCode(email);
    const res = await verify(ws, { email, code: otp, join: { consent: false } });
    expect(res.status, res.raw).toBe(200);
    const { rows } = await t.database.pool.query(`SELECT name, phone, consent FROM customers WHERE tenant_id = $1 AND email = $2`, [ws.tenantId, email]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: null, phone: null });
    expect(rows[0].consent.email).toMatchObject({ granted: false, source: 'referral_join' });
    expect((await audits(ws, 'loyalty.member.signed_in')).map((x) => x.details.via)).toEqual(['email_code']);
  });

  it('signs a known customer in (no new customer) and attaches the code under the rules; the referrer\'s own link is refused as self-referral', async () => {
    const ws = await workspace();
    const { referrer, code } = await setUp(ws);
    const phone = freshPhone();
    const known = await createCustomer(t, ws, { phone: phone.national });
    expect((await ask(ws, { phone: phone.national, referralCode: code })).status).toBe(202);
    const res = await verify(ws, { phone: phone.national, code: await smsCode(phone.e164), join: { name: 'ignored', consent: true } });
    expect(res.status, res.raw).toBe(200);
    const { rows } = await t.database.pool.query(`SELECT id, name FROM customers WHERE tenant_id = $1 AND phone = $2`, [ws.tenantId, phone.e164]);
    expect(rows).toEqual([{ id: known.id, name: known.name }]);
    const attached = await call('POST', `${portal(ws)}/me/referrer`, { cookie: sessionCookie(res.headers['set-cookie']) }, { code });
    expect(attached.status, attached.raw).toBe(201);
    expect(await audits(ws, 'loyalty.member.joined')).toEqual([]);

    // The referrer opens their own link: a code to their own address, signed in, the attach refused.
    const email = (await staff(ws, 'GET', `/api/customers/${referrer.id}`)).email as string;
    expect((await ask(ws, { email, referralCode: code })).status).toBe(202);
    const self = await verify(ws, { email, code: await mailCode(email) });
    expect(self.status, self.raw).toBe(200);
    const refused = await call('POST', `${portal(ws)}/me/referrer`, { cookie: sessionCookie(self.headers['set-cookie']) }, { code });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('self_referral');
    expect((await staff(ws, 'GET', `/api/loyalty/referrals?customerId=${referrer.id}`)).items.filter((r: Body) => r.friend.id === referrer.id)).toEqual([]);
  });

  it('sends an invite only so many join codes a day (a public link must not text any number); past that the link answers members as it answers strangers, and members sign in without it', async () => {
    const ws = await workspace();
    const { code } = await setUp(ws);
    for (let i = 0; i < JOIN_LIMITS.perInvitePerDay; i++) {
      const res = await ask(ws, { phone: freshPhone().national, referralCode: code });
      expect(res.status, res.raw).toBe(202);
    }
    const sentBefore = sms.sends.length;
    const stranger = freshPhone();
    const refused = await call('POST', `${portal(ws)}/otp`, { 'accept-language': 'fa' }, { phone: stranger.national, referralCode: code });
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('member_join_too_many');
    expect(refused.body.detail).toMatch(/دعوت/);
    // A known customer through the same link gets the same answer: were it 202 for them and 429
    // for a stranger, anyone holding a spent invite could ask it who is a member.
    const member = await createCustomer(t, ws, { name: 'امید' });
    const memberThroughLink = await call('POST', `${portal(ws)}/otp`, { 'accept-language': 'fa' }, { phone: member.phone!, referralCode: code });
    expect({ status: memberThroughLink.status, body: memberThroughLink.body }).toEqual({ status: refused.status, body: refused.body });
    // Signing in without the invite still works for the member.
    expect((await ask(ws, { phone: member.phone! })).status).toBe(202);
    await eventually(async () => smsTo(member.phone!.replace(/^0/, '+98')).length === 1 || smsTo(member.phone!).length === 1, 'the member\'s code');
    expect(smsTo(stranger.e164)).toHaveLength(0);
    expect(sms.sends.length).toBeGreaterThanOrEqual(sentBefore + 1);
  });

  it('refuses an unknown invite, and another workspace\'s code is unknown here', async () => {
    const ws = await workspace();
    const other = await workspace();
    const { code } = await setUp(other);
    expect((await call('GET', `${portal(ws)}/invites/${code}`)).status).toBe(404);
    expect((await call('GET', `${portal(ws)}/invites/not-a-code!`)).status).toBe(404);
    const res = await ask(ws, { phone: freshPhone().national, referralCode: code });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ field: 'referralCode', code: 'referral_code_unknown' });
    expect((await ask(ws, { phone: freshPhone().national, referralCode: 'O0O0' })).body.code).toBe('referral_code_malformed');
  });
});
