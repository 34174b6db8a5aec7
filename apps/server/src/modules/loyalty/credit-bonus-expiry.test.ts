import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { callApi, checkedWorkspaces, type CallOptions, type Method } from '../../../test/loyalty-kit.ts';
import { createScratchDatabase } from '../../../test/scratch-database.ts';
import { connectDatabase } from '../../platform/db/connect.ts';
import { migrateDatabase } from '../../platform/db/migrate.ts';
import { creditReport, expireBonusCredit, refundCreditPurchase, spendCredit } from './credit.service.ts';
import { expireBonusCreditJob } from './credit.jobs.ts';

// Bonus credit that expires (issue 12): each purchase's bonus is a lot with the package's expiry;
// paid credit never expires. Spends take paid credit first, then bonus soonest-expiring first; the
// job expires what is left of a lot once, by the test's clock (services and the job are given a
// later `now`); refunds withdraw only their purchase's lot; the migration carries the bonus held
// before lots over as one lot that never expires. Every workspace's points ledger, and its credit
// ledger (expectBonusClean), are checked after each test.

let t: TestApp;

beforeAll(async () => {
  // A database of its own: the hourly job expires every workspace's bonus at the test's later
  // clock, which on the shared database would take other files' members' bonus mid-test.
  t = await startTestApp({ database: 'scratch' });
}, 120_000);
afterAll(() => t?.close());

const workspace = checkedWorkspaces(() => t, { verify: true, also: async (ws) => void await expectBonusClean(ws) });

const call = (ws: TestWorkspace, method: Method, url: string, payload?: unknown, options: CallOptions = {}) => callApi(t, ws, method, url, payload, options);

let serial = 0;
const key = () => `bx-${++serial}-${Date.now()}`;
const DAY = 86_400_000;
const inDays = (days: number, from = new Date()) => new Date(from.getTime() + days * DAY);
const names = (en: string) => ({ fa: `بسته ${en}`, ar: `باقة ${en}`, en });

