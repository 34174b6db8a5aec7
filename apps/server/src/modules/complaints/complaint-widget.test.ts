// The widget's complaint form over HTTP on a real PostgreSQL: switched on in the intake settings, it
// files through the public form's path on channel `widget` (acknowledged, its events, its notice),
// refuses garbage with problem+json, and a workspace's slug files only into that workspace.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { solveChallenge } from '../surveys/response-abuse.ts';
import { caseLoopSubscriber } from './complaint.subscribers.ts';

let t: TestApp;
let a: TestWorkspace;
let b: TestWorkspace;

beforeAll(async () => {
  t = await startTestApp();
  [a, b] = [await t.createWorkspace({ country: 'IR' }), await t.createWorkspace({ country: 'SA' })];
}, 120_000);
afterAll(() => t?.close());

const q = (text: string, values: unknown[]) => t.database.pool.query(text, values).then((r) => r.rows);

async function setWidget(ws: TestWorkspace, widgetEnabled: boolean) {
  const res = await t.app.inject({ method: 'PATCH', url: '/api/complaint-intake/settings', headers: t.auth(ws.keys.manager), payload: { widgetEnabled } });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.json().widgetEnabled).toBe(widgetEnabled);
}

const file = (slug: string, payload: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: `/api/public/complaint-widget/${slug}`, headers: { origin: 'https://shop.example', ...headers }, payload: payload as Record<string, unknown> });

