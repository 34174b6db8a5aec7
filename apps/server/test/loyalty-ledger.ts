import { expect } from 'vitest';
import type { TestApp } from './harness.ts';

// The points ledger's invariants, read straight from the tables with SQL of its own (not the
// module's `verify`, which is under test too). Call it after every test that touched a ledger.

/**
 * In the workspace: every entry's postings sum to zero per unit and there is no entry without
 * postings; each member's cached balances equal the sums of the postings to its accounts and the
 * remaining points of its open lots (pending lots for pending, the others for available); each
 * lot's remaining is its amount less its draws; no balance is negative.
 */
export async function expectLedgerBalanced(t: TestApp, tenantId: string): Promise<void> {
  const q = async <R>(text: string) => (await t.database.pool.query(text, [tenantId])).rows as R[];

  const unbalanced = await q<{ entry_id: string; unit: string; total: string }>(`
    SELECT p.entry_id, a.unit, sum(p.amount) AS total
    FROM loyalty_postings p LEFT JOIN loyalty_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id
    WHERE p.tenant_id = $1 GROUP BY p.entry_id, a.unit HAVING sum(p.amount) <> 0 OR a.unit IS NULL`);
  expect(unbalanced, 'entries whose postings do not sum to zero per unit').toEqual([]);
  const bare = await q(`SELECT id FROM loyalty_entries e WHERE tenant_id = $1 AND NOT EXISTS (SELECT 1 FROM loyalty_postings p WHERE p.tenant_id = e.tenant_id AND p.entry_id = e.id)`);
  expect(bare, 'entries without postings').toEqual([]);

  const members = await q<Record<string, string>>(`
    SELECT m.customer_id, m.available, m.pending, m.qualifying,
      (SELECT coalesce(sum(p.amount), 0) FROM loyalty_postings p JOIN loyalty_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id
        WHERE a.tenant_id = m.tenant_id AND a.customer_id = m.customer_id AND a.kind = 'available') AS posted_available,
      (SELECT coalesce(sum(p.amount), 0) FROM loyalty_postings p JOIN loyalty_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id
        WHERE a.tenant_id = m.tenant_id AND a.customer_id = m.customer_id AND a.kind = 'pending') AS posted_pending,
      (SELECT coalesce(sum(p.amount), 0) FROM loyalty_postings p JOIN loyalty_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id
        WHERE a.tenant_id = m.tenant_id AND a.customer_id = m.customer_id AND a.kind = 'qualifying') AS posted_qualifying,
      (SELECT coalesce(sum(remaining), 0) FROM loyalty_lots l WHERE l.tenant_id = m.tenant_id AND l.customer_id = m.customer_id
        AND (l.pending_until IS NULL OR l.unlocked_at IS NOT NULL)) AS lots_available,
      (SELECT coalesce(sum(remaining), 0) FROM loyalty_lots l WHERE l.tenant_id = m.tenant_id AND l.customer_id = m.customer_id
        AND l.pending_until IS NOT NULL AND l.unlocked_at IS NULL) AS lots_pending
    FROM loyalty_members m WHERE m.tenant_id = $1`);
  for (const m of members) {
    const label = `member ${m.customer_id}`;
    expect(Number(m.available), `${label}: available vs postings`).toBe(Number(m.posted_available));
    expect(Number(m.pending), `${label}: pending vs postings`).toBe(Number(m.posted_pending));
    expect(Number(m.qualifying), `${label}: qualifying vs postings`).toBe(Number(m.posted_qualifying));
    expect(Number(m.available), `${label}: available vs open lots`).toBe(Number(m.lots_available));
    expect(Number(m.pending), `${label}: pending vs open lots`).toBe(Number(m.lots_pending));
    expect(Number(m.available), `${label}: available`).toBeGreaterThanOrEqual(0);
  }

  const lots = await q(`
    SELECT l.id, l.amount, l.remaining, coalesce(d.drawn, 0) AS drawn
    FROM loyalty_lots l LEFT JOIN (SELECT lot_id, sum(amount) AS drawn FROM loyalty_draws WHERE tenant_id = $1 GROUP BY lot_id) d ON d.lot_id = l.id
    WHERE l.tenant_id = $1 AND l.remaining <> l.amount - coalesce(d.drawn, 0)`);
  expect(lots, 'lots whose remaining is not their amount less their draws').toEqual([]);
}

/**
 * partner_payable holds exactly the billed points of the workspace's partner entries not cancelled
 * and finance's corrections: billed redemptions credit it, billed earnings debit it, a cancellation
 * reverses its entry's bill, a correction moves its signed points (debit when the partner owes).
 * verify checks the same entry by entry (ledger-verify.repo.ts partnerPayableDrift); this is its
 * own SQL, in total.
 */
export async function expectPartnerPayableMatchesBills(t: TestApp, tenantId: string): Promise<void> {
  const { rows } = await t.database.pool.query(`
    SELECT (SELECT coalesce(sum(p.amount), 0) FROM loyalty_accounts a JOIN loyalty_postings p ON p.tenant_id = a.tenant_id AND p.account_id = a.id
            WHERE a.tenant_id = $1 AND a.customer_id IS NULL AND a.kind = 'partner_payable')::bigint AS payable,
           (SELECT coalesce(sum(CASE direction WHEN 'redeem' THEN points ELSE -points END) FILTER (WHERE billed), 0) FROM loyalty_partner_entries pe
            WHERE pe.tenant_id = $1 AND NOT EXISTS (SELECT 1 FROM loyalty_entries r WHERE r.tenant_id = pe.tenant_id AND r.reverses_entry_id = pe.entry_id))::bigint
           + (SELECT coalesce(sum(CASE side WHEN 'workspace_owes' THEN points ELSE -points END), 0) FROM loyalty_partner_corrections
              WHERE tenant_id = $1)::bigint AS billed`,
  [tenantId]);
  expect(rows[0].payable, 'partner_payable against billed partner entries not cancelled').toBe(rows[0].billed);
}

/**
 * Runs statements in one transaction with the ledger's append-only and balance triggers off
 * (replica), as a hand edit or a restore could: how the verify tests make drift. Each statement's rows.
 */
export async function behindTheLedger(t: TestApp, statements: [string, unknown[]][]): Promise<unknown[][]> {
  const client = await t.database.pool.connect();
  const results: unknown[][] = [];
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL session_replication_role = replica');
    for (const [text, values] of statements) results.push((await client.query(text, values)).rows);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
  return results;
}
