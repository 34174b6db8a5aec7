import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { callApi, type CallOptions, type Method } from '../../../test/loyalty-kit.ts';
import { expectLedgerBalanced } from '../../../test/loyalty-ledger.ts';

// Prepaid credit over HTTP: packages with bonus credit, purchases and spends keyed for retries,
// concurrent spends against a balance that covers only some, the credit ledger checked after each
// scenario (its own report and straight SQL), and the points ledger untouched and clean.

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
}, 120_000);
afterAll(() => t?.close());


const call = (ws: TestWorkspace, method: Method, url: string, payload?: unknown, options: CallOptions = {}) => callApi(t, ws, method, url, payload, options);

let serial = 0;
const key = () => `k-${++serial}-${Date.now()}`;

async function setUp(country: 'IR' | 'SA' = 'IR') {
  const ws = await t.createWorkspace({ country });
  const program = await call(ws, 'POST', '/api/loyalty/programs', { name: 'اعتبار', settings: { spend: { points: 1, per: 10_000, rounding: 'floor' } } });
  expect(program.status, JSON.stringify(program.body)).toBe(201);
  const pkg = await call(ws, 'POST', `/api/loyalty/programs/${program.body.id}/credit-packages`, {
    name: { fa: 'بسته‌ی یک میلیونی', ar: 'باقة المليون', en: 'One million' }, priceMinor: 1_000_000, creditMinor: 1_100_000,
  });
  expect(pkg.status, JSON.stringify(pkg.body)).toBe(201);
  return { ws, programId: program.body.id as string, pkg: pkg.body };
}

const buy = (ws: TestWorkspace, customerId: string, packageId: string, headers: Record<string, string> = { 'idempotency-key': key() }, extra: Record<string, unknown> = {}) =>
  call(ws, 'POST', `/api/loyalty/members/${customerId}/credit/purchases`, { packageId, ...extra }, { role: 'agent', headers });
const spend = (ws: TestWorkspace, customerId: string, amountMinor: number, headers: Record<string, string> = { 'idempotency-key': key() }, extra: Record<string, unknown> = {}) =>
  call(ws, 'POST', `/api/loyalty/members/${customerId}/credit/spends`, { amountMinor, ...extra }, { role: 'agent', headers });

/** The credit ledger from its tables: entries balance per currency, balances equal their accounts' postings, none negative; and its report says ok. */
async function expectCreditClean(ws: TestWorkspace) {
  const q = async <R>(text: string) => (await t.database.pool.query(text, [ws.tenantId])).rows as R[];
  expect(await q(`
    SELECT p.entry_id FROM loyalty_credit_postings p JOIN loyalty_credit_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id
    WHERE p.tenant_id = $1 GROUP BY p.entry_id, a.currency HAVING sum(p.amount) <> 0`)).toEqual([]);
  const balances = await q<{ paid: string; bonus: string; posted_paid: string; posted_bonus: string }>(`
    SELECT b.paid, b.bonus,
      (SELECT coalesce(sum(p.amount), 0) FROM loyalty_credit_postings p JOIN loyalty_credit_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id
        WHERE a.tenant_id = b.tenant_id AND a.customer_id = b.customer_id AND a.currency = b.currency AND a.kind = 'paid') AS posted_paid,
      (SELECT coalesce(sum(p.amount), 0) FROM loyalty_credit_postings p JOIN loyalty_credit_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id
        WHERE a.tenant_id = b.tenant_id AND a.customer_id = b.customer_id AND a.currency = b.currency AND a.kind = 'bonus') AS posted_bonus
    FROM loyalty_credit_balances b WHERE b.tenant_id = $1`);
  for (const b of balances) {
    expect(Number(b.paid)).toBe(Number(b.posted_paid));
    expect(Number(b.bonus)).toBe(Number(b.posted_bonus));
    expect(Number(b.paid)).toBeGreaterThanOrEqual(0);
    expect(Number(b.bonus)).toBeGreaterThanOrEqual(0);
  }
  const report = await call(ws, 'GET', '/api/loyalty/credit/report', undefined, { role: 'analyst' });
  expect(report.body).toMatchObject({ ok: true, unbalancedEntries: 0, driftedBalances: 0, bonusLotsApartFromBalances: 0, bonusLotsApartFromPostings: 0, driftedBonusLots: 0 });
  await expectLedgerBalanced(t, ws.tenantId);
  expect((await call(ws, 'GET', '/api/loyalty/verify', undefined, { role: 'owner' })).body.ok).toBe(true);
  return report.body;
}