describe('complaint widget', () => {
  it('is off until a manager switches it on (agents may not), and the setting is audited', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/complaint-intake/settings', headers: t.auth(a.keys.agent) })).json().widgetEnabled).toBe(false);
    const off = await t.app.inject({ method: 'GET', url: `/api/public/complaint-widget/${a.slug}?lang=fa-IR` });
    expect(off.statusCode).toBe(404);
    expect(off.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(off.json().code).toBe('widget_not_available');
    const agent = await t.app.inject({ method: 'PATCH', url: '/api/complaint-intake/settings', headers: t.auth(a.keys.agent), payload: { widgetEnabled: true } });
    expect(agent.statusCode).toBe(403);
    await setWidget(a, true);
    const [audit] = await q("SELECT details FROM audit_log WHERE tenant_id = $1 AND action = 'complaints.intake_settings_changed' ORDER BY id DESC LIMIT 1", [a.tenantId]);
    expect(audit.details).toMatchObject({ widgetEnabled: true });
  });

  it("gives the form's words in the page's language, right to left in fa/ar, with the workspace's categories, readable from any site", async () => {
    for (const [name, category, active] of [['Delivery', 'ارسال', true], ['Old', 'قدیمی', false]] as const) {
      const made = await t.app.inject({
        method: 'POST', url: '/api/complaints/settings/sla-policies', headers: t.auth(a.keys.manager),
        payload: { name, category, targets: { acknowledge: 60, resolve: 2880 }, active },
      });
      expect(made.statusCode, made.body).toBe(201);
    }
    const fa = await t.app.inject({ method: 'GET', url: `/api/public/complaint-widget/${a.slug}?lang=fa-IR`, headers: { origin: 'https://shop.example' } });
    expect(fa.statusCode, fa.body).toBe(200);
    expect(fa.headers['access-control-allow-origin']).toBe('*');
    // Cached for a minute by shared caches too, one copy per language asked by header.
    expect(String(fa.headers.vary).toLowerCase()).toContain('accept-language');
    expect(fa.json()).toMatchObject({ locale: 'fa', dir: 'rtl', categories: ['ارسال'], texts: { open: 'ثبت شکایت' } });
    const ar = (await t.app.inject({ method: 'GET', url: `/api/public/complaint-widget/${a.slug}?lang=ar`, headers: { origin: 'https://shop.example' } })).json();
    expect(ar).toMatchObject({ locale: 'ar', dir: 'rtl', texts: { open: 'تقديم شكوى' } });
    const en = (await t.app.inject({ method: 'GET', url: `/api/public/complaint-widget/${a.slug}?lang=en-GB` })).json();
    expect(en).toMatchObject({ locale: 'en', dir: 'ltr' });
    const preflight = await t.app.inject({ method: 'OPTIONS', url: `/api/public/complaint-widget/${a.slug}`, headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' } });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toMatch(/x-vafa-device/);
  });

  it('files a case on channel widget, acknowledged, with its events and its acknowledgement notice, and answers the code in Persian digits', async () => {
    const res = await file(a.slug, { language: 'fa', description: 'سفارش ۱۲۳ دیر رسید و جعبه شکسته بود.', phone: '۰۹۱۲۱۲۳۴۵۶۷', category: 'ارسال' });
    expect(res.statusCode, res.body).toBe(201);
    const receipt = res.json();
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(receipt.trackingCode).toMatch(/^\d{12}$/);
    expect(receipt.trackingCodeDisplay.replace(/[\u2066\u2069\u200e]/g, '')).toMatch(/^[۰-۹]{4}-[۰-۹]{4}-[۰-۹]{4}$/);
    expect(receipt.status.state).toBe('acknowledged');
    expect(receipt.trackingUrl).toMatch(new RegExp(`/c/${a.slug}/track\\?code=${receipt.trackingCode}$`));
    expect(receipt.device).toEqual(expect.any(String));

    const [row] = await q('SELECT * FROM complaint_cases WHERE tenant_id = $1 AND tracking_code = $2', [a.tenantId, receipt.trackingCode]);
    expect(row).toMatchObject({ channel: 'widget', state: 'acknowledged', contact_phone: '+989121234567', contact_name: null, category: 'ارسال', language: 'fa', created_by: 'public' });
    const log = await q('SELECT action, details FROM complaint_case_events WHERE tenant_id = $1 AND case_id = $2 ORDER BY id', [a.tenantId, row.id]);
    expect(log).toEqual([{ action: 'receive', details: { channel: 'widget' } }, { action: 'acknowledge', details: {} }]);
    const events = await q("SELECT id, topic, payload FROM outbox_events WHERE tenant_id = $1 AND payload->>'caseId' = $2 ORDER BY id", [a.tenantId, row.id]);
    expect(events.map((e) => e.topic)).toEqual(['complaint.received', 'complaint.state_changed']);
    expect(events[0].payload.channel).toBe('widget');
    const [facts] = await q('SELECT channel FROM complaint_case_facts WHERE tenant_id = $1 AND case_id = $2', [a.tenantId, row.id]);
    expect(facts.channel).toBe('widget');

    // The case loop decides its acknowledgement notice as for any public filing.
    const context = { database: t.database, log: pino({ level: 'silent' }), queue: t.vafa.queue, clock: { now: () => new Date() } };
    await caseLoopSubscriber.job.run({ tenantId: a.tenantId, id: Number(events[1].id), topic: events[1].topic, payload: events[1].payload, occurredAt: new Date().toISOString() }, context);
    const notices = await q('SELECT kind, status FROM complaint_notices WHERE tenant_id = $1 AND case_id = $2', [a.tenantId, row.id]);
    expect(notices).toEqual([{ kind: 'acknowledged', status: 'pending' }]);

    // The queue's channel filter finds it.
    const listed = await t.app.inject({ method: 'GET', url: '/api/complaints?channel=widget', headers: t.auth(a.keys.agent) });
    expect(listed.json().items.map((c: { trackingCode: string }) => c.trackingCode)).toContain(receipt.trackingCode);
  });

  it('answers in Arabic-Indic digits for an Arabic filing, with an e-mail and a name', async () => {
    const res = await file(a.slug, { language: 'ar', description: 'وصل الطلب متأخرًا.', email: 'Visitor@Example.com', name: 'سارة' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().trackingCodeDisplay.replace(/[\u2066\u2069\u200e]/g, '')).toMatch(/^[٠-٩]{4}-[٠-٩]{4}-[٠-٩]{4}$/);
    const [row] = await q('SELECT contact_email, contact_name, channel FROM complaint_cases WHERE tenant_id = $1 AND tracking_code = $2', [a.tenantId, res.json().trackingCode]);
    expect(row).toEqual({ contact_email: 'visitor@example.com', contact_name: 'سارة', channel: 'widget' });
  });

  it('refuses garbage with problem+json in the asked language and stores nothing', async () => {
    const count = async () => (await q("SELECT count(*)::int AS n FROM complaint_cases WHERE tenant_id = $1 AND channel = 'widget'", [a.tenantId]))[0].n as number;
    const before = await count();
    const cases: [unknown, number, string][] = [
      [{ language: 'fa', description: 'بدون راه تماس' }, 400, 'phone'],
      [{ language: 'fa', description: '', phone: '09121234567' }, 400, 'description'],
      [{ language: 'fa', description: 'x', email: 'not-an-email' }, 400, 'email'],
      [{ language: 'xx', description: 'x', phone: '09121234567' }, 400, 'language'],
      [{ language: 'fa', description: 'x', phone: '09121234567', workspace: b.slug }, 400, ''],
      // The phone's own check (normalised in the workspace's country) names the case's field, as for the public form.
      [{ language: 'fa', description: 'x', phone: 'abc' }, 422, 'contactPhone'],
      ['not json at all', 400, ''],
    ];
    for (const [payload, status, field] of cases) {
      const res = await file(a.slug, payload, { 'accept-language': 'fa', ...(typeof payload === 'string' ? { 'content-type': 'application/json' } : {}) });
      expect(res.statusCode, `${JSON.stringify(payload)}: ${res.body}`).toBe(status);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      const problem = res.json();
      expect(problem.code).toEqual(expect.any(String));
      expect(problem.detail).toMatch(/[\u0600-\u06ff]/);
      if (field) expect(problem.errors.map((e: { field: string }) => e.field.replace(/^body\./, ''))).toContain(field);
    }
    expect(await count()).toBe(before);
  });

  it("files only into the workspace its slug names: another workspace's widget, switched off, refuses; switched on, keeps its own cases", async () => {
    const bCases = async () => (await q('SELECT count(*)::int AS n FROM complaint_cases WHERE tenant_id = $1', [b.tenantId]))[0].n as number;
    const off = await file(b.slug, { language: 'ar', description: 'شكوى', phone: '0501234567' });
    expect(off.statusCode).toBe(404);
    expect(off.json().code).toBe('widget_not_available');
    expect(await bCases()).toBe(0);
    // A's widget cannot be pointed at B: the body names no workspace (refused above), and A's filings stay in A.
    const viaA = await file(a.slug, { language: 'fa', description: 'برای B نیست', phone: '09121234568' });
    expect(viaA.statusCode).toBe(201);
    expect(await bCases()).toBe(0);
    const [row] = await q('SELECT tenant_id FROM complaint_cases WHERE tracking_code = $1 AND description = $2', [viaA.json().trackingCode, 'برای B نیست']);
    expect(row.tenant_id).toBe(a.tenantId);
    // B's agents do not see A's widget case.
    const fromB = await t.app.inject({ method: 'GET', url: '/api/complaints?channel=widget', headers: t.auth(b.keys.agent) });
    expect(fromB.json().items).toEqual([]);
    // Switched on, B's widget files into B (Saudi number read in B's country).
    await setWidget(b, true);
    const on = await file(b.slug, { language: 'ar', description: 'شكوى', phone: '0501234567' });
    expect(on.statusCode, on.body).toBe(201);
    const [bRow] = await q('SELECT tenant_id, contact_phone FROM complaint_cases WHERE tracking_code = $1 AND tenant_id = $2', [on.json().trackingCode, b.tenantId]);
    expect(bRow.contact_phone).toBe('+966501234567');
    // An unknown slug is the same 404 as a widget switched off.
    expect((await file('no-such-workspace-x', { language: 'fa', description: 'x', phone: '09121234567' })).json().code).toBe('widget_not_available');
  });

  it('a flood of junk against the public slug does not turn the widget off for a real visitor; one address reading the words too often is slowed', async () => {
    // A workspace of its own: the flood leaves its slug in the guard's burst mode for a while.
    const c = await t.createWorkspace({ country: 'IR' });
    await setWidget(c, true);
    // 400 well-formed filings (honeypot filled) from as many addresses and new devices: more than the
    // former per-workspace budget of 300 a minute. The guard asks them to prove work; none is stored.
    const before = (await q('SELECT count(*)::int AS n FROM complaint_cases WHERE tenant_id = $1', [c.tenantId]))[0].n;
    for (let i = 0; i < 400; i++) {
      const junk = await t.app.inject({
        method: 'POST', url: `/api/public/complaint-widget/${c.slug}`, remoteAddress: `10.93.${i >> 8}.${i & 255}`,
        payload: { language: 'fa', description: 'تبلیغ', phone: '09121230000', website: 'http://spam.example' },
      });
      expect([201, 429]).toContain(junk.statusCode);
      if (junk.statusCode === 429) expect(junk.json().code).toBe('filing_challenge_required');
    }
    expect((await q('SELECT count(*)::int AS n FROM complaint_cases WHERE tenant_id = $1', [c.tenantId]))[0].n).toBe(before);
    // A real visitor after the flood files, proving work if asked to (as the widget does by itself).
    const payload = { language: 'fa', description: 'بسته دیر رسید.', phone: '09121234570' };
    let real = await file(c.slug, payload);
    if (real.statusCode === 429 && real.json().code === 'filing_challenge_required') {
      real = await file(c.slug, { ...payload, proof: solveChallenge(real.json().challenge, real.json().bits) }, real.json().device ? { 'x-vafa-device': real.json().device } : {});
    }
    expect(real.statusCode, real.body).toBe(201);
    // The form's words: 600 a minute per address, then 429; another address still reads them.
    let status = 200;
    for (let i = 0; i <= 600 && status === 200; i++) {
      status = (await t.app.inject({ method: 'GET', url: `/api/public/complaint-widget/${c.slug}?lang=fa`, remoteAddress: '10.94.0.1' })).statusCode;
    }
    expect(status).toBe(429);
    expect((await t.app.inject({ method: 'GET', url: `/api/public/complaint-widget/${c.slug}?lang=fa`, remoteAddress: '10.94.0.2' })).statusCode).toBe(200);
  });

  it('thanks a filled honeypot like anyone and stores nothing', async () => {
    const before = (await q('SELECT count(*)::int AS n FROM complaint_cases WHERE tenant_id = $1', [a.tenantId]))[0].n;
    const res = await file(a.slug, { language: 'fa', description: 'ربات', phone: '09121234569', website: 'http://spam.example' });
    expect(res.statusCode).toBe(201);
    expect(res.json().trackingCode).toMatch(/^\d{12}$/);
    expect((await q('SELECT count(*)::int AS n FROM complaint_cases WHERE tenant_id = $1', [a.tenantId]))[0].n).toBe(before);
  });
});
