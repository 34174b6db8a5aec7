import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from './factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from './harness.ts';
import { callApi, workspaceChecker } from './loyalty-kit.ts';
import { expectLedgerBalanced } from './loyalty-ledger.ts';

// The kit's after-each ledger check, called by hand (`checkedWorkspaces` registers the same
// `checkMade` as an afterEach): a broken ledger fails the check after the test that broke it, once,
// not every later check of the file; a ledger broken again later still fails; every workspace of
// a test is checked even when one fails. Ledgers are broken on purpose here, by SQL, in workspaces
// no other check sees.

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
}, 120_000);
afterAll(() => t?.close());

let serial = 0;

/** A member with 50 points earned through the API. */
async function member(ws: TestWorkspace): Promise<string> {
  const customer = await createCustomer(t, ws);
  const res = await callApi(t, ws, 'POST', `/api/loyalty/members/${customer.id}/earnings`, { points: 50, reason: 'خرید', externalId: `kit-${++serial}` });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return customer.id;
}
/** The member's cached balance moved off its postings and lots: drift the check must see. */
const breakLedger = async (ws: TestWorkspace) => {
  const customerId = await member(ws);
  await t.database.pool.query('UPDATE loyalty_members SET available = available + 7 WHERE tenant_id = $1 AND customer_id = $2', [ws.tenantId, customerId]);
};
const failureOf = (check: Promise<void>) => check.then(() => undefined, (error: unknown) => error as Error);

describe('the after-each ledger check', () => {
  it('fails once for the test that broke a ledger, passes the next test, and fails again for a test that breaks another', async () => {
    const { workspace, checkMade } = workspaceChecker(() => t, { verify: true });
    const broken = await workspace();
    await breakLedger(broken);
    const first = await failureOf(checkMade());
    expect(first?.message).toContain(`ledger of workspace ${broken.slug} (${broken.tenantId})`);
    expect(first?.message).toContain('available vs postings: expected 57 to be 50');

    // The next test: its own clean workspace passes, though the first is still broken.
    await member(await workspace());
    await expect(checkMade()).resolves.toBeUndefined();
    await expect(expectLedgerBalanced(t, broken.tenantId)).rejects.toThrow('available vs postings');

    // A later test that breaks a ledger fails, naming its own workspace only.
    const again = await workspace();
    await breakLedger(again);
    const second = await failureOf(checkMade());
    expect(second?.message).toContain(again.tenantId);
    expect(second?.message).not.toContain(broken.tenantId);
    await expect(checkMade()).resolves.toBeUndefined();
  });

  it('checks every workspace of a test when the first fails, and names each that failed', async () => {
    const seen: string[] = [];
    const { workspace, checkMade } = workspaceChecker(() => t, { also: async (ws) => void seen.push(ws.tenantId) });
    const [a, b, c] = [await workspace(), await workspace(), await workspace()];
    await breakLedger(a);
    await member(b);
    await breakLedger(c);
    const failure = await failureOf(checkMade());
    expect(failure?.message).toContain(a.tenantId);
    expect(failure?.message).toContain(c.tenantId);
    expect(failure?.message).not.toContain(b.tenantId);
    // `also` runs after the ledger's own checks pass: for b only, but b was reached after a failed.
    expect(seen).toEqual([b.tenantId]);
  });
});
