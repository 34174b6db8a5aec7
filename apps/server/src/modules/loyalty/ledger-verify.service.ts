import type { LoyaltyVerifyView } from '@vafa/contracts';
import { sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { charityDrift } from './charity.repo.ts';
import * as repo from './ledger-verify.repo.ts';
import { heldDrift } from './redemption-holds.repo.ts';

/**
 * Memory for each sort or hash of verify's passes: the pass by entry holds one group per entry
 * (about 1.3 GB at 10,500,000 entries with PostgreSQL's default hash_mem_multiplier of 2), which
 * spilled to disk at 256 MB.
 */
export const VERIFY_WORK_MEM = '1GB';

/**
 * The pass by entry groups a union, whose group count the planner cannot estimate (it guesses
 * 200): with parallel workers it had each worker hold every entry and spill (159 s at 10,500,000
 * entries, against 137 s without). One process for it.
 */
export const entryPassSettings = sql`SET LOCAL max_parallel_workers_per_gather = 0`;

/**
 * The workspace's ledger checked against itself: cached member balances against postings and open
 * lots, each entry's postings summing to zero per unit, each lot's remaining against its draws,
 * each entry's spendable postings against the lots it moved, held points against the holds,
 * charity_payable against the donations, and partner_payable, entry by entry, against the partner
 * entries' bills, their cancellations and finance's corrections; and the prepaid-credit ledger the
 * same way: cached paid and bonus credit against postings and open bonus lots, each credit entry's
 * postings summing to zero per currency, each bonus lot against its draws (reported apart, each item
 * naming its ledger: credit entry and lot ids are the credit ledger's own). `ok` only when all are clean.
 * Reads one consistent snapshot (run it in a REPEATABLE READ transaction; the callers do).
 */
export async function verifyLedger(db: Executor, tenantId: string, now: Date): Promise<LoyaltyVerifyView> {
  // Its passes group and join every posting of the workspace: with the default 4 MB they spill
  // to disk at size (10,000,000 postings, bench/loyalty-scale.bench.ts). For this transaction
  // only (SET LOCAL); an admin's check, one at a time.
  await db.execute(sql.raw(`SET LOCAL work_mem = '${VERIFY_WORK_MEM}'`));
  const byAccount = await repo.accountPass(db, tenantId);
  await db.execute(entryPassSettings);
  const byEntry = await repo.entryPass(db, tenantId);
  const [balances, lots, entries, moved] = [byAccount.balances, byAccount.lotDrift, byEntry.unbalanced, byEntry.entryLots];
  const held = await heldDrift(db, tenantId);
  const charity = await charityDrift(db, tenantId);
  const partners = await repo.partnerPayableDrift(db, tenantId);
  const credit = await repo.creditAccountPass(db, tenantId);
  const creditEntries = await repo.creditEntryPass(db, tenantId);
  const creditDrift = credit.balanceDrift.count + creditEntries.unbalanced.count + credit.lotDrift.count;
  return {
    ok: balances.count + entries.count + lots.count + moved.count + held.count + charity.count + partners.count + creditDrift === 0,
    checkedAt: now.toISOString(),
    counts: { members: byAccount.members, entries: byEntry.entries, postings: byAccount.postings, lots: byAccount.lots },
    creditCounts: { balances: credit.balances, entries: creditEntries.entries, postings: credit.postings, lots: credit.lots },
    driftCounts: {
      balances: balances.count, entries: entries.count, lots: lots.count, entryLots: moved.count, held: held.count, charity: charity.count, partners: partners.count,
      creditBalances: credit.balanceDrift.count, creditEntries: creditEntries.unbalanced.count, creditLots: credit.lotDrift.count,
    },
    systemBalances: byAccount.systemBalances,
    balanceDrift: balances.sample,
    unbalancedEntries: entries.sample,
    lotDrift: lots.sample,
    entryLotMismatch: moved.sample,
    heldDrift: held.sample,
    charityDrift: charity.sample,
    partnerDrift: partners.sample,
    creditSystemBalances: credit.systemBalances,
    creditBalanceDrift: credit.balanceDrift.sample,
    creditUnbalancedEntries: creditEntries.unbalanced.sample,
    creditLotDrift: credit.lotDrift.sample,
  };
}
