import { sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { receiptNumber } from './charity.service.ts';

// A person's loyalty in their data export (right of access; the customers module asks each module
// for its section, customer.hooks.ts): for the record and every record merged into it, the
// balances, the lots with points left and their expiry, every entry that moved the person's points
// with its reason, tiers and their changes, coupons, checkouts, referrals and donations. Other
// people stay out: a referral names no friend, a transfer no other member. Read-only.

type Row = Record<string, unknown>;
const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());
const num = (v: unknown) => Number(v ?? 0);

export interface LoyaltyExportEntry {
  entryId: number;
  /** the record whose points it moved (the exported record or one merged into it) */
  record: string;
  at: string;
  kind: string;
  reason: string | null;
  externalId: string | null;
  available: number;
  pending: number;
  qualifying: number;
  held: number;
  owed: number;
}

export interface CustomerLoyaltyExport {
  member: boolean;
  /** the exported record and the records merged into it */
  records: string[];
  balances: { available: number; pending: number; qualifying: number; held: number; owed: number };
  lots: { record: string; points: number; remaining: number; expiresAt: string | null; pendingUntil: string | null; createdAt: string }[];
  history: LoyaltyExportEntry[];
  tiers: { program: string; tier: unknown; since: string; downgradeAt: string | null }[];
  tierChanges: { record: string; program: string; from: unknown; to: unknown; reason: string; at: string }[];
  coupons: { record: string; reward: unknown; code: string; points: number; status: string; createdAt: string; cancelledAt: string | null }[];
  holds: { record: string; points: number; status: string; externalId: string | null; createdAt: string; settledAt: string | null }[];
  referrals: {
    codes: { record: string; code: string }[];
    referredBy: { record: string; state: string; points: number; attachedAt: string; decidedAt: string | null }[];
    friends: { record: string; state: string; points: number; attachedAt: string; decidedAt: string | null }[];
  };
  donations: { record: string; charity: unknown; points: number; amountMinor: number; currency: string; receipt: string; at: string }[];
  /** what the shop reported the person did (a review and its attributes, the workspace's own actions) */
  actions: { record: string; type: string; externalId: string; occurredAt: string; attributes: unknown }[];
}

