import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleAllows, ROLES, type Permission } from '../src/platform/http/access.ts';
import type { RegisteredRoute } from '../src/platform/http/server.ts';
import { queueMessages } from '../src/platform/messaging/outbox.ts';
import { storeAttachments } from '../src/modules/complaints/index.ts';
import { createCustomer, createSegment, defineAttribute, recordOrder } from './factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from './harness.ts';

// Walks every registered route: tenant isolation, role checks and garbage input. A new route
// with a path parameter this file does not know fails the walk until a fixture is added.
let t: TestApp;
let a: TestWorkspace;
let b: TestWorkspace;
const MARKER = 'B-ONLY-مارکر-7f3e';
/** path parameter values that point at workspace B's data, by route prefix and param name */
let bIds: Record<string, string>;
/** each workspace's points entry, kept apart from the ids: a short number would turn up in any body */
const loyaltyEntries = new Map<string, string>();
/** each workspace's credit purchase entry, kept apart from the ids for the same reason */
const creditEntries = new Map<string, string>();

const TENANT_TABLES = ['message_templates', 'automation_rules', 'followups', 'followup_attempts', 'customers', 'consent_events', 'attribute_definitions', 'segments', 'segment_members', 'imports', 'touchpoints', 'orders', 'api_keys', 'members', 'invitations', 'audit_log', 'surveys', 'survey_versions', 'survey_responses', 'survey_response_tags', 'survey_kiosks', 'survey_distributions', 'survey_invitations', 'survey_policies', 'survey_last_contact', 'complaint_cases', 'complaint_case_events', 'complaint_case_messages', 'complaint_attachments', 'complaint_case_merges', 'complaint_intake_settings',
  'loyalty_members', 'loyalty_accounts', 'loyalty_entries', 'loyalty_postings', 'loyalty_lots', 'loyalty_draws',
  'loyalty_rewards', 'loyalty_redemption_holds', 'loyalty_charities', 'loyalty_donations', 'loyalty_receipt_counters', 'loyalty_charity_shares',
  'loyalty_programs', 'loyalty_program_versions', 'loyalty_awards', 'loyalty_orders', 'loyalty_order_returns', 'loyalty_expiry_notices',
  'loyalty_tier_settings', 'loyalty_tiers', 'loyalty_member_tiers', 'loyalty_tier_changes',
  'loyalty_partners', 'loyalty_partner_offers', 'loyalty_partner_entries', 'loyalty_partner_cap_stripes',
  'loyalty_badges', 'loyalty_challenges', 'loyalty_game_events', 'loyalty_game_completions', 'loyalty_member_badges',
  'loyalty_credit_packages', 'loyalty_credit_balances', 'loyalty_credit_accounts', 'loyalty_credit_entries', 'loyalty_credit_postings',
  'loyalty_credit_bonus_lots', 'loyalty_credit_bonus_draws',
  'loyalty_referral_codes', 'loyalty_referrals',
  'loyalty_customer_events',
  'loyalty_coupon_codes', 'loyalty_coupon_redemptions', 'loyalty_reward_restrictions', 'loyalty_reward_tiers'];

async function snapshot(tenantId: string): Promise<string> {
  const parts: string[] = [];
  for (const table of TENANT_TABLES) {
    // Authenticating stamps a key's or member's "last used" / "last seen" at most once a minute (a
    // read, not a write): left out, or a walk that outlasts a minute on a busy machine fails on it.
    const row = `(to_jsonb(x) - ARRAY['last_used_at', 'last_seen_at'])::text`;
    const { rows } = await t.database.pool.query(`SELECT md5(coalesce(string_agg(${row}, '|' ORDER BY ${row}), '')) AS h, count(*) AS n FROM ${table} x WHERE tenant_id = $1`, [tenantId]);
    parts.push(`${table}:${rows[0].n}:${rows[0].h}`);
  }
  return parts.join(' ');
}

