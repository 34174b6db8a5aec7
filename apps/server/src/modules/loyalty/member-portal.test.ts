// The member portal over HTTP on real parts: a role-'all' app (its dispatcher sends the sign-in
// SMS through the outbound guard to a local server speaking Kavenegar's API, where the test reads
// the code), PostgreSQL, the public routes. Sign-in by one-time code (expiry, tries, replay, no
// enumeration, limits), then the member's own points: balances, every expiry by day, history with
// causes, isolation between workspaces and between members, and a two-tap donation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { eventually } from '../../../test/eventually.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { expectLedgerBalanced } from '../../../test/loyalty-ledger.ts';
import { smsProviderServer, type SmsProviderServer } from '../../../test/sms-provider.ts';
import { CODE_MAX_ATTEMPTS, PHONE_LIMITS, WORKSPACE_LIMITS } from './member-otp.service.ts';

let t: TestApp;
let sms: SmsProviderServer;
const KAVENEGAR_KEY = 'kv-portal-test-key';

beforeAll(async () => {
  sms = await smsProviderServer({ kavenegar: { apiKey: KAVENEGAR_KEY } });
  t = await startTestApp({ role: 'all', env: { VAFA_OUTBOUND_ALLOW: '127.0.0.1', VAFA_ANON_RATE_LIMIT: '1000' } });
}, 120_000);
afterAll(async () => {
  await t?.close();
  await sms?.close();
});

type Headers = Record<string, string>;
let addressSerial = 0;
// Each request from its own address: the per-address backstop is not what these tests are about.
const freshAddress = () => `10.77.${Math.floor(++addressSerial / 250)}.${(addressSerial % 250) + 1}`;

async function call(method: 'GET' | 'POST' | 'PUT', url: string, headers: Headers = {}, payload?: unknown) {
  const res = await t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }), remoteAddress: freshAddress() });
  return { status: res.statusCode, body: res.body ? res.json() : null, raw: res.body, headers: res.headers };
}
async function staff(ws: TestWorkspace, method: 'POST' | 'PUT', url: string, payload: unknown, role: keyof TestWorkspace['keys'] = 'owner', headers: Headers = {}) {
  const res = await call(method, url, { ...t.auth(ws.keys[role]), ...headers }, payload);
  if (res.status >= 300) throw new Error(`${method} ${url} → ${res.status} ${res.raw}`);
  return res.body;
}

/** An Iranian workspace sending SMS to the local Kavenegar, no quiet hours. */
async function workspace(): Promise<TestWorkspace> {
  const ws = await t.createWorkspace({ country: 'IR' });
  await staff(ws, 'PUT', '/api/messaging/channels/sms', { provider: 'kavenegar', baseUrl: sms.url, sender: '10004346', apiKey: KAVENEGAR_KEY });
  await staff(ws, 'PUT', '/api/messaging/policy', { quietHours: null, frequencyCap: { count: 50, periodHours: 24 }, ratePerMinute: 6000 });
  return ws;
}

let phoneSerial = 0;
/** A fresh Iranian mobile number: national form and E.164. */
function freshPhone(): { national: string; e164: string } {
  const n = String(4_000_000 + (++phoneSerial) + Math.floor(Math.random() * 1000) * 1000).padStart(7, '0');
  return { national: `0935${n}`, e164: `+98935${n}` };
}

const portal = (ws: TestWorkspace) => `/api/public/loyalty/${ws.slug}`;
const requestCode = (ws: TestWorkspace, phone: string, headers: Headers = {}) => call('POST', `${portal(ws)}/otp`, headers, { phone });
const verify = (ws: TestWorkspace, phone: string, code: string, headers: Headers = {}) => call('POST', `${portal(ws)}/otp/verify`, headers, { phone, code });

/** The code in the latest SMS to this phone after `seen` earlier ones, as the provider received it. */
async function smsCode(e164: string, seen = 0): Promise<string> {
  const send = await eventually(async () => sms.sends.filter((s) => s.params.receptor === e164)[seen], `SMS ${seen + 1} to ${e164}`, 60_000);
  const codes = send.params.message!.match(/(?<![0-9])[0-9]{6}(?![0-9])/g);
  expect(codes, send.params.message).not.toBeNull();
  return codes![codes!.length - 1]!;
}
const smsCount = (e164: string) => sms.sends.filter((s) => s.params.receptor === e164).length;

