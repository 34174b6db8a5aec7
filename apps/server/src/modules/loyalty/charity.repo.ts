// SQL of charities and donations. A donation row is written with the `donate` entry it explains,
// in the same transaction; receipts are numbered per workspace without gaps.
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { customers } from '../customers/index.ts';
import { loyaltyCharities, loyaltyDonations } from './charity.schema.ts';
import { DRIFT_SAMPLE } from './ledger-verify.repo.ts';

export type CharityRow = typeof loyaltyCharities.$inferSelect;
export type NewCharity = typeof loyaltyCharities.$inferInsert;
export type DonationRow = typeof loyaltyDonations.$inferSelect;
export type NewDonation = typeof loyaltyDonations.$inferInsert;

export interface Totals {
  donations: number;
  points: number;
  amountMinor: number;
}

export async function insertCharity(tx: Executor, row: NewCharity): Promise<CharityRow> {
  const [created] = await tx.insert(loyaltyCharities).values(row).returning();
  return created!;
}

export async function findCharity(db: Executor, tenantId: string, id: string, lock = false): Promise<CharityRow | undefined> {
  const query = db.select().from(loyaltyCharities).where(and(eq(loyaltyCharities.tenantId, tenantId), eq(loyaltyCharities.id, id)));
  const [row] = lock ? await query.for('no key update') : await query;
  return row;
}

export async function listCharities(db: Executor, tenantId: string): Promise<CharityRow[]> {
  return db.select().from(loyaltyCharities).where(eq(loyaltyCharities.tenantId, tenantId)).orderBy(asc(loyaltyCharities.createdAt), asc(loyaltyCharities.id));
}

export async function updateCharity(tx: Executor, tenantId: string, id: string, patch: Partial<NewCharity>): Promise<CharityRow> {
  const [row] = await tx.update(loyaltyCharities).set(patch).where(and(eq(loyaltyCharities.tenantId, tenantId), eq(loyaltyCharities.id, id))).returning();
  return row!;
}

/** Donations, points and money given to each charity of the workspace (one grouped pass). */
export async function charityTotals(db: Executor, tenantId: string, charityId?: string): Promise<Map<string, Totals>> {
  const { rows } = await db.execute<{ charity_id: string; donations: number; points: number; amount_minor: number }>(sql`
    SELECT charity_id, count(*) AS donations, sum(points) AS points, sum(amount_minor) AS amount_minor
    FROM loyalty_donations WHERE tenant_id = ${tenantId} ${charityId ? sql`AND charity_id = ${charityId}` : sql``}
    GROUP BY charity_id`);
  return new Map(rows.map((r) => [r.charity_id, { donations: Number(r.donations), points: Number(r.points), amountMinor: Number(r.amount_minor) }]));
}

/** The workspace's next receipt number. The counter's row is held until commit, so numbers have no gaps and donations of one workspace take turns here. */
export async function nextReceipt(tx: Executor, tenantId: string): Promise<number> {
  const { rows } = await tx.execute<{ last: number }>(sql`
    INSERT INTO loyalty_receipt_counters (tenant_id, last) VALUES (${tenantId}, 1)
    ON CONFLICT (tenant_id) DO UPDATE SET last = loyalty_receipt_counters.last + 1
    RETURNING last`);
  return Number(rows[0]!.last);
}

export async function insertDonation(tx: Executor, row: NewDonation): Promise<DonationRow> {
  const [created] = await tx.insert(loyaltyDonations).values(row).returning();
  return created!;
}

export interface DonationWithNames extends DonationRow {
  charityName: unknown;
  charityRegistration: string | null;
  customerName: string | null;
}

export async function findDonations(db: Executor, tenantId: string, filter: { id?: string; entryId?: number; charityId?: string; customerId?: string }, limit: number): Promise<DonationWithNames[]> {
  const where = and(
    eq(loyaltyDonations.tenantId, tenantId),
    filter.id === undefined ? undefined : eq(loyaltyDonations.id, filter.id),
    filter.entryId === undefined ? undefined : eq(loyaltyDonations.entryId, filter.entryId),
    filter.charityId === undefined ? undefined : eq(loyaltyDonations.charityId, filter.charityId),
    filter.customerId === undefined ? undefined : eq(loyaltyDonations.customerId, filter.customerId),
  );
  const rows = await db
    .select({ donation: loyaltyDonations, charityName: loyaltyCharities.name, charityRegistration: loyaltyCharities.registration, customerName: customers.name })
    .from(loyaltyDonations)
    .innerJoin(loyaltyCharities, and(eq(loyaltyCharities.tenantId, loyaltyDonations.tenantId), eq(loyaltyCharities.id, loyaltyDonations.charityId)))
    .innerJoin(customers, and(eq(customers.tenantId, loyaltyDonations.tenantId), eq(customers.id, loyaltyDonations.customerId)))
    .where(where)
    .orderBy(desc(loyaltyDonations.receiptSeq))
    .limit(limit);
  return rows.map((r) => ({ ...r.donation, charityName: r.charityName, charityRegistration: r.charityRegistration, customerName: r.customerName }));
}

/** The workspace's charity_payable account (sum of its postings) against the points of its donations: they must be equal. */
export async function charityDrift(db: Executor, tenantId: string): Promise<{ count: number; sample: { payable: number; donated: number }[] }> {
  const { rows } = await db.execute<{ payable: number; donated: number }>(sql`
    SELECT (SELECT coalesce(sum(p.amount), 0) FROM loyalty_accounts a JOIN loyalty_postings p ON p.tenant_id = a.tenant_id AND p.account_id = a.id
            WHERE a.tenant_id = ${tenantId} AND a.customer_id IS NULL AND a.kind = 'charity_payable') AS payable,
           (SELECT coalesce(sum(points), 0) FROM loyalty_donations WHERE tenant_id = ${tenantId}) AS donated`);
  const r = rows[0]!;
  const drift = Number(r.payable) !== Number(r.donated);
  return { count: drift ? 1 : 0, sample: drift ? [{ payable: Number(r.payable), donated: Number(r.donated) }].slice(0, DRIFT_SAMPLE) : [] };
}