async function api(ws: TestWorkspace, method: string, url: string, payload?: unknown) {
  const res = await t.app.inject({ method: method as 'GET', url, headers: t.auth(ws.keys.owner), ...(payload === undefined ? {} : { payload: payload as object }) });
  if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`);
  return res.json();
}

async function seedWorkspace(ws: TestWorkspace, marker: string, attributeKey: string) {
  const customer = await createCustomer(t, ws, { name: `${marker} مشتری`, phone: '09121110000', email: `${ws.slug}@example.test`, tags: [marker] });
  const other = await createCustomer(t, ws, { name: `${marker} دوم`, phone: '09121110001' });
  await recordOrder(t, ws, customer.id, { externalId: `${ws.slug}-o1` });
  const orders = await api(ws, 'GET', `/api/customers/${customer.id}/orders`);
  const segment = await createSegment(t, ws, marker, { match: 'all', conditions: [{ field: 'tag', op: 'has', value: marker }] });
  await defineAttribute(t, ws, attributeKey);
  const invitation = await api(ws, 'POST', '/api/invitations', { email: `inv-${ws.slug}@example.test`, role: 'agent' });
  const keys = await api(ws, 'GET', '/api/api-keys');
  const imports = await t.app.inject({
    method: 'POST',
    url: '/api/imports/customers',
    headers: { ...t.auth(ws.keys.owner), 'content-type': 'multipart/form-data; boundary=XyZ' },
    payload: `--XyZ\r\nContent-Disposition: form-data; name="file"; filename="c.csv"\r\nContent-Type: text/csv\r\n\r\nname,phone\r\n${marker},09121119999\r\n--XyZ--\r\n`,
  });
  const importId = imports.json().id ?? imports.json().import?.id;
  const webhook = await api(ws, 'POST', '/api/webhooks', { name: `${marker} hook`, url: 'https://example.test/hook' });
  const [message] = await queueMessages(t.database.db, ws.tenantId, [
    { customerId: customer.id, channel: 'email', recipient: `${ws.slug}@example.test`, locale: 'fa', subject: marker, bodyText: marker, origin: {} },
  ]);
  const template = await api(ws, 'POST', '/api/templates', { name: `${marker} template`, content: { fa: { text: `${marker} {name}` } } });
  const automation = await api(ws, 'POST', '/api/automations', {
    name: `${marker} rule`, trigger: { type: 'event', topic: 'order.delivered' }, actions: [{ type: 'send_message', templateId: template.id, channel: 'preferred' }],
  });
  const followup = await api(ws, 'POST', '/api/followups', { customerId: customer.id, reason: `${marker} follow-up`, dueInBusinessHours: 4 });
  const note = await api(ws, 'POST', `/api/customers/${customer.id}/notes`, { text: `${marker} note` });
  const logged = await api(ws, 'POST', `/api/customers/${customer.id}/touchpoints`, {
    kind: 'call', channel: 'phone', stage: 'after-sale', occurredAt: new Date(Date.now() - 3_600_000).toISOString(), text: `${marker} call`,
  });
  const survey = await api(ws, 'POST', '/api/surveys', { template: 'nps', languages: ['fa'] });
  await api(ws, 'POST', `/api/surveys/${survey.id}/publish`);
  const distribution = await api(ws, 'POST', `/api/surveys/${survey.id}/distributions`, {
    name: `${marker} send`, channel: 'email', audience: { all: true }, schedule: { type: 'once', at: new Date(Date.now() + 30 * 86_400_000).toISOString() },
  });
  const kiosk = await api(ws, 'POST', `/api/surveys/${survey.id}/kiosks`, { location: `${marker} kiosk` });
  const complaint = await api(ws, 'POST', '/api/complaints', { channel: 'phone', customerId: customer.id, description: `${marker} complaint` });
  const earned = await api(ws, 'POST', `/api/loyalty/members/${customer.id}/earnings`, { points: 50, reason: `${marker} points`, externalId: `${ws.slug}-earn` });
  loyaltyEntries.set(ws.tenantId, String(earned.id));
  const reward = await api(ws, 'POST', '/api/loyalty/rewards', { kind: 'gift', name: { fa: `${marker} جایزه` }, pointsCost: 10, stock: 3 });
  const hold = await api(ws, 'POST', '/api/loyalty/holds', { customerId: customer.id, rewardId: reward.id, externalId: `${ws.slug}-hold` });
  const charity = await api(ws, 'POST', '/api/loyalty/charities', { name: { fa: `${marker} خیریه` }, ratePoints: 1, rateMinor: 100 });
  const donation = await api(ws, 'POST', '/api/loyalty/donations', { customerId: customer.id, charityId: charity.id, points: 5, externalId: `${ws.slug}-donation` });
  const program = await api(ws, 'POST', '/api/loyalty/programs', { name: `${marker} برنامه`, settings: { spend: { points: 1, per: 1_000 }, pendingDays: 7 } });
  // A tier from 0 points, so the order below makes its member a tier member (a member tier row and a tier change).
  const tier = await api(ws, 'POST', `/api/loyalty/programs/${program.id}/tiers`, { name: { fa: `${marker} طلایی`, ar: `${marker} ذهبي`, en: `${marker} gold` }, threshold: 0 });
  const loyaltyOrder = await api(ws, 'POST', '/api/loyalty/orders', { externalId: `${ws.slug}-pos-1`, customerId: customer.id, lines: [{ id: '1', amount: 50_000 }] });
  // A referral: the customer's code, and the other customer (no order yet) attached with it.
  const referralCode = await api(ws, 'POST', `/api/loyalty/members/${customer.id}/referral-code`);
  await api(ws, 'POST', '/api/loyalty/referrals', { friendId: other.id, code: referralCode.code });
  const badge = await api(ws, 'POST', `/api/loyalty/programs/${program.id}/badges`, { name: { fa: `${marker} نشان`, ar: `${marker} شارة`, en: `${marker} badge` }, icon: 'star' });
  const challenge = await api(ws, 'POST', `/api/loyalty/programs/${program.id}/challenges`, {
    kind: 'count', name: { fa: `${marker} چالش`, ar: `${marker} تحدٍّ`, en: `${marker} challenge` }, topic: 'purchase', target: 2, window: { kind: 'rolling', days: 30 }, rewardPoints: 5, badgeId: badge.id,
  });
  const partner = await api(ws, 'POST', '/api/loyalty/partners', { name: { fa: `${marker} شریک` }, billingModel: 'at_redemption', pricePerPointMinor: '1000', monthlyRedeemCap: 100 });
  const partnerOffer = await api(ws, 'POST', `/api/loyalty/partners/${partner.id}/offers`, { name: { fa: `${marker} پیشنهاد` }, pointsCost: 5, minSpendMinor: '0', spendWindowDays: 30 });
  await api(ws, 'POST', `/api/loyalty/partners/${partner.id}/earnings`, { customerId: customer.id, points: 5, externalId: `${ws.slug}-partner-earn` });
  await api(ws, 'POST', `/api/loyalty/partner-offers/${partnerOffer.id}/redemptions`, { customerId: customer.id, externalId: `${ws.slug}-partner-redeem` });
  const creditPackage = await api(ws, 'POST', `/api/loyalty/programs/${program.id}/credit-packages`, { name: { fa: `${marker} بسته`, ar: `${marker} باقة`, en: `${marker} package` }, priceMinor: 1_000, creditMinor: 1_100 });
  const creditPurchase = await api(ws, 'POST', `/api/loyalty/members/${customer.id}/credit/purchases`, { packageId: creditPackage.id, externalId: `${ws.slug}-pay-1` });
  creditEntries.set(ws.tenantId, String((creditPurchase.entry as { id: number }).id));
  // A discount coupon with a pool of codes, restricted to the tier, redeemed once.
  const couponReward = await api(ws, 'POST', '/api/loyalty/rewards', { kind: 'discount_coupon', name: { fa: `${marker} کد تخفیف` }, pointsCost: 5 });
  await api(ws, 'POST', `/api/loyalty/rewards/${couponReward.id}/codes/generate`, { count: 3 });
  await api(ws, 'PUT', `/api/loyalty/rewards/${couponReward.id}/tiers`, { programId: program.id, tierIds: [tier.id] });
  const couponRedemption = await api(ws, 'POST', `/api/loyalty/rewards/${couponReward.id}/coupon-redemptions`, { customerId: customer.id, externalId: `${ws.slug}-coupon` });
  const [attachment] = await t.database.db.transaction((tx) =>
    storeAttachments(tx, ws.tenantId, complaint.id as string, [{ fileName: 'a.txt', content: Buffer.from(`${marker} attachment`) }], { source: 'agent', eventId: null, createdBy: null }));
  // A complete response, written as the response service stores one (results, tags and the responses list read it).
  const { rows: [response] } = await t.database.pool.query(
    `INSERT INTO survey_responses (tenant_id, id, survey_id, version, status, channel, locale, submitted_at)
     VALUES ($1, gen_random_uuid(), $2, 1, 'complete', 'link', 'fa', now()) RETURNING id`, [ws.tenantId, survey.id]);
  const { rows: [session] } = await t.database.pool.query(`SELECT id FROM sessions WHERE account_id = $1 AND tenant_id = $2 LIMIT 1`, [ws.users.owner.accountId, ws.tenantId]);
  // The import runs in the background; let it finish so later snapshots compare settled data.
  for (let i = 0; i < 100; i++) {
    const status = (await api(ws, 'GET', `/api/imports/${importId}`)).status;
    if (status === 'succeeded' || status === 'failed') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    customer: customer.id as string,
    other: other.id as string,
    order: (orders.items?.[0] ?? orders[0])?.id as string,
    segment: segment.id as string,
    invitation: invitation.id as string,
    apiKey: keys.items[0].id as string,
    import: importId as string,
    attribute: attributeKey,
    followup: followup.id as string,
    webhook: webhook.id as string,
    message: message!,
    template: template.id as string,
    automation: automation.id as string,
    session: session.id as string,
    note: note.id as string,
    logged: logged.id as string,
    survey: survey.id as string,
    surveyResponse: response.id as string,
    kiosk: kiosk.kiosk.id as string,
    distribution: distribution.id as string,
    complaint: complaint.id as string,
    complaintAttachment: attachment!.id,
    reward: reward.id as string,
    hold: hold.id as string,
    charity: charity.id as string,
    donation: donation.id as string,
    program: program.id as string,
    loyaltyOrder: loyaltyOrder.externalId as string,
    tier: tier.id as string,
    partner: partner.id as string,
    partnerOffer: partnerOffer.id as string,
    badge: badge.id as string,
    challenge: challenge.id as string,
    creditPackage: creditPackage.id as string,
    couponRedemption: couponRedemption.id as string,
  };
}

function paramValue(route: RegisteredRoute, name: string, ids: Awaited<ReturnType<typeof seedWorkspace>>, ws: TestWorkspace): string {
  const prefix = route.url.split('/')[2];
  const table: Record<string, string | undefined> = {
    'customers:id': ids.customer,
    'orders:id': ids.order,
    'segments:id': ids.segment,
    'segments:customerId': ids.customer,
    'invitations:id': ids.invitation,
    'api-keys:id': ids.apiKey,
    'imports:id': ids.import,
    'members:accountId': ws.users.agent.accountId,
    'customer-attributes:key': ids.attribute,
    'followups:id': ids.followup,
    'messaging:channel': 'email',
    'webhooks:id': ids.webhook,
    'messages:id': ids.message,
    'templates:id': ids.template,
    'automations:id': ids.automation,
    'account:id': ids.session,
    'customers:noteId': ids.note,
    'customers:touchpointId': ids.logged,
    'surveys:id': ids.survey,
    'surveys:responseId': ids.surveyResponse,
    'surveys:kioskId': ids.kiosk,
    'surveys:distributionId': ids.distribution,
    'complaints:id': ids.complaint,
    'complaints:attachmentId': ids.complaintAttachment,
    // a default root cause of every workspace's taxonomy (root-cause.ts)
    'complaints:code': 'delivery',
    'loyalty:customerId': ids.customer,
    'loyalty:id': loyaltyEntries.get(ws.tenantId),
    'loyalty:rewardId': ids.reward,
    'loyalty:holdId': ids.hold,
    'loyalty:charityId': ids.charity,
    'loyalty:donationId': ids.donation,
    'loyalty:programId': ids.program,
    'loyalty:externalId': ids.loyaltyOrder,
    'loyalty:tierId': ids.tier,
    'loyalty:partnerId': ids.partner,
    'loyalty:offerId': ids.partnerOffer,
    'loyalty:badgeId': ids.badge,
    'loyalty:challengeId': ids.challenge,
    'loyalty:packageId': ids.creditPackage,
    'loyalty:entryId': creditEntries.get(ws.tenantId),
    'loyalty:redemptionId': ids.couponRedemption,
  };
  const value = table[`${prefix}:${name}`];
  if (!value) throw new Error(`no fixture for :${name} in ${route.method} ${route.url}; add one to security.test.ts`);
  return value;
}

const concrete = (route: RegisteredRoute, ids: Awaited<ReturnType<typeof seedWorkspace>>, ws: TestWorkspace) =>
  route.url.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(paramValue(route, name, ids, ws)));

// Signing out would end the walk's own session halfway; it touches no workspace data.
const walkable = (r: RegisteredRoute) => r.access !== 'public' && r.url.startsWith('/api/') && !r.url.startsWith('/api/docs') && r.url !== '/api/auth/logout';

/** A body that passes validation for the routes that need one, so the walk reaches the tenant check. */
function plausibleBody(route: RegisteredRoute, ids: Awaited<ReturnType<typeof seedWorkspace>>): unknown {
  if (route.url.endsWith('/merge')) return { sourceId: ids.other };
  if (route.method === 'PATCH' && (route.url.endsWith(':noteId') || route.url.endsWith(':touchpointId'))) return { text: 'changed by A' };
  if (route.method === 'PATCH' && route.url.startsWith('/api/customers')) return { name: 'changed by A' };
  if (route.method === 'PATCH' && route.url.startsWith('/api/segments')) return { name: 'changed by A' };
  if (route.method === 'PATCH' && route.url.startsWith('/api/members')) return { role: 'manager' };
  if (route.method === 'PATCH' && route.url === '/api/surveys/:id') return { name: 'changed by A', questions: [{ id: 'nps', type: 'nps', title: { fa: 'A' } }] };
  return route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
}

beforeAll(async () => {
  t = await startTestApp();
  a = await t.createWorkspace({ country: 'IR' });
  b = await t.createWorkspace({ country: 'IR' });
  await seedWorkspace(a, 'A-side', 'city');
  bIds = (await seedWorkspace(b, MARKER, 'b_only_attribute')) as unknown as Record<string, string>;
}, 120_000);
afterAll(() => t?.close());

describe('tenant isolation', () => {
  it("never lets workspace A's user or key read or change workspace B's data on any route", async () => {
    const ids = bIds as unknown as Awaited<ReturnType<typeof seedWorkspace>>;
    const before = await snapshot(b.tenantId);
    for (const credentials of [t.auth(a.keys.owner), t.session(a.users.owner)]) {
      for (const route of t.vafa.routes.filter(walkable)) {
        const url = concrete(route, ids, b);
        const payload = plausibleBody(route, ids);
        const res = await t.app.inject({ method: route.method as 'GET', url, headers: credentials, ...(payload === undefined ? {} : { payload: payload as object }) });
        const label = `${route.method} ${route.url}`;
        if (route.url.includes(':')) {
          expect([400, 403, 404, 409, 410, 422], `${label} → ${res.statusCode} ${res.body.slice(0, 200)}`).toContain(res.statusCode);
        }
        expect(res.body.includes(MARKER), `${label} leaked B's data`).toBe(false);
        for (const id of Object.values(bIds)) if (id) expect(res.body.includes(id), `${label} leaked B's id`).toBe(false);
      }
    }
    expect(await snapshot(b.tenantId)).toBe(before);
  });
});