async function setUp() {
  const ws = await workspace();
  const program = await call(ws, 'POST', '/api/loyalty/programs', { name: 'اعتبار', settings: { spend: { points: 1, per: 10_000, rounding: 'floor' } } });
  expect(program.status, JSON.stringify(program.body)).toBe(201);
  const pkg = async (en: string, bonusExpiryDays: number | null | undefined, priceMinor = 1_000_000, creditMinor = 1_100_000) => {
    const res = await call(ws, 'POST', `/api/loyalty/programs/${program.body.id}/credit-packages`, {
      name: names(en), priceMinor, creditMinor, ...(bonusExpiryDays === undefined ? {} : { bonusExpiryDays }),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; bonusExpiryDays: number | null };
  };
  return { ws, programId: program.body.id as string, pkg };
}

const buy = async (ws: TestWorkspace, customerId: string, packageId: string) => {
  const res = await call(ws, 'POST', `/api/loyalty/members/${customerId}/credit/purchases`, { packageId }, { role: 'agent', headers: { 'idempotency-key': key() } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
};
const spend = (ws: TestWorkspace, customerId: string, amountMinor: number) =>
  call(ws, 'POST', `/api/loyalty/members/${customerId}/credit/spends`, { amountMinor }, { role: 'agent', headers: { 'idempotency-key': key() } });
const q = async <R>(text: string, params: unknown[]) => (await t.database.pool.query(text, params)).rows as R[];

/** Each lot of the member: which purchase, how much, what is left, when it expires. */
const lotsOf = (ws: TestWorkspace, customerId: string) => q<{ id: string; entry_id: string | null; amount: string; remaining: string; expires_at: Date | null }>(
  'SELECT id, entry_id, amount, remaining, expires_at FROM loyalty_credit_bonus_lots WHERE tenant_id = $1 AND customer_id = $2 ORDER BY id', [ws.tenantId, customerId]);
/** What an entry drew from each lot. */
const drawsOf = (ws: TestWorkspace, entryId: number) => q<{ lot_id: string; amount: string }>(
  'SELECT lot_id, amount FROM loyalty_credit_bonus_draws WHERE tenant_id = $1 AND entry_id = $2 ORDER BY lot_id', [ws.tenantId, entryId]);

/** The bonus three ways agree (cache, open lots, postings), each lot matches its draws, every entry balances; the report says so. */
async function expectBonusClean(ws: TestWorkspace) {
  const rows = await q<{ customer_id: string; cached: string; in_lots: string; posted: string }>(`
    SELECT b.customer_id, b.bonus AS cached,
      (SELECT coalesce(sum(remaining), 0) FROM loyalty_credit_bonus_lots l WHERE l.tenant_id = b.tenant_id AND l.customer_id = b.customer_id AND l.currency = b.currency) AS in_lots,
      (SELECT coalesce(sum(p.amount), 0) FROM loyalty_credit_postings p JOIN loyalty_credit_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id
        WHERE a.tenant_id = b.tenant_id AND a.customer_id = b.customer_id AND a.currency = b.currency AND a.kind = 'bonus') AS posted
    FROM loyalty_credit_balances b WHERE b.tenant_id = $1`, [ws.tenantId]);
  for (const r of rows) expect([Number(r.in_lots), Number(r.posted)], r.customer_id).toEqual([Number(r.cached), Number(r.cached)]);
  expect(await q(`
    SELECT l.id FROM loyalty_credit_bonus_lots l WHERE l.tenant_id = $1
      AND l.remaining <> l.amount - (SELECT coalesce(sum(d.amount), 0) FROM loyalty_credit_bonus_draws d WHERE d.tenant_id = l.tenant_id AND d.lot_id = l.id)`, [ws.tenantId])).toEqual([]);
  expect(await q(`
    SELECT p.entry_id FROM loyalty_credit_postings p JOIN loyalty_credit_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id
    WHERE p.tenant_id = $1 GROUP BY p.entry_id HAVING sum(p.amount) <> 0`, [ws.tenantId])).toEqual([]);
  const report = await call(ws, 'GET', '/api/loyalty/credit/report', undefined, { role: 'analyst' });
  expect(report.body).toMatchObject({ ok: true, unbalancedEntries: 0, driftedBalances: 0, bonusLotsApartFromBalances: 0, bonusLotsApartFromPostings: 0, driftedBonusLots: 0 });
  return report.body;
}

describe('bonus credit expiry', () => {
  it('a purchase\'s bonus is a lot expiring the package\'s days after it; the member\'s view lists it; paid credit has no lot', async () => {
    const { ws, pkg } = await setUp();
    const dated = await pkg('Thirty days', 30);
    const forever = await pkg('Forever', null);
    const plain = await pkg('No bonus', 45, 500_000, 500_000);
    expect([dated.bonusExpiryDays, forever.bonusExpiryDays, (await pkg('Unsaid', undefined)).bonusExpiryDays]).toEqual([30, null, null]);
    const customer = await createCustomer(t, ws);
    const bought = await buy(ws, customer.id, dated.id);
    const boughtForever = await buy(ws, customer.id, forever.id);
    await buy(ws, customer.id, plain.id);
    const lots = await lotsOf(ws, customer.id);
    expect(lots.map((l) => [Number(l.entry_id), Number(l.amount), Number(l.remaining)])).toEqual([[bought.entry.id, 100_000, 100_000], [boughtForever.entry.id, 100_000, 100_000]]);
    expect(lots[0]!.expires_at!.getTime()).toBe(new Date(bought.entry.createdAt).getTime() + 30 * DAY);
    expect(lots[1]!.expires_at).toBeNull();
    const view = await call(ws, 'GET', `/api/loyalty/members/${customer.id}/credit`, undefined, { role: 'analyst' });
    expect(view.body.balance).toMatchObject({ paidMinor: 2_500_000, bonusMinor: 200_000 });
    // Only bonus with an expiry is listed: the never-expiring lot and the paid credit are not.
    expect(view.body.expiringBonus).toEqual([{
      id: Number(lots[0]!.id), purchaseEntryId: bought.entry.id, amountMinor: 100_000, remainingMinor: 100_000, expiresAt: new Date(lots[0]!.expires_at!).toISOString(),
    }]);
    await expectBonusClean(ws);
  });

  it('spends paid credit first, then bonus soonest-expiring first and never-expiring last, recording the lots drawn', async () => {
    const { ws, pkg } = await setUp();
    const month = await pkg('Month', 30);
    const week = await pkg('Week', 7);
    const forever = await pkg('Forever', null);
    const customer = await createCustomer(t, ws);
    // Bought in this order: the month's bonus, the never-expiring one, the week's.
    await buy(ws, customer.id, month.id);
    await buy(ws, customer.id, forever.id);
    await buy(ws, customer.id, week.id);
    const [monthLot, foreverLot, weekLot] = (await lotsOf(ws, customer.id)).map((l) => Number(l.id));
    // 3,000,000 paid and 300,000 bonus: 3,150,000 takes every paid rial, then the week's bonus (100,000) and 50,000 of the month's.
    const first = await spend(ws, customer.id, 3_150_000);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.entry).toMatchObject({ paidMinor: -3_000_000, bonusMinor: -150_000 });
    expect((await drawsOf(ws, first.body.entry.id)).map((d) => [Number(d.lot_id), Number(d.amount)])).toEqual([[monthLot, 50_000], [weekLot, 100_000]].sort((a, b) => a[0]! - b[0]!));
    // Then the rest of the month's before any of the never-expiring lot.
    const second = await spend(ws, customer.id, 80_000);
    expect((await drawsOf(ws, second.body.entry.id)).map((d) => [Number(d.lot_id), Number(d.amount)])).toEqual([[monthLot, 50_000], [foreverLot, 30_000]]);
    expect((await lotsOf(ws, customer.id)).map((l) => Number(l.remaining))).toEqual([0, 70_000, 0]);
    // A paid-only spend draws no lot.
    await buy(ws, customer.id, forever.id);
    const paidOnly = await spend(ws, customer.id, 10_000);
    expect(paidOnly.body.entry).toMatchObject({ paidMinor: -10_000, bonusMinor: 0 });
    expect(await drawsOf(ws, paidOnly.body.entry.id)).toEqual([]);
    expect((await call(ws, 'GET', `/api/loyalty/members/${customer.id}/credit`)).body.expiringBonus).toEqual([]);
    await expectBonusClean(ws);
  });

  it('by the clock: bonus expires after its days, once however often the job runs; paid credit never; a spend after the date cannot use it', async () => {
    const { ws, pkg } = await setUp();
    const month = await pkg('Month', 30);
    const year = await pkg('Year', 365);
    const customer = await createCustomer(t, ws);
    const other = await createCustomer(t, ws);
    await buy(ws, customer.id, month.id);
    await buy(ws, customer.id, year.id);
    await buy(ws, other.id, month.id);
    // 2,030,000 spent: all paid, and 30,000 of the month's bonus (the soonest to expire).
    expect((await spend(ws, customer.id, 2_030_000)).status).toBe(201);
    const [monthLot] = await lotsOf(ws, customer.id);

    // A day before: nothing is due.
    expect(await expireBonusCredit(t.database, ws.tenantId, inDays(29))).toEqual({ members: 0, lots: 0, expiredMinor: 0 });
    // Past the 30 days, twice, and by the hourly job itself: the month's 70,000 and the other member's 100,000 expire, once.
    const later = inDays(31);
    expect(await expireBonusCredit(t.database, ws.tenantId, later)).toEqual({ members: 2, lots: 2, expiredMinor: 170_000 });
    expect(await expireBonusCredit(t.database, ws.tenantId, later)).toEqual({ members: 0, lots: 0, expiredMinor: 0 });
    await expireBonusCreditJob.run({}, { database: t.database, clock: { now: () => later }, log: pino({ level: 'silent' }) } as never);
    const expiries = await q<{ id: string; customer_id: string; source: string }>(
      `SELECT id, customer_id, source FROM loyalty_credit_entries WHERE tenant_id = $1 AND kind = 'expire' ORDER BY customer_id`, [ws.tenantId]);
    expect(expiries).toHaveLength(2);
    const mine = expiries.find((e) => e.customer_id === customer.id)!;
    expect(mine.source).toBe('system:bonus-expiry');
    // One balanced entry: member bonus → the workspace's bonus_expired account; the lot drawn to zero.
    expect(await q(`
      SELECT a.kind, a.customer_id IS NOT NULL AS member, p.amount::int AS amount FROM loyalty_credit_postings p
      JOIN loyalty_credit_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id WHERE p.tenant_id = $1 AND p.entry_id = $2 ORDER BY p.amount`,
    [ws.tenantId, mine.id])).toEqual([{ kind: 'bonus', member: true, amount: -70_000 }, { kind: 'bonus_expired', member: false, amount: 70_000 }]);
    expect((await drawsOf(ws, Number(mine.id))).map((d) => [d.lot_id, Number(d.amount)])).toEqual([[monthLot!.id, 70_000]]);

    const view = (await call(ws, 'GET', `/api/loyalty/members/${customer.id}/credit`)).body;
    // Paid credit is untouched (none left here: the other member's stays whole); the year's bonus is still held.
    expect(view.balance).toMatchObject({ paidMinor: 0, bonusMinor: 100_000 });
    expect(view.entries[0]).toMatchObject({ kind: 'expire', paidMinor: 0, bonusMinor: -70_000 });
    expect((await call(ws, 'GET', `/api/loyalty/members/${other.id}/credit`)).body.balance).toMatchObject({ paidMinor: 1_000_000, bonusMinor: 0 });
    const report = await expectBonusClean(ws);
    expect(report).toMatchObject({ bonusExpiredMinor: 170_000, bonusLiabilityMinor: 100_000, paidLiabilityMinor: 1_000_000 });

    // A spend a year and more on, before any job: the year's bonus is expired first and is not spendable.
    const customerThree = await createCustomer(t, ws);
    await buy(ws, customerThree.id, year.id);
    const ctx = { tenantId: ws.tenantId, source: 'system:test', now: inDays(366) };
    const refused = await t.database.db.transaction((tx) => spendCredit(tx, ctx, customerThree.id, { amountMinor: 1_000_001 }, key())).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 409, code: 'insufficient_credit' });
    const paid = await t.database.db.transaction((tx) => spendCredit(tx, ctx, customerThree.id, { amountMinor: 1_000_000 }, key()));
    expect(paid.result.entry).toMatchObject({ paidMinor: -1_000_000, bonusMinor: 0 });
    expect(paid.result.balance).toMatchObject({ paidMinor: 0, bonusMinor: 0 });
    expect((await call(ws, 'GET', `/api/loyalty/members/${customerThree.id}/credit`)).body.entries.map((e: { kind: string }) => e.kind)).toEqual(['spend', 'expire', 'purchase']);
    await expectBonusClean(ws);
  });

  it('a refund after part of the bonus was spent withdraws only its own purchase\'s lot; bonus that expired does not block a refund', async () => {
    const { ws, pkg } = await setUp();
    const month = await pkg('Month', 30);
    const customer = await createCustomer(t, ws);
    const first = await buy(ws, customer.id, month.id);
    // All its paid credit and 40,000 of its bonus spent; then a second purchase brings paid credit again.
    expect((await spend(ws, customer.id, 1_040_000)).status).toBe(201);
    await buy(ws, customer.id, month.id);
    const [firstLot, secondLot] = await lotsOf(ws, customer.id);
    const refund = (entryId: number, amountMinor?: number) => call(ws, 'POST', `/api/loyalty/credit-entries/${entryId}/refund`,
      { reason: 'بازپرداخت', ...(amountMinor === undefined ? {} : { amountMinor }) }, { headers: { 'idempotency-key': key(), 'accept-language': 'fa' } });
    // All of it at once: some of its bonus was spent.
    expect((await refund(first.entry.id)).body.code).toBe('credit_already_spent');
    // Half its money: its bonus in proportion (50,000), from its own lot (60,000 left), not the second's.
    const half = await refund(first.entry.id, 500_000);
    expect(half.status, JSON.stringify(half.body)).toBe(201);
    expect(half.body.entry).toMatchObject({ paidMinor: -500_000, bonusMinor: -50_000 });
    expect((await drawsOf(ws, half.body.entry.id)).map((d) => [d.lot_id, Number(d.amount)])).toEqual([[firstLot!.id, 50_000]]);
    // The last of its money: all that is left of its bonus would be 50,000, but its lot holds 10,000: that much.
    const rest = await refund(first.entry.id, 500_000);
    expect(rest.body.entry).toMatchObject({ paidMinor: -500_000, bonusMinor: -10_000 });
    expect((await lotsOf(ws, customer.id)).map((l) => [l.id, Number(l.remaining)])).toEqual([[firstLot!.id, 0], [secondLot!.id, 100_000]]);
    expect(rest.body.balance).toMatchObject({ paidMinor: 0, bonusMinor: 100_000 });
    await expectBonusClean(ws);

    // Another member's bonus expires unspent: refunding all of the purchase is not refused for that; the money comes back.
    const late = await createCustomer(t, ws);
    const lateBuy = await buy(ws, late.id, month.id);
    expect(await expireBonusCredit(t.database, ws.tenantId, inDays(31))).toMatchObject({ members: 2, expiredMinor: 200_000 });
    const whole = await t.database.db.transaction((tx) => refundCreditPurchase(tx, { tenantId: ws.tenantId, source: 'system:test', now: inDays(31) }, lateBuy.entry.id, { reason: 'پس از انقضا' }));
    expect(whole.entry).toMatchObject({ paidMinor: -1_000_000, bonusMinor: 0 });
    expect(whole.balance).toMatchObject({ paidMinor: 0, bonusMinor: 0 });
    await expectBonusClean(ws);
  });

  it('refuses garbage bonus expiries with 422 and a message in fa/ar/en, writing nothing; null means never', async () => {
    const { ws, programId, pkg } = await setUp();
    const url = `/api/loyalty/programs/${programId}/credit-packages`;
    const count = async () => Number((await q<{ n: string }>('SELECT count(*) AS n FROM loyalty_credit_packages WHERE tenant_id = $1', [ws.tenantId]))[0]!.n);
    const before = await count();
    for (const [bonusExpiryDays, language] of [[0, 'fa'], [3651, 'ar'], [1.5, 'en'], [-7, 'fa'], [1e9, 'ar']] as const) {
      const res = await call(ws, 'POST', url, { name: names('Bad'), priceMinor: 10, creditMinor: 20, bonusExpiryDays }, { headers: { 'accept-language': language } });
      expect([res.status, res.body.code, res.type], String(bonusExpiryDays)).toEqual([422, 'credit_bonus_expiry_days_invalid', expect.stringContaining('application/problem+json')]);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'bonusExpiryDays', code: 'credit_bonus_expiry_days_invalid' })]);
      // The bounds in the reader's digits.
      expect(res.body.detail).toContain({ fa: '۳٬۶۵۰', ar: '٣٬٦٥٠', en: '3,650' }[language]);
    }
    for (const bonusExpiryDays of ['30', true, { days: 3 }, [30]]) {
      const res = await call(ws, 'POST', url, { name: names('Bad'), priceMinor: 10, creditMinor: 20, bonusExpiryDays });
      expect(res.status, JSON.stringify(bonusExpiryDays)).toBe(400);
    }
    expect(await count()).toBe(before);
    // Changing it: the same checks; null sets it to never; only purchases after take the new expiry.
    const p = await pkg('Changing', 10);
    const patch = (body: unknown) => call(ws, 'PATCH', `${url}/${p.id}`, body, { headers: { 'accept-language': 'fa' } });
    expect((await patch({ bonusExpiryDays: 0 })).body.code).toBe('credit_bonus_expiry_days_invalid');
    expect((await patch({ bonusExpiryDays: 'x' })).status).toBe(400);
    const customer = await createCustomer(t, ws);
    await buy(ws, customer.id, p.id);
    expect((await patch({ bonusExpiryDays: null })).body.bonusExpiryDays).toBeNull();
    await buy(ws, customer.id, p.id);
    expect((await lotsOf(ws, customer.id)).map((l) => l.expires_at === null)).toEqual([false, true]);
    expect((await patch({ bonusExpiryDays: 3650 })).body.bonusExpiryDays).toBe(3650);
    // Roles: an agent cannot set it.
    expect((await call(ws, 'PATCH', `${url}/${p.id}`, { bonusExpiryDays: 5 }, { role: 'agent' })).status).toBe(403);
    const { rows: audit } = await t.database.pool.query(`SELECT details FROM audit_log WHERE tenant_id = $1 AND action = 'loyalty_credit_package.changed' ORDER BY id`, [ws.tenantId]);
    expect(audit.map((a) => a.details.bonusExpiryDays)).toEqual([null, 3650]);
    await expectBonusClean(ws);
  });
});

