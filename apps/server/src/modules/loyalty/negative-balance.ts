import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { LoyaltyOwedView } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { publishEvents } from '../../platform/events/outbox.ts';
import * as ledger from './ledger.repo.ts';
import type { LedgerContext } from './ledger.service.ts';
import { drawSoonestExpiring } from './lot-draws.ts';
import { memberBalanceAt } from './member-balance.service.ts';

// A member's negative balance. A return whose points the member had already spent takes back
// what it can (pending, then available) and books the rest, in the same entry, either to the
// member's `owed` account (the program allows a negative balance) or to the workspace's
// `write_off` account (it does not: a loss), against issuance in both cases, so the entry
// balances and the issuance is reversed in full. The debt is an account of its own, not a
// negative `available`: lots never go below zero and nothing can spend a debt. The member's
// balance reads available − owed; points that reach the member later repay the debt first: an
// earning from its new lot (an `adjust` entry from the lot to `owed`, keyed by the earn), and
// points that become available (an unlock, a hold released or refunded) from available, in an
// `adjust` entry keyed by the entry that made them available. A spend sees only the balance net
// of what is owed (ledger.service.ts memberForWrite repays first). Balances stay sums of
// postings: owed is the negated sum of the owed account's postings, with no cache to drift.

/** Points the member owes: minus the balance of its `owed` account (0 without one). */
export async function owedOf(db: Executor, tenantId: string, customerId: string): Promise<number> {
  const { rows } = await db.execute<{ owed: string | number }>(sql`
    SELECT coalesce(-sum(p.amount), 0) AS owed
    FROM loyalty_accounts a JOIN loyalty_postings p ON p.tenant_id = a.tenant_id AND p.account_id = a.id
    WHERE a.tenant_id = ${tenantId} AND a.customer_id = ${customerId} AND a.kind = 'owed'`);
  return Number(rows[0]?.owed ?? 0);
}

/** The member's owed points and net balance, for staff: available as it stands now (points past their expiry left out). */
export async function memberOwed(db: Executor, tenantId: string, customerId: string, now = new Date()): Promise<LoyaltyOwedView> {
  const { available } = await memberBalanceAt(db, tenantId, customerId, now);
  const owed = await owedOf(db, tenantId, customerId);
  return { customerId, owed, net: available - owed };
}

async function openOwedAccount(tx: Executor, tenantId: string, customerId: string): Promise<void> {
  await tx.execute(sql`INSERT INTO loyalty_accounts (tenant_id, kind, customer_id) VALUES (${tenantId}, 'owed', ${customerId}) ON CONFLICT DO NOTHING`);
}

async function openWriteOffAccount(tx: Executor, tenantId: string): Promise<void> {
  await tx.execute(sql`INSERT INTO loyalty_accounts (tenant_id, kind, customer_id) VALUES (${tenantId}, 'write_off', NULL) ON CONFLICT DO NOTHING`);
}

/**
 * The postings of a return's shortfall (points it should take back that the member had spent):
 * the member's owed account when the program allows a negative balance, else the workspace's
 * write-off. The caller posts the whole reversal to issuance. Nothing for no shortfall.
 */
export async function shortfallPostings(tx: Executor, tenantId: string, customerId: string, shortfall: number, allowNegative: boolean): Promise<ledger.Posting[]> {
  if (shortfall <= 0) return [];
  if (allowNegative) {
    await openOwedAccount(tx, tenantId, customerId);
    return [{ account: 'owed', customerId, amount: -shortfall }];
  }
  await openWriteOffAccount(tx, tenantId);
  return [{ account: 'write_off', customerId: null, amount: -shortfall }];
}

/** What an entry put to owed and to write-off (a return's answer, read again). */
export async function shortfallOfEntry(db: Executor, tenantId: string, entryId: number | null): Promise<{ owed: number; writtenOff: number }> {
  if (entryId === null) return { owed: 0, writtenOff: 0 };
  const postings = await ledger.postingsOf(db, tenantId, entryId);
  const sum = (kind: string) => -postings.filter((p) => p.account === kind).reduce((n, p) => n + p.amount, 0);
  return { owed: sum('owed'), writtenOff: sum('write_off') };
}

/**
 * After a credit to a locked member: repays what the member owes from the new lot, first thing
 * (pending or available → owed, drawn from that lot). Once per earn (keyed by it).
 */