describe('prepaid credit', () => {
  it('a package bought gives paid and bonus credit apart; a replay is the same entry; spends take paid credit first', async () => {
    const { ws, programId, pkg } = await setUp();
    expect(pkg).toMatchObject({ programId, currency: 'IRR', priceMinor: 1_000_000, creditMinor: 1_100_000, bonusMinor: 100_000, active: true });
    const customer = await createCustomer(t, ws);
    const headers = { 'idempotency-key': key() };
    const first = await buy(ws, customer.id, pkg.id, headers);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.entry).toMatchObject({ kind: 'purchase', packageId: pkg.id, paidMinor: 1_000_000, bonusMinor: 100_000 });
    expect(first.body.balance).toMatchObject({ currency: 'IRR', paidMinor: 1_000_000, bonusMinor: 100_000, totalMinor: 1_100_000 });
    const again = await buy(ws, customer.id, pkg.id, headers);
    expect(again.status).toBe(first.status);
    expect(again.body).toEqual(first.body);
    // keyed by the payment's reference: once whoever sends it
    const byRef = await buy(ws, customer.id, pkg.id, {}, { externalId: 'PAY-777' });
    expect(byRef.status).toBe(201);
    const refAgain = await buy(ws, customer.id, pkg.id, { 'idempotency-key': key() }, { externalId: 'PAY-777' });
    expect(refAgain.status).toBe(200);
    expect(refAgain.body.entry.id).toBe(byRef.body.entry.id);

    // 2,000,000 paid + 200,000 bonus: spending 2,100,000 takes all the paid credit and 100,000 of the bonus
    const spent = await spend(ws, customer.id, 2_100_000, {}, { externalId: 'CHK-1', reason: 'سبد خرید' });
    expect(spent.status, JSON.stringify(spent.body)).toBe(201);
    expect(spent.body.entry).toMatchObject({ kind: 'spend', paidMinor: -2_000_000, bonusMinor: -100_000, externalId: 'CHK-1' });
    expect(spent.body.balance).toMatchObject({ paidMinor: 0, bonusMinor: 100_000, totalMinor: 100_000 });
    // the same checkout again answers the same entry; the same reference for another amount is a conflict
    expect((await spend(ws, customer.id, 2_100_000, {}, { externalId: 'CHK-1' })).body.entry.id).toBe(spent.body.entry.id);
    const conflict = await spend(ws, customer.id, 5, {}, { externalId: 'CHK-1' });
    expect(conflict.status).toBe(409);
    expect(conflict.body.code).toBe('external_id_conflict');
    const over = await spend(ws, customer.id, 100_001, { 'idempotency-key': key(), 'accept-language': 'fa' });
    expect(over.status).toBe(409);
    expect(over.body.code).toBe('insufficient_credit');
    expect(over.body.detail).toContain('چیزی خرج نشد');

    const member = await call(ws, 'GET', `/api/loyalty/members/${customer.id}/credit`, undefined, { role: 'analyst' });
    expect(member.body.balance.totalMinor).toBe(100_000);
    expect(member.body.entries.map((e: { kind: string }) => e.kind)).toEqual(['spend', 'purchase', 'purchase']);
    const report = await expectCreditClean(ws);
    expect(report).toMatchObject({
      currency: 'IRR', paidLiabilityMinor: 0, bonusLiabilityMinor: 100_000, soldMinor: 2_000_000, bonusIssuedMinor: 200_000, spentPaidMinor: 2_000_000, spentBonusMinor: 100_000,
    });
    // the points ledger holds none of it
    const { rows } = await t.database.pool.query(`SELECT count(*)::int AS n FROM loyalty_entries WHERE tenant_id = $1`, [ws.tenantId]);
    expect(rows[0].n).toBe(0);
  });

  it('concurrent spends never overdraw: exactly as many succeed as the balance covers', async () => {
    const { ws, pkg } = await setUp();
    const customer = await createCustomer(t, ws);
    expect((await buy(ws, customer.id, pkg.id)).status).toBe(201);
    // 1,100,000 held; 20 spends of 100,000 at once: 11 succeed
    const results = await Promise.all(Array.from({ length: 20 }, () => spend(ws, customer.id, 100_000)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(11);
    expect(statuses.filter((s) => s === 409)).toHaveLength(9);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.code).toBe('insufficient_credit');
    const member = await call(ws, 'GET', `/api/loyalty/members/${customer.id}/credit`);
    expect(member.body.balance).toMatchObject({ paidMinor: 0, bonusMinor: 0, totalMinor: 0 });
    // the same key sent concurrently is one spend
    expect((await buy(ws, customer.id, pkg.id)).status).toBe(201);
    const headers = { 'idempotency-key': key() };
    const same = await Promise.all(Array.from({ length: 8 }, () => spend(ws, customer.id, 300_000, headers)));
    expect(same.every((r) => r.status === 201 || r.status === 200 || r.status === 409)).toBe(true);
    expect(new Set(same.filter((r) => r.status < 300).map((r) => r.body.entry.id)).size).toBe(1);
    expect((await call(ws, 'GET', `/api/loyalty/members/${customer.id}/credit`)).body.balance.totalMinor).toBe(800_000);
    await expectCreditClean(ws);
  });

  it('refuses garbage, missing keys, unknown or stopped packages and other workspaces, writing nothing', async () => {
    const { ws, programId, pkg } = await setUp();
    const { ws: other, pkg: otherPkg } = await setUp('SA');
    const customer = await createCustomer(t, ws);
    const url = `/api/loyalty/members/${customer.id}/credit/spends`;
    for (const body of [{ amountMinor: -5 }, { amountMinor: 0 }, { amountMinor: 'abc' }, { amountMinor: 1.5 }, { amountMinor: 10, extra: true }, {}, [1, 2]]) {
      const res = await call(ws, 'POST', url, body, { role: 'agent', headers: { 'idempotency-key': key() } });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.type).toContain('application/problem+json');
    }
    const unkeyed = await call(ws, 'POST', url, { amountMinor: 10 }, { role: 'agent' });
    expect(unkeyed.status).toBe(400);
    expect(unkeyed.body.code).toBe('idempotency_key_required');
    for (const [body, status] of [
      [{ name: { fa: 'ب', ar: 'ب', en: 'b' }, priceMinor: 1_000, creditMinor: 999 }, 422],
      [{ name: { fa: 'ب', ar: 'ب', en: 'b' }, priceMinor: 0, creditMinor: 10 }, 400],
      [{ name: { fa: 'ب', en: 'b' }, priceMinor: 10, creditMinor: 10 }, 400],
    ] as const) {
      const res = await call(ws, 'POST', `/api/loyalty/programs/${programId}/credit-packages`, body, { headers: { 'accept-language': 'ar' } });
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      if (status === 422) expect(res.body.errors[0].code).toBe('credit_below_price');
    }
    // another workspace's package is unknown here; this workspace's customer is unknown there
    const foreign = await buy(ws, customer.id, otherPkg.id);
    expect(foreign.status).toBe(422);
    expect(foreign.body.errors[0].code).toBe('credit_package_unknown');
    expect((await buy(other, customer.id, otherPkg.id)).status).toBe(404);
    expect((await call(other, 'GET', `/api/loyalty/members/${customer.id}/credit`)).status).toBe(404);
    expect((await call(other, 'PATCH', `/api/loyalty/programs/${programId}/credit-packages/${pkg.id}`, { active: false })).status).toBe(404);
    expect((await call(other, 'GET', '/api/loyalty/credit-packages')).body.items.map((p: { id: string }) => p.id)).toEqual([otherPkg.id]);
    // a package no longer sold
    expect((await call(ws, 'PATCH', `/api/loyalty/programs/${programId}/credit-packages/${pkg.id}`, { active: false })).body.active).toBe(false);
    const stopped = await buy(ws, customer.id, pkg.id);
    expect(stopped.status).toBe(409);
    expect(stopped.body.code).toBe('credit_package_inactive');
    // roles: an analyst cannot sell or spend, an agent cannot define packages
    expect((await call(ws, 'POST', url, { amountMinor: 1 }, { role: 'analyst', headers: { 'idempotency-key': key() } })).status).toBe(403);
    expect((await call(ws, 'POST', `/api/loyalty/programs/${programId}/credit-packages`, { name: { fa: 'ب', ar: 'ب', en: 'b' }, priceMinor: 10, creditMinor: 10 }, { role: 'agent' })).status).toBe(403);
    const { rows } = await t.database.pool.query(`SELECT count(*)::int AS n FROM loyalty_credit_entries WHERE tenant_id = $1`, [ws.tenantId]);
    expect(rows[0].n).toBe(0);
    await expectCreditClean(ws);
    await expectCreditClean(other);
  });
});