/** Signs the phone's customer in through the real SMS path; answers the session cookie header. */
async function signIn(ws: TestWorkspace, phone: { national: string; e164: string }): Promise<string> {
  const seen = smsCount(phone.e164);
  expect((await requestCode(ws, phone.national)).status).toBe(202);
  const code = await smsCode(phone.e164, seen);
  const res = await verify(ws, phone.national, code);
  expect(res.status, res.raw).toBe(200);
  return sessionCookie(res.headers['set-cookie']);
}
function sessionCookie(header: string | string[] | undefined): string {
  const line = [header ?? []].flat().find((c) => c.startsWith('vafa_member='));
  expect(line).toBeDefined();
  return line!.split(';')[0]!;
}

const earn = (ws: TestWorkspace, customerId: string, body: Record<string, unknown>) =>
  staff(ws, 'POST', `/api/loyalty/members/${customerId}/earnings`, { reason: 'test', ...body }, 'manager', { 'idempotency-key': `earn-${Math.random()}` });
const inDays = (days: number, hourUtc = 8) => {
  const d = new Date(Date.now() + days * 86_400_000);
  d.setUTCHours(hourUtc, 0, 0, 0);
  return d.toISOString();
};

describe('signing in with a code sent by SMS', () => {
  it('sends a code to a member\'s phone typed in Persian digits, signs in once, and shows the member their points', async () => {
    const ws = await workspace();
    const phone = freshPhone();
    const customer = await createCustomer(t, ws, { name: 'سارا', phone: phone.national });
    // Lots: two expiring the same Tehran day (03:00 and 18:00 UTC are 06:30 and 21:30 there), one a week later, one never, one pending.
    await earn(ws, customer.id, { points: 100, expiresAt: inDays(10, 3), externalId: 'order-1001', reason: 'خرید' });
    await earn(ws, customer.id, { points: 50, expiresAt: inDays(10, 18), externalId: 'order-1002' });
    await earn(ws, customer.id, { points: 30, expiresAt: inDays(17), reason: 'هدیه‌ی پشتیبانی' });
    await earn(ws, customer.id, { points: 20, externalId: 'order-1003' });
    await earn(ws, customer.id, { points: 40, pendingUntil: inDays(3), expiresAt: inDays(40), externalId: 'order-1004' });
    await staff(ws, 'POST', `/api/loyalty/members/${customer.id}/redemptions`, { points: 10, externalId: 'pos-77' }, 'manager');

    const persianDigits = phone.national.replace(/[0-9]/g, (d) => String.fromCharCode(0x06f0 + Number(d)));
    const asked = await requestCode(ws, persianDigits);
    expect(asked.status, asked.raw).toBe(202);
    expect(asked.body).toEqual({ expiresInSeconds: 300, phone: phone.e164 });
    const code = await smsCode(phone.e164);
    expect(sms.sends.find((s) => s.params.receptor === phone.e164)!.params.message).toContain('کد ورود');

    // At rest: the code is neither in the outbox nor in the code's row.
    const { rows: outbox } = await t.database.pool.query(`SELECT body_text, payload::text AS payload FROM messages WHERE tenant_id = $1 AND recipient = $2`, [ws.tenantId, phone.e164]);
    expect(outbox).toHaveLength(1);
    expect(outbox[0].body_text + outbox[0].payload).not.toContain(code);
    const { rows: otps } = await t.database.pool.query(`SELECT code_hash FROM loyalty_member_otps WHERE tenant_id = $1 AND phone = $2`, [ws.tenantId, phone.e164]);
    expect(otps).toHaveLength(1);
    expect(otps[0].code_hash).not.toContain(code);

    const signed = await verify(ws, phone.national, code.replace(/[0-9]/g, (d) => String.fromCharCode(0x0660 + Number(d))));
    expect(signed.status, signed.raw).toBe(200);
    const setCookie = [signed.headers['set-cookie']].flat().find((c) => c!.startsWith('vafa_member='))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toContain(`Path=/api/public/loyalty/${ws.slug}`);
    const cookie = sessionCookie(signed.headers['set-cookie']);
    const token = cookie.split('=')[1]!;
    const { rows: sessions } = await t.database.pool.query(`SELECT token_hash FROM loyalty_member_sessions WHERE tenant_id = $1 AND customer_id = $2`, [ws.tenantId, customer.id]);
    expect(sessions).toHaveLength(1);
    expect(sessions[0].token_hash).not.toBe(token);

    const me = await call('GET', `${portal(ws)}/me`, { cookie });
    expect(me.status, me.raw).toBe(200);
    expect(me.body).toMatchObject({
      workspace: { calendar: 'persian', timeZone: 'Asia/Tehran' },
      member: { name: 'سارا', phone: phone.e164 },
      balance: { available: 190, pending: 40, qualifying: 240 },
      withoutExpiry: 20,
      tiers: [],
      referralLink: null,
    });
    // Every expiry, by the Tehran day: the redemption drew 10 from the soonest lot.
    expect(me.body.expiring).toEqual([
      { date: expect.any(String), expiresAt: expect.any(String), points: 140 },
      { date: expect.any(String), expiresAt: expect.any(String), points: 30 },
    ]);
    expect(new Date(me.body.expiring[0].expiresAt).getTime()).toBe(new Date(inDays(10, 3)).getTime());
    expect(me.body.expiring[1].date > me.body.expiring[0].date).toBe(true);
    expect(me.body.unlocking).toEqual([{ date: expect.any(String), unlocksAt: expect.any(String), points: 40 }]);
    expect(signed.body.balance).toEqual(me.body.balance);

    // History, newest first, a cause for every change, in pages.
    const first = await call('GET', `${portal(ws)}/me/history?limit=4`, { cookie });
    expect(first.status, first.raw).toBe(200);
    expect(first.body.items.map((i: { cause: string }) => i.cause)).toEqual(['redeemed', 'order', 'order', 'granted']);
    expect(first.body.items[0]).toMatchObject({ kind: 'redeem', reference: 'pos-77', points: -10 });
    expect(first.body.items[1]).toMatchObject({ reference: 'order-1004', points: 40, pending: 40, available: 0 });
    expect(first.body.items[3]).toMatchObject({ note: 'هدیه‌ی پشتیبانی', points: 30 });
    const second = await call('GET', `${portal(ws)}/me/history?limit=4&cursor=${first.body.nextCursor}`, { cookie });
    expect(second.body.items.map((i: { reference: string }) => i.reference)).toEqual(['order-1002', 'order-1001']);
    expect(second.body.items[1]).toMatchObject({ cause: 'order', note: 'خرید' });
    expect(second.body.nextCursor).toBeNull();
    expect((await call('GET', `${portal(ws)}/me/history?cursor=abc`, { cookie })).status).toBe(400);

    // The code is spent: the same code again signs nobody in.
    const replay = await verify(ws, phone.national, code);
    expect(replay.status).toBe(422);
    expect(replay.body.code).toBe('member_code_invalid');

    const { rows: audit } = await t.database.pool.query(`SELECT action, target_id, ip FROM audit_log WHERE tenant_id = $1 AND action LIKE 'loyalty.member.%'`, [ws.tenantId]);
    expect(audit).toEqual([expect.objectContaining({ action: 'loyalty.member.signed_in', target_id: customer.id, ip: expect.stringMatching(/^10\.77\./) })]);

    // Signing out ends the session at the server, not only in the browser.
    const out = await call('POST', `${portal(ws)}/sign-out`, { cookie });
    expect(out.status).toBe(204);
    expect((await call('GET', `${portal(ws)}/me`, { cookie })).status).toBe(401);
    await expectLedgerBalanced(t, ws.tenantId);
  });

  it('takes a code within its five minutes, for five tries, and only the phone\'s latest', async () => {
    const ws = await workspace();
    const phone = freshPhone();
    await createCustomer(t, ws, { phone: phone.national });

    // Expired: the code's five minutes are over (moved back in the table, the test's clock).
    await requestCode(ws, phone.national);
    const expired = await smsCode(phone.e164, 0);
    await t.database.pool.query(`UPDATE loyalty_member_otps SET expires_at = now() - interval '1 second' WHERE tenant_id = $1 AND phone = $2`, [ws.tenantId, phone.e164]);
    expect((await verify(ws, phone.national, expired)).body.code).toBe('member_code_invalid');

    // A newer code replaces the older one.
    await requestCode(ws, phone.national);
    const older = await smsCode(phone.e164, 1);
    await requestCode(ws, phone.national);
    const latest = await smsCode(phone.e164, 2);
    if (older !== latest) expect((await verify(ws, phone.national, older)).status).toBe(422);

    // Twenty wrong tries at once: five are judged, then even the right code is refused.
    const wrong = latest === '000000' ? '111111' : '000000';
    const tries = await Promise.all(Array.from({ length: 20 }, () => verify(ws, phone.national, wrong)));
    expect(tries.every((r) => r.status === 422 && r.body.code === 'member_code_invalid')).toBe(true);
    const { rows: [row] } = await t.database.pool.query(
      `SELECT attempts FROM loyalty_member_otps WHERE tenant_id = $1 AND phone = $2 ORDER BY created_at DESC LIMIT 1`, [ws.tenantId, phone.e164]);
    expect(row.attempts).toBe(CODE_MAX_ATTEMPTS);
    expect((await verify(ws, phone.national, latest)).status).toBe(422);
    const { rows: locked } = await t.database.pool.query(`SELECT count(*)::int AS n FROM audit_log WHERE tenant_id = $1 AND action = 'loyalty.member.code_locked'`, [ws.tenantId]);
    expect(locked[0].n).toBe(1);

    // The fourth request in 15 minutes is refused, and nothing more is sent.
    const fourth = await requestCode(ws, phone.national, { 'accept-language': 'fa' });
    expect(fourth.status).toBe(429);
    expect(fourth.body).toMatchObject({ code: 'member_code_too_many', detail: expect.stringContaining('بیش از حد') });
    expect(PHONE_LIMITS[0].max).toBe(3);
    await new Promise((r) => setTimeout(r, 300));
    expect(smsCount(phone.e164)).toBe(3);
  });

  it('answers a phone that is no member\'s exactly as a member\'s, sends it nothing, and limits it alike', async () => {
    const ws = await workspace();
    const member = freshPhone();
    const stranger = freshPhone();
    await createCustomer(t, ws, { phone: member.national });

    const forMember = await requestCode(ws, member.national);
    const forStranger = await requestCode(ws, stranger.national);
    expect(forStranger.status).toBe(forMember.status);
    expect(Object.keys(forStranger.body).sort()).toEqual(Object.keys(forMember.body).sort());
    expect(forStranger.body.expiresInSeconds).toBe(forMember.body.expiresInSeconds);
    await smsCode(member.e164);

    const wrongForMember = await verify(ws, member.national, '123450');
    const anyForStranger = await verify(ws, stranger.national, '123450');
    expect(anyForStranger.status).toBe(wrongForMember.status);
    expect(anyForStranger.body).toEqual(wrongForMember.body);

    for (let i = 0; i < 2; i += 1) {
      await requestCode(ws, member.national);
      await requestCode(ws, stranger.national);
    }
    const memberFourth = await requestCode(ws, member.national);
    const strangerFourth = await requestCode(ws, stranger.national);
    expect(strangerFourth.status).toBe(429);
    expect(strangerFourth.body).toEqual(memberFourth.body);
    await new Promise((r) => setTimeout(r, 500));
    expect(smsCount(stranger.e164)).toBe(0);
  });

  it('holds a workspace to its ceiling of codes a minute, whoever the phones are', async () => {
    const ws = await workspace();
    const limit = WORKSPACE_LIMITS[0].max;
    // All at once: one by one, the window is a minute and a busy machine can take longer than that
    // for sixty requests, so the first would have left the window before the last was counted.
    const first = await Promise.all(Array.from({ length: limit }, () => requestCode(ws, freshPhone().national)));
    expect(first.map((r) => r.status)).toEqual(first.map(() => 202));
    const over = await requestCode(ws, freshPhone().national, { 'accept-language': 'ar' });
    expect(over.status).toBe(429);
    expect(over.body.code).toBe('member_code_busy');
    expect(over.headers['content-type']).toContain('application/problem+json');
    // Another workspace is not held by this one's ceiling.
    const other = await workspace();
    expect((await requestCode(other, freshPhone().national)).status).toBe(202);
  });

  it('refuses garbage with a stable code in fa, ar and en', async () => {
    const ws = await workspace();
    for (const [language, word] of [['fa', 'شماره'], ['ar', 'رقم'], ['en', 'phone']] as const) {
      const bad = await requestCode(ws, '123456', { 'accept-language': language });
      expect(bad.status).toBe(422);
      expect(bad.headers['content-type']).toContain('application/problem+json');
      expect(bad.body.code).toBe('invalid_phone');
      expect(bad.body.detail).toContain(word);
    }
    const malformed = await verify(ws, freshPhone().national, '12ab', { 'accept-language': 'fa' });
    expect(malformed.status).toBe(422);
    expect(malformed.body).toMatchObject({ code: 'member_code_malformed', detail: expect.stringContaining('۶ رقم') });
    expect((await call('POST', `${portal(ws)}/otp`, {}, { phone: '09121234567', extra: 1 })).status).toBe(400);
    expect((await call('POST', `${portal(ws)}/otp`, {}, [])).status).toBe(400);
    expect((await call('POST', '/api/public/loyalty/no-such-workspace-here/otp', {}, { phone: '09121234567' })).status).toBe(404);
    expect((await call('POST', '/api/public/loyalty/Bad%20Slug!/otp', {}, { phone: '09121234567' })).status).toBe(400);
    const signedOut = await call('GET', `${portal(ws)}/me`, { 'accept-language': 'en' });
    expect(signedOut.status).toBe(401);
    expect(signedOut.body.code).toBe('member_signed_out');
    expect((await call('GET', `${portal(ws)}/me`, { cookie: 'vafa_member=forged-token-value' })).status).toBe(401);
  });
});

