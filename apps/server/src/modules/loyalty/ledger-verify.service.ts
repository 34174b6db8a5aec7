import type { LoyaltyVerifyView } from '@vafa/contracts';
import { sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { charityDrift } from './charity.repo.ts';
import * as repo from './ledger-verify.repo.ts';
import { heldDrift } from './redemption-holds.repo.ts';

/** Memory for each sort or hash of verify's passes. */
export const VERIFY_WORK_MEM = '256MB';

/**
 * The workspace's ledger checked against itself: cached member balances against postings and open
 * lots, each entry's postings summing to zero per unit, each lot's remaining against its draws,
 * and each entry's spendable postings against the lots it moved. `ok` only when all are clean.
 * Reads one consistent snapshot (run it in a REPEATABLE READ transaction; the callers do).
 */
export async function verifyLedger(db: Executor, tenantId: string, now: Date): Promise<LoyaltyVerifyView> {
  // Its passes group and join every posting of the workspace: with the default 4 MB they spill
  // to disk at size (10,000,000 postings, bench/loyalty-scale.bench.ts). For this transaction
  // only (SET LOCAL); an admin's check, one at a time.
  await db.execute(sql.raw(`SET LOCAL work_mem = '${VERIFY_WORK_MEM}'`));
  const totals = await repo.ledgerTotals(db, tenantId);
  const balances = await repo.balanceDrift(db, tenantId);
  const entries = await repo.unbalancedEntries(db, tenantId);
  const lots = await repo.lotDrift(db, tenantId);
  const moved = await repo.entryLotMismatch(db, tenantId);
  const held = await heldDrift(db, tenantId);
  const charity = await charityDrift(db, tenantId);
  return {
    ok: balances.count + entries.count + lots.count + moved.count + held.count + charity.count === 0,
    checkedAt: now.toISOString(),
    counts: { members: totals.members, entries: totals.entries, postings: totals.postings, lots: totals.lots },
    driftCounts: { balances: balances.count, entries: entries.count, lots: lots.count, entryLots: moved.count, held: held.count, charity: charity.count },
    systemBalances: totals.systemBalances,
    balanceDrift: balances.sample,
    unbalancedEntries: entries.sample,
    lotDrift: lots.sample,
    entryLotMismatch: moved.sample,
    heldDrift: held.sample,
    charityDrift: charity.sample,
  };
}