describe('role checks', () => {
  it('gives each role exactly the routes its permissions allow', async () => {
    const probe = await t.createWorkspace();
    for (const route of t.vafa.routes.filter(walkable).filter((r) => r.access !== 'authenticated')) {
      for (const role of ROLES) {
        const url = route.url.replace(/:(\w+)/g, '00000000-0000-4000-8000-000000000000');
        const payload = route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
        const res = await t.app.inject({ method: route.method as 'GET', url, headers: t.auth(probe.keys[role]), ...(payload === undefined ? {} : { payload }) });
        const allowed = roleAllows(role, route.access as Permission);
        const label = `${role} ${route.method} ${route.url} → ${res.statusCode}`;
        if (allowed) expect(res.statusCode, label).not.toBe(403);
        else {
          expect(res.statusCode, label).toBe(403);
          expect(res.json().code).toBe('forbidden');
        }
      }
    }
  });
});

describe('garbage input on every write route', () => {
  it('answers 4xx problem+json, writes nothing and stays alive', async () => {
    const ws = await t.createWorkspace();
    const ids = await seedWorkspace(ws, 'garbage-victim', 'city');
    const before = await snapshot(ws.tenantId);
    const garbage: { payload: string | Buffer; type: string }[] = [
      { payload: '[]', type: 'application/json' },
      { payload: '"just a string"', type: 'application/json' },
      { payload: '12345', type: 'application/json' },
      { payload: '{"unexpectedField": "<script>alert(1)</script>", "name": {"$gt": ""}}', type: 'application/json' },
      { payload: `{"name": "x' OR 1=1; DROP TABLE customers; --", "limit": "۱۲", "amountMinor": "۱۰۰۰"}`, type: 'application/json' },
      { payload: '{"a":' + '['.repeat(5000) + ']'.repeat(5000) + '}', type: 'application/json' },
      { payload: Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), type: 'application/json' },
      { payload: '{"name": "nul\\u0000byte"}', type: 'application/json' },
      { payload: 'name=x&phone=1', type: 'application/x-www-form-urlencoded' },
      { payload: Buffer.alloc(6 * 1024 * 1024, 0x61), type: 'application/json' },
    ];
    const writes = t.vafa.routes.filter(walkable).filter((r) => r.method !== 'GET');
    expect(writes.length).toBeGreaterThan(10);
    for (const route of writes) {
      for (const { payload, type } of garbage) {
        const url = concrete(route, ids, ws);
        const res = await t.app.inject({ method: route.method as 'POST', url, headers: { ...t.auth(ws.keys.owner), 'content-type': type }, payload });
        const label = `${route.method} ${route.url} with ${String(payload).slice(0, 40)} → ${res.statusCode} ${res.body.slice(0, 200)}`;
        expect(res.statusCode >= 400 && res.statusCode < 500, label).toBe(true);
        expect(res.headers['content-type'], label).toContain('application/problem+json');
        expect(typeof res.json().code, label).toBe('string');
      }
    }
    for (const route of t.vafa.routes.filter(walkable).filter((r) => r.url.includes(':'))) {
      for (const bad of ["1' OR '1'='1", '۱۲۳', '<b>x</b>', 'a'.repeat(300)]) {
        const url = route.url.replace(/:(\w+)/g, encodeURIComponent(bad));
        const payload = route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
        const res = await t.app.inject({ method: route.method as 'GET', url, headers: t.auth(ws.keys.owner), ...(payload === undefined ? {} : { payload }) });
        const label = `${route.method} ${url} → ${res.statusCode} ${res.body.slice(0, 200)}`;
        expect(res.statusCode >= 400 && res.statusCode < 500, label).toBe(true);
        expect(res.headers['content-type'], label).toContain('application/problem+json');
      }
    }
    expect(await snapshot(ws.tenantId)).toBe(before);
    expect((await t.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });
});