describe('migration 0044 on existing credit', () => {
  it('makes the bonus a member held before lots one lot that never expires, which spends and refunds then use', async () => {
    const scratch = await createScratchDatabase('vafa_bonus_backfill');
    const database = await connectDatabase({ databaseUrl: scratch.url, dataDir: os.tmpdir(), poolSize: 2, log: pino({ level: 'silent' }) });
    const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'vafa-migrations-'));
    try {
      // The schema as it was before: every migration up to 0043.
      const migrations = fileURLToPath(new URL('../../platform/db/migrations/', import.meta.url));
      await fs.cp(migrations, folder, { recursive: true });
      const journalFile = path.join(folder, 'meta', '_journal.json');
      const journal = JSON.parse(await fs.readFile(journalFile, 'utf8')) as { entries: { idx: number }[] };
      journal.entries = journal.entries.filter((e) => e.idx < 44);
      await fs.writeFile(journalFile, JSON.stringify(journal));
      await migrate(database.db, { migrationsFolder: folder });

      // Credit of then: a member with 1,000,000 paid and 100,000 bonus, another who spent all their bonus.
      const tenantId = '0b0e0000-0000-4000-8000-000000000001';
      const [holder, spender] = ['0b0e0000-0000-4000-8000-0000000000a1', '0b0e0000-0000-4000-8000-0000000000a2'];
      const client = await database.pool.connect();
      let purchaseId: number;
      try {
        await client.query('BEGIN');
        await client.query(`INSERT INTO workspaces (id, slug, name, business_hours) VALUES ($1, 'backfill-ws', 'Backfill', '{}'::jsonb)`, [tenantId]);
        await client.query(`INSERT INTO customers (tenant_id, id) VALUES ($1, $2), ($1, $3)`, [tenantId, holder, spender]);
        await client.query(`INSERT INTO loyalty_credit_balances (tenant_id, customer_id, currency, paid, bonus) VALUES ($1, $2, 'IRR', 1000000, 100000), ($1, $3, 'IRR', 0, 0)`, [tenantId, holder, spender]);
        await client.query(`
          INSERT INTO loyalty_credit_accounts (tenant_id, kind, currency, customer_id)
          SELECT $1::uuid, kind, 'IRR', NULL::uuid FROM unnest(ARRAY['funding', 'bonus_issuance', 'spent_paid', 'spent_bonus']) kind
          UNION ALL SELECT $1::uuid, kind, 'IRR', c FROM unnest(ARRAY['paid', 'bonus']) kind CROSS JOIN unnest(ARRAY[$2::uuid, $3::uuid]) c`, [tenantId, holder, spender]);
        const book = async (kind: string, customer: string, postings: [string, string | null, number][]) => {
          const { rows: [entry] } = await client.query(`
            INSERT INTO loyalty_credit_entries (tenant_id, kind, idempotency_key, customer_id, currency, source) VALUES ($1, $2, $3, $4, 'IRR', 'system:test') RETURNING id`,
          [tenantId, kind, `${kind}:${customer}:${Math.random()}`, customer]);
          for (const [account, owner, amount] of postings) {
            await client.query(`
              INSERT INTO loyalty_credit_postings (tenant_id, entry_id, account_id, amount)
              SELECT $1::uuid, $2::bigint, id, $5::bigint FROM loyalty_credit_accounts WHERE tenant_id = $1 AND kind = $3 AND customer_id IS NOT DISTINCT FROM $4::uuid`,
            [tenantId, entry.id, account, owner, amount]);
          }
          return Number(entry.id);
        };
        const buyThen = (customer: string) => book('purchase', customer, [['funding', null, -1_000_000], ['paid', customer, 1_000_000], ['bonus_issuance', null, -100_000], ['bonus', customer, 100_000]]);
        purchaseId = await buyThen(holder);
        await buyThen(spender);
        await book('spend', spender, [['paid', spender, -1_000_000], ['spent_paid', null, 1_000_000], ['bonus', spender, -100_000], ['spent_bonus', null, 100_000]]);
        await client.query('COMMIT');
      } finally {
        client.release();
      }

      await migrateDatabase(database);
      const lots = (await database.pool.query(`SELECT customer_id, entry_id, amount::int, remaining::int, expires_at FROM loyalty_credit_bonus_lots WHERE tenant_id = $1`, [tenantId])).rows;
      expect(lots).toEqual([{ customer_id: holder, entry_id: null, amount: 100_000, remaining: 100_000, expires_at: null }]);
      expect((await database.pool.query(`SELECT count(*)::int AS n FROM loyalty_credit_accounts WHERE tenant_id = $1 AND kind = 'bonus_expired'`, [tenantId])).rows[0].n).toBe(1);
      expect(await creditReport(database.db, tenantId)).toMatchObject({ ok: true, bonusLiabilityMinor: 100_000, bonusLotsApartFromBalances: 0, bonusLotsApartFromPostings: 0, driftedBonusLots: 0 });
      // It never expires; a spend draws it; a part refund of the purchase of then withdraws from it.
      expect(await expireBonusCredit(database, tenantId, inDays(36_500))).toEqual({ members: 0, lots: 0, expiredMinor: 0 });
      const ctx = { tenantId, source: 'system:test', now: new Date() };
      const spent = await database.db.transaction((tx) => spendCredit(tx, ctx, holder, { amountMinor: 1_020_000 }, 'backfill-spend'));
      expect(spent.result.entry).toMatchObject({ paidMinor: -1_000_000, bonusMinor: -20_000 });
      expect((await database.pool.query(`SELECT remaining::int FROM loyalty_credit_bonus_lots WHERE tenant_id = $1`, [tenantId])).rows).toEqual([{ remaining: 80_000 }]);
      const refused = await database.db.transaction((tx) => refundCreditPurchase(tx, ctx, purchaseId, { reason: 'all of it' })).catch((e: unknown) => e);
      expect(refused).toMatchObject({ code: 'credit_already_spent' });
      expect(await creditReport(database.db, tenantId)).toMatchObject({ ok: true });
    } finally {
      await database.close();
      await scratch.drop();
      await fs.rm(folder, { recursive: true, force: true });
    }
  }, 120_000);
});