describe('what a signed-in member sees', () => {
  it('is their own points of this workspace only', async () => {
    const a = await workspace();
    const b = await workspace();
    const phone = freshPhone();
    // The same phone is a customer in both workspaces; another member shares workspace A.
    const inA = await createCustomer(t, a, { phone: phone.national });
    const inB = await createCustomer(t, b, { phone: phone.national });
    const neighbour = await createCustomer(t, a, { phone: freshPhone().national });
    await earn(a, inA.id, { points: 70, externalId: 'a-order' });
    await earn(b, inB.id, { points: 9000, externalId: 'b-secret-order' });
    const neighbourEntry = await earn(a, neighbour.id, { points: 555, externalId: 'neighbour-order' });

    const cookieA = await signIn(a, phone);
    const meA = await call('GET', `${portal(a)}/me`, { cookie: cookieA });
    expect(meA.body.balance.available).toBe(70);
    const historyA = await call('GET', `${portal(a)}/me/history`, { cookie: cookieA });
    expect(historyA.raw).not.toContain('b-secret-order');
    expect(historyA.raw).not.toContain('neighbour-order');
    expect(historyA.body.items.map((i: { id: number }) => i.id)).not.toContain(neighbourEntry.id);
    // A's session means nothing at B, even with the browser's path scoping set aside.
    const atB = await call('GET', `${portal(b)}/me`, { cookie: cookieA });
    expect(atB.status).toBe(401);
    expect(atB.raw).not.toContain('9000');

    // A code sent for A does not sign in at B.
    const seen = smsCount(phone.e164);
    await requestCode(a, phone.national);
    const codeForA = await smsCode(phone.e164, seen);
    expect((await verify(b, phone.national, codeForA)).status).toBe(422);
    expect((await verify(a, phone.national, codeForA)).status).toBe(200);

    // An erased customer's session ends with them.
    expect((await call('GET', `${portal(a)}/me`, { cookie: cookieA })).status).toBe(200);
    await staff(a, 'POST', `/api/customers/${inA.id}/erase`, {});
    expect((await call('GET', `${portal(a)}/me`, { cookie: cookieA })).status).toBe(401);
    await expectLedgerBalanced(t, a.tenantId);
    await expectLedgerBalanced(t, b.tenantId);
  });

  it('shows the member\'s level in each program with tiers and how far the next one is', async () => {
    const ws = await workspace();
    const phone = freshPhone();
    const customer = await createCustomer(t, ws, { phone: phone.national });
    const program = await staff(ws, 'POST', '/api/loyalty/programs', { name: 'باشگاه طلایی', settings: { spend: { points: 1, per: 1_000 }, pendingDays: 0, expiry: { kind: 'never' } } }, 'manager');
    await staff(ws, 'PUT', `/api/loyalty/programs/${program.id}/tier-settings`, { basis: 'qualifying_points', window: { kind: 'rolling', days: 365 }, downgrade: 'one_step' }, 'manager');
    await staff(ws, 'POST', `/api/loyalty/programs/${program.id}/tiers`, { name: { fa: 'نقره‌ای', ar: 'فضي', en: 'Silver' }, threshold: 100 }, 'manager');
    await staff(ws, 'POST', `/api/loyalty/programs/${program.id}/tiers`, { name: { fa: 'طلایی', ar: 'ذهبي', en: 'Gold' }, threshold: 500 }, 'manager');
    await staff(ws, 'POST', '/api/loyalty/orders', { externalId: 'T-1', programId: program.id, customerId: customer.id, lines: [{ id: '1', amount: 240_000 }] }, 'manager');
    const cookie = await signIn(ws, phone);
    const me = await call('GET', `${portal(ws)}/me`, { cookie });
    expect(me.body.tiers).toEqual([{
      program: 'باشگاه طلایی', basis: 'qualifying_points', value: 240, windowEndsAt: null, windowDays: 365,
      current: { rank: 1, name: { fa: 'نقره‌ای', ar: 'فضي', en: 'Silver' } },
      next: { rank: 2, name: { fa: 'طلایی', ar: 'ذهبي', en: 'Gold' }, threshold: 500, needed: 260 },
    }]);
    const history = await call('GET', `${portal(ws)}/me/history`, { cookie });
    expect(history.body.items[0]).toMatchObject({ cause: 'order', reference: 'T-1', note: 'باشگاه طلایی', points: 240 });
  });

  it('lists rewards on offer and gives points to a charity once per tap, however often the tap is sent', async () => {
    const ws = await workspace();
    const phone = freshPhone();
    const customer = await createCustomer(t, ws, { phone: phone.national });
    await earn(ws, customer.id, { points: 300, externalId: 'o-1', expiresAt: inDays(20) });
    await staff(ws, 'POST', '/api/loyalty/rewards', { kind: 'gift', name: { fa: 'لیوان', en: 'Mug' }, pointsCost: 120 }, 'manager');
    const charity = await staff(ws, 'POST', '/api/loyalty/charities', { name: { fa: 'محک', en: 'MAHAK' }, ratePoints: 1, rateMinor: 1000 }, 'manager');
    const cookie = await signIn(ws, phone);

    const catalogue = await call('GET', `${portal(ws)}/me/catalogue`, { cookie });
    expect(catalogue.status, catalogue.raw).toBe(200);
    expect(catalogue.body.rewards).toEqual([expect.objectContaining({ name: { fa: 'لیوان', en: 'Mug' }, pointsCost: 120 })]);
    expect(catalogue.body.charities).toEqual([expect.objectContaining({ id: charity.id, ratePoints: 1, rateMinor: 1000, currency: 'IRR' })]);

    const give = (key?: string) => call('POST', `${portal(ws)}/me/donations`, { cookie, ...(key ? { 'idempotency-key': key } : {}) }, { charityId: charity.id, points: 100 });
    expect((await give()).body.code).toBe('idempotency_key_required');
    const taps = await Promise.all([give('tap-1'), give('tap-1'), give('tap-1')]);
    expect(taps.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(new Set(taps.map((r) => r.body.receiptNumber)).size).toBe(1);
    expect(taps[0]!.body).toMatchObject({ points: 100, amountMinor: 100_000, currency: 'IRR' });
    expect((await call('GET', `${portal(ws)}/me`, { cookie })).body.balance.available).toBe(200);
    const tooMuch = await call('POST', `${portal(ws)}/me/donations`, { cookie, 'idempotency-key': 'tap-2' }, { charityId: charity.id, points: 1000 });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.code).toBe('insufficient_points');
    const history = await call('GET', `${portal(ws)}/me/history`, { cookie });
    expect(history.body.items[0]).toMatchObject({ cause: 'donation', points: -100 });
    await expectLedgerBalanced(t, ws.tenantId);
  });
});