export async function repayOwed(
  tx: Executor, ctx: LedgerContext, customerId: string, credit: { entryId: number; lotId: number; points: number; pending: boolean },
): Promise<number> {
  const owed = await owedOf(tx, ctx.tenantId, customerId);
  if (owed <= 0) return 0;
  const repaid = Math.min(owed, credit.points);
  const from = credit.pending ? 'pending' : 'available';
  const { entryId } = await ledger.bookEntry(tx, {
    entry: {
      tenantId: ctx.tenantId, kind: 'adjust', idempotencyKey: `repay:${credit.entryId}`, customerId, externalId: null, reason: REPAID_REASON,
      source: ctx.source, at: ctx.now,
    },
    customerId,
    postings: [{ account: from, customerId, amount: -repaid }, { account: 'owed', customerId, amount: repaid }],
    draws: [{ lotId: credit.lotId, amount: repaid }],
    delta: { available: credit.pending ? 0 : -repaid, pending: credit.pending ? -repaid : 0, qualifying: 0 },
  });
  if (entryId === undefined) return 0;
  await publishEvents(tx, ctx.tenantId, [{
    topic: 'loyalty.negative_balance_repaid', payload: { customerId, entryId, earnEntryId: credit.entryId, points: repaid, owedBefore: owed },
  }]);
  return repaid;
}

/**
 * Why points repaid a debt from available: what made them available (an unlock, a hold released or
 * refunded, a redemption reversed, a coupon redemption cancelled, points given by another member), or a spend that found both.
 */
export type RepaymentCause = 'unlock' | 'release' | 'refund' | 'reversal' | 'cancel' | 'spend' | 'transfer';

export const REPAID_REASON = 'negative_balance_repaid';

/**
 * Repays what the (locked) member owes from its available points, soonest-expiring lots first:
 * available → owed, as much of the debt as they cover. One `adjust` entry keyed by the entry that
 * made the points available (`repay:<cause>:<entry>`), so a run repeated repays nothing twice; a
 * spend's repayment has no such entry and is keyed afresh (it is guarded by the debt itself:
 * under the member's lock, a second one finds nothing owed or nothing available).
 */
export async function repayOwedFromAvailable(
  tx: Executor, ctx: LedgerContext, customerId: string, cause: { kind: RepaymentCause; entryId: number | null }, knownOwed?: number,
): Promise<number> {
  const owed = knownOwed ?? (await owedOf(tx, ctx.tenantId, customerId));
  if (owed <= 0) return 0;
  const lots = await ledger.spendableLots(tx, ctx.tenantId, customerId, ctx.now);
  const repaid = Math.min(owed, lots.reduce((sum, lot) => sum + lot.remaining, 0));
  if (repaid <= 0) return 0;
  const draws = drawSoonestExpiring(lots, repaid)!;
  const { entryId } = await ledger.bookEntry(tx, {
    entry: {
      tenantId: ctx.tenantId, kind: 'adjust', idempotencyKey: `repay:${cause.kind}:${cause.entryId ?? randomUUID()}`, customerId, externalId: null,
      reason: REPAID_REASON, source: ctx.source, at: ctx.now,
    },
    customerId,
    postings: [{ account: 'available', customerId, amount: -repaid }, { account: 'owed', customerId, amount: repaid }],
    draws,
    delta: { available: -repaid, pending: 0, qualifying: 0 },
  });
  if (entryId === undefined) return 0;
  await publishEvents(tx, ctx.tenantId, [{
    topic: 'loyalty.negative_balance_repaid', payload: { customerId, entryId, cause: cause.kind, causeEntryId: cause.entryId, points: repaid, owedBefore: owed },
  }]);
  return repaid;
}

/**
 * After the due work unlocked pending points of these (locked) members: those who owe repay from
 * what became available, each keyed by its unlock entry. One query finds who owes among them.
 */
export async function repayOwedAfterUnlock(tx: Executor, ctx: LedgerContext, unlocked: { customerId: string; entryId: number }[]): Promise<number> {
  if (unlocked.length === 0) return 0;
  const { rows } = await tx.execute<{ customer_id: string; owed: string | number }>(sql`
    SELECT a.customer_id, -sum(p.amount) AS owed
    FROM loyalty_accounts a JOIN loyalty_postings p ON p.tenant_id = a.tenant_id AND p.account_id = a.id
    WHERE a.tenant_id = ${ctx.tenantId} AND a.kind = 'owed' AND a.customer_id = ANY(${sql.param(unlocked.map((u) => u.customerId))}::uuid[])
    GROUP BY a.customer_id HAVING sum(p.amount) < 0`);
  let repaid = 0;
  for (const row of rows) {
    const unlock = unlocked.find((u) => u.customerId === row.customer_id)!;
    repaid += await repayOwedFromAvailable(tx, ctx, row.customer_id, { kind: 'unlock', entryId: unlock.entryId }, Number(row.owed));
  }
  return repaid;
}