export async function exportCustomerLoyalty(db: Executor, tenantId: string, customerId: string): Promise<CustomerLoyaltyExport> {
  const q = async (query: ReturnType<typeof sql>) => (await db.execute<Row>(query)).rows;
  const [own] = await q(sql`SELECT available, pending, qualifying FROM loyalty_members WHERE tenant_id = ${tenantId} AND customer_id = ${customerId}`);
  // The records merged into this one: by the customers' pointers, as the customers' export lists them.
  const merged = await q(sql`SELECT id FROM customers WHERE tenant_id = ${tenantId} AND merged_into = ${customerId} ORDER BY id`);
  const records = [customerId, ...merged.map((r) => String(r.id))];
  const ids = sql`${sql.param(records)}::uuid[]`;

  const accounts = await q(sql`
    SELECT a.kind, coalesce(sum(p.amount), 0) AS balance FROM loyalty_accounts a
    JOIN loyalty_postings p ON p.tenant_id = a.tenant_id AND p.account_id = a.id
    WHERE a.tenant_id = ${tenantId} AND a.customer_id = ${customerId} AND a.kind IN ('held', 'owed') GROUP BY a.kind`);
  const account = (kind: string) => num(accounts.find((a) => a.kind === kind)?.balance);

  const lots = await q(sql`
    SELECT customer_id, amount, remaining, expires_at, CASE WHEN unlocked_at IS NULL THEN pending_until END AS pending_until, created_at FROM loyalty_lots
    WHERE tenant_id = ${tenantId} AND customer_id = ANY(${ids}) AND remaining > 0 ORDER BY expires_at ASC NULLS LAST, id`);

  // Every entry that posted to one of the records' accounts, what it did to each record.
  const history = await q(sql`
    SELECT e.id, a.customer_id, e.created_at, e.kind, e.reason, e.external_id,
      coalesce(sum(p.amount) FILTER (WHERE a.kind = 'available'), 0) AS available, coalesce(sum(p.amount) FILTER (WHERE a.kind = 'pending'), 0) AS pending,
      coalesce(sum(p.amount) FILTER (WHERE a.kind = 'qualifying'), 0) AS qualifying, coalesce(sum(p.amount) FILTER (WHERE a.kind = 'held'), 0) AS held,
      coalesce(-sum(p.amount) FILTER (WHERE a.kind = 'owed'), 0) AS owed
    FROM loyalty_accounts a
    JOIN loyalty_postings p ON p.tenant_id = a.tenant_id AND p.account_id = a.id
    JOIN loyalty_entries e ON e.tenant_id = p.tenant_id AND e.id = p.entry_id
    WHERE a.tenant_id = ${tenantId} AND a.customer_id = ANY(${ids})
    GROUP BY e.tenant_id, e.id, a.customer_id ORDER BY e.id, a.customer_id`);

  const tiers = await q(sql`
    SELECT p.name AS program, t.name AS tier, mt.since, mt.downgrade_at FROM loyalty_member_tiers mt
    JOIN loyalty_programs p ON p.tenant_id = mt.tenant_id AND p.id = mt.program_id
    LEFT JOIN loyalty_tiers t ON t.tenant_id = mt.tenant_id AND t.id = mt.tier_id
    WHERE mt.tenant_id = ${tenantId} AND mt.customer_id = ${customerId} ORDER BY p.created_at, p.id`);
  const tierChanges = await q(sql`
    SELECT c.customer_id, p.name AS program, f.name AS from_tier, t.name AS to_tier, c.reason, c.created_at FROM loyalty_tier_changes c
    JOIN loyalty_programs p ON p.tenant_id = c.tenant_id AND p.id = c.program_id
    LEFT JOIN loyalty_tiers f ON f.tenant_id = c.tenant_id AND f.id = c.from_tier_id
    LEFT JOIN loyalty_tiers t ON t.tenant_id = c.tenant_id AND t.id = c.to_tier_id
    WHERE c.tenant_id = ${tenantId} AND c.customer_id = ANY(${ids}) ORDER BY c.id`);
  const coupons = await q(sql`
    SELECT r.customer_id, w.name AS reward, k.code, r.points, r.status, r.created_at, r.cancelled_at FROM loyalty_coupon_redemptions r
    JOIN loyalty_rewards w ON w.tenant_id = r.tenant_id AND w.id = r.reward_id
    JOIN loyalty_coupon_codes k ON k.tenant_id = r.tenant_id AND k.id = r.code_id
    WHERE r.tenant_id = ${tenantId} AND r.customer_id = ANY(${ids}) ORDER BY r.created_at, r.id`);
  const holds = await q(sql`
    SELECT customer_id, points, status, external_id, created_at, settled_at FROM loyalty_redemption_holds
    WHERE tenant_id = ${tenantId} AND customer_id = ANY(${ids}) ORDER BY created_at, id`);
  const codes = await q(sql`SELECT customer_id, code FROM loyalty_referral_codes WHERE tenant_id = ${tenantId} AND customer_id = ANY(${ids}) ORDER BY customer_id`);
  const referredBy = await q(sql`
    SELECT friend_id AS record, state, friend_points AS points, attached_at, decided_at FROM loyalty_referrals
    WHERE tenant_id = ${tenantId} AND friend_id = ANY(${ids}) ORDER BY attached_at`);
  const friends = await q(sql`
    SELECT referrer_id AS record, state, referrer_points AS points, attached_at, decided_at FROM loyalty_referrals
    WHERE tenant_id = ${tenantId} AND referrer_id = ANY(${ids}) ORDER BY attached_at, id`);
  const donations = await q(sql`
    SELECT d.customer_id, c.name AS charity, d.points, d.amount_minor, d.currency, d.receipt_seq, d.created_at FROM loyalty_donations d
    JOIN loyalty_charities c ON c.tenant_id = d.tenant_id AND c.id = d.charity_id
    WHERE d.tenant_id = ${tenantId} AND d.customer_id = ANY(${ids}) ORDER BY d.created_at, d.id`);
  const actions = await q(sql`
    SELECT customer_id, type, external_id, occurred_at, attributes FROM loyalty_customer_events
    WHERE tenant_id = ${tenantId} AND customer_id = ANY(${ids}) ORDER BY occurred_at, type, external_id`);

  return {
    member: own !== undefined,
    records,
    balances: { available: num(own?.available), pending: num(own?.pending), qualifying: num(own?.qualifying), held: account('held'), owed: -account('owed') },
    lots: lots.map((l) => ({
      record: String(l.customer_id), points: num(l.amount), remaining: num(l.remaining), expiresAt: iso(l.expires_at), pendingUntil: iso(l.pending_until), createdAt: iso(l.created_at)!,
    })),
    history: history.map((h) => ({
      entryId: num(h.id), record: String(h.customer_id), at: iso(h.created_at)!, kind: String(h.kind), reason: (h.reason as string | null) ?? null,
      externalId: (h.external_id as string | null) ?? null,
      available: num(h.available), pending: num(h.pending), qualifying: num(h.qualifying), held: num(h.held), owed: num(h.owed),
    })),
    tiers: tiers.map((t) => ({ program: String(t.program), tier: t.tier ?? null, since: iso(t.since)!, downgradeAt: iso(t.downgrade_at) })),
    tierChanges: tierChanges.map((c) => ({ record: String(c.customer_id), program: String(c.program), from: c.from_tier ?? null, to: c.to_tier ?? null, reason: String(c.reason), at: iso(c.created_at)! })),
    coupons: coupons.map((c) => ({
      record: String(c.customer_id), reward: c.reward, code: String(c.code), points: num(c.points), status: String(c.status), createdAt: iso(c.created_at)!, cancelledAt: iso(c.cancelled_at),
    })),
    holds: holds.map((h) => ({
      record: String(h.customer_id), points: num(h.points), status: String(h.status), externalId: (h.external_id as string | null) ?? null, createdAt: iso(h.created_at)!, settledAt: iso(h.settled_at),
    })),
    referrals: {
      codes: codes.map((c) => ({ record: String(c.customer_id), code: String(c.code) })),
      referredBy: referredBy.map((r) => ({ record: String(r.record), state: String(r.state), points: num(r.points), attachedAt: iso(r.attached_at)!, decidedAt: iso(r.decided_at) })),
      friends: friends.map((r) => ({ record: String(r.record), state: String(r.state), points: num(r.points), attachedAt: iso(r.attached_at)!, decidedAt: iso(r.decided_at) })),
    },
    donations: donations.map((d) => ({
      record: String(d.customer_id), charity: d.charity, points: num(d.points), amountMinor: num(d.amount_minor), currency: String(d.currency), receipt: receiptNumber(num(d.receipt_seq)),
      at: iso(d.created_at)!,
    })),
    actions: actions.map((a) => ({ record: String(a.customer_id), type: String(a.type), externalId: String(a.external_id), occurredAt: iso(a.occurred_at)!, attributes: a.attributes })),
  };
}