describe('a package purchase refunded', () => {
  const refund = (ws: TestWorkspace, entryId: number, options: CallOptions = {}) =>
    call(ws, 'POST', `/api/loyalty/credit-entries/${entryId}/refund`, { reason: 'مشتری پشیمان شد' }, { headers: { 'idempotency-key': key(), 'accept-language': 'fa' }, ...options });

  it('reverses its paid and bonus credit in one balanced entry, once, audited; refuses when credit was spent, with clear codes', async () => {
    const { ws, pkg } = await setUp();
    const customer = await createCustomer(t, ws);
    const bought = (await buy(ws, customer.id, pkg.id)).body;
    const refunded = await refund(ws, bought.entry.id);
    expect(refunded.status, JSON.stringify(refunded.body)).toBe(201);
    expect(refunded.body.entry).toMatchObject({ kind: 'refund', packageId: pkg.id, paidMinor: -1_000_000, bonusMinor: -100_000, reason: 'مشتری پشیمان شد' });
    expect(refunded.body.balance).toMatchObject({ paidMinor: 0, bonusMinor: 0, totalMinor: 0 });
    const report = await expectCreditClean(ws);
    expect(report).toMatchObject({ soldMinor: 0, bonusIssuedMinor: 0, paidLiabilityMinor: 0, bonusLiabilityMinor: 0 });
    const again = await refund(ws, bought.entry.id);
    expect([again.status, again.body.code, again.type]).toEqual([409, 'credit_already_refunded', expect.stringContaining('application/problem+json')]);
    expect(again.body.detail).toMatch(/[\u0600-\u06FF]/);
    const { rows: audit } = await t.database.pool.query(`SELECT details FROM audit_log WHERE tenant_id = $1 AND action = 'loyalty_credit.refunded'`, [ws.tenantId]);
    expect(audit).toEqual([{ details: expect.objectContaining({ purchaseEntryId: bought.entry.id, paidMinor: -1_000_000, bonusMinor: -100_000 }) }]);

    // Bought again and partly spent: the refund is refused and nothing is written.
    const second = (await buy(ws, customer.id, pkg.id)).body;
    const spent = await spend(ws, customer.id, 50_000);
    expect((await refund(ws, spent.body.entry.id)).body.code).toBe('credit_entry_not_refundable');
    const refused = await refund(ws, second.entry.id, { headers: { 'idempotency-key': key(), 'accept-language': 'ar' } });
    expect([refused.status, refused.body.code]).toEqual([409, 'credit_already_spent']);
    expect(refused.body.detail).toMatch(/[\u0600-\u06FF]/);
    expect((await call(ws, 'GET', `/api/loyalty/members/${customer.id}/credit`)).body.balance).toMatchObject({ paidMinor: 950_000, bonusMinor: 100_000 });
    // Roles and workspaces: an agent may sell but not refund; another workspace sees no such entry.
    expect((await refund(ws, second.entry.id, { role: 'agent' })).status).toBe(403);
    const other = await t.createWorkspace({ country: 'IR' });
    expect((await refund(other, second.entry.id)).status).toBe(404);
    expect((await refund(ws, 0)).status).toBe(400);
    await expectCreditClean(ws);
  });

  it('refunds part of what is left unspent, its bonus in proportion; more than is left is 409 with nothing written', async () => {
    const { ws, pkg } = await setUp();
    const part = (entryId: number, amountMinor: number, language = 'fa') =>
      call(ws, 'POST', `/api/loyalty/credit-entries/${entryId}/refund`, { reason: 'بخشی پس داده شد', amountMinor }, { headers: { 'idempotency-key': key(), 'accept-language': language } });
    const entries = async () => Number((await t.database.pool.query(`SELECT count(*) AS n FROM loyalty_credit_entries WHERE tenant_id = $1`, [ws.tenantId])).rows[0].n);
    const customer = await createCustomer(t, ws);
    // 1,000,000 paid for 1,100,000 of credit; 300,000 spent (paid first): 700,000 paid and 100,000 bonus held.
    const bought = (await buy(ws, customer.id, pkg.id)).body;
    expect((await spend(ws, customer.id, 300_000)).status).toBe(201);
    const written = await entries();
    for (const language of ['fa', 'ar', 'en']) {
      const over = await part(bought.entry.id, 700_001, language);
      expect([over.status, over.body.code, over.type]).toEqual([409, 'credit_refund_exceeds_remainder', expect.stringContaining('application/problem+json')]);
      expect(over.body.detail).toMatch(language === 'en' ? /^[^\u0600-\u06FF]+$/ : /[\u0600-\u06FF]/);
    }
    expect(await entries()).toBe(written);

    const first = await part(bought.entry.id, 200_000);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.entry).toMatchObject({ kind: 'refund', refundsEntryId: bought.entry.id, paidMinor: -200_000, bonusMinor: -20_000, reason: 'بخشی پس داده شد' });
    expect(first.body.balance).toMatchObject({ paidMinor: 500_000, bonusMinor: 80_000 });
    // What the member holds unspent bounds it (500,000), not what is left of the purchase (800,000).
    expect((await part(bought.entry.id, 500_001)).body).toMatchObject({ code: 'credit_refund_exceeds_remainder' });
    const second = await part(bought.entry.id, 500_000);
    expect(second.body.entry).toMatchObject({ refundsEntryId: bought.entry.id, paidMinor: -500_000, bonusMinor: -50_000 });
    expect(second.body.balance).toMatchObject({ paidMinor: 0, bonusMinor: 30_000 });
    expect((await part(bought.entry.id, 1)).body.code).toBe('credit_refund_exceeds_remainder');
    // The rest at once needs what was spent: refused.
    expect((await refund(ws, bought.entry.id)).body.code).toBe('credit_already_spent');
    const { rows: audit } = await t.database.pool.query(`SELECT details FROM audit_log WHERE tenant_id = $1 AND action = 'loyalty_credit.refunded' ORDER BY id`, [ws.tenantId]);
    expect(audit.map((a) => [a.details.paidMinor, a.details.bonusMinor, a.details.part])).toEqual([[-200_000, -20_000, true], [-500_000, -50_000, true]]);

    // A part, then the rest at once: its whole bonus withdrawn, then nothing is left.
    const another = await createCustomer(t, ws);
    const again = (await buy(ws, another.id, pkg.id)).body;
    expect((await part(again.entry.id, 100_000)).body.entry).toMatchObject({ paidMinor: -100_000, bonusMinor: -10_000 });
    const rest = await refund(ws, again.entry.id);
    expect(rest.body.entry).toMatchObject({ refundsEntryId: again.entry.id, paidMinor: -900_000, bonusMinor: -90_000 });
    expect(rest.body.balance).toMatchObject({ paidMinor: 0, bonusMinor: 0 });
    expect((await part(again.entry.id, 1)).body.code).toBe('credit_already_refunded');

    // Concurrent parts against what is left: 3 × 400,000 of 1,000,000, exactly 2 pass; never below zero.
    const racer = await createCustomer(t, ws);
    const raced = (await buy(ws, racer.id, pkg.id)).body;
    const answers = await Promise.all([1, 2, 3].map(() => part(raced.entry.id, 400_000)));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 201, 409]);
    expect((await call(ws, 'GET', `/api/loyalty/members/${racer.id}/credit`)).body.balance).toMatchObject({ paidMinor: 200_000, bonusMinor: 20_000 });
    const garbage = await call(ws, 'POST', `/api/loyalty/credit-entries/${raced.entry.id}/refund`, { reason: 'بخشی پس داده شد', amountMinor: 0 }, { headers: { 'idempotency-key': key() } });
    expect(garbage.status).toBe(400);
    await expectCreditClean(ws);
  });
});
