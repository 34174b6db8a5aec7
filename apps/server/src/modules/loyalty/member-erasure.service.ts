import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { publishEvents } from '../../platform/events/outbox.ts';
import { contactClaimsOf, type ErasedContact } from '../customers/index.ts';
import * as ledger from './ledger.repo.ts';
import { LOYALTY_EVENTS, settleMembers, type LedgerContext } from './ledger.service.ts';
import * as repo from './member-lifecycle.repo.ts';
import { releaseHold } from './redemption-holds.service.ts';

// A customer erased (right to be forgotten; the customers module's erase hook, in the erasure's
// transaction). Finance must still reconcile, so the ledger's amounts stay: entries, postings,
// lots and draws keep the customer's id, which after the erasure names nobody (the record is
// blank). What follows is the rule for the points, chosen for a person who asked to be forgotten:
//
// - The membership ends, so the balance cannot be kept for anyone: open checkouts are released,
//   then every point left (available and pending) is forfeited to breakage and the qualifying
//   points go back to qualifying issuance, in one `expire` entry (reason `customer_erased`,
//   key `erase:<customer>`) that draws every open lot: the liability falls by exactly that, as if
//   the points had expired, and verify stays clean. What the person owed is written off (owed →
//   write_off): nobody is left to repay it.
// - Personal data leaves the loyalty tables: the portal's sign-in codes requested by the person
//   (their customer id, or an e-mail or phone they held when the code was asked for) are deleted,
//   their portal sessions end, their tier rows and charity share go (state, not history), and the
//   attributes of the actions a shop reported about them (a review's text) are blanked. Rows that
//   only count (tier changes, donations and their receipts, coupons, referrals) keep the bare id.
// - The member row is marked erased under its lock, so a write that waited on it is refused
//   (404) rather than crediting a person who is gone. Erasing again changes nothing.

export const ERASE_REASON = 'customer_erased';
const SOURCE = 'system:customer-erasure';

export async function eraseMemberLoyalty(tx: Executor, tenantId: string, customerId: string, former: ErasedContact = { email: null, phone: null }, now = new Date()): Promise<void> {
  const ctx: LedgerContext = { tenantId, source: SOURCE, now };
  const marks = await repo.memberMarks(tx, tenantId, customerId);
  if (marks && !marks.erasedAt) {
    await ledger.lockMembers(tx, tenantId, [customerId]);
    await forfeitPoints(tx, ctx, customerId);
    await repo.markErased(tx, tenantId, customerId, now);
  }
  await forgetPerson(tx, ctx, customerId, former);
}

async function forfeitPoints(tx: Executor, ctx: LedgerContext, customerId: string): Promise<void> {
  const { tenantId, now } = ctx;
  await settleMembers(tx, { ...ctx, source: 'system:due-work' }, [customerId]);
  for (const holdId of await repo.openHoldIds(tx, tenantId, customerId)) await releaseHold(tx, ctx, holdId, { reason: ERASE_REASON });
  const lots = await repo.openLots(tx, tenantId, customerId);
  const balances = (await ledger.memberBalances(tx, tenantId, customerId))!;
  const owed = -(await repo.accountBalance(tx, tenantId, customerId, 'owed'));
  const available = lots.filter((l) => !l.pending).reduce((n, l) => n + l.remaining, 0);
  const pending = lots.filter((l) => l.pending).reduce((n, l) => n + l.remaining, 0);
  if (available !== balances.available || pending !== balances.pending) {
    throw new Error(`erasure of ${customerId}: lots hold ${available} + ${pending}, balances ${balances.available} + ${balances.pending}`);
  }
  const postings: ledger.Posting[] = [];
  if (available > 0) postings.push({ account: 'available', customerId, amount: -available });
  if (pending > 0) postings.push({ account: 'pending', customerId, amount: -pending });
  if (available + pending > 0) postings.push({ account: 'breakage', customerId: null, amount: available + pending });
  if (balances.qualifying > 0) {
    postings.push({ account: 'qualifying', customerId, amount: -balances.qualifying }, { account: 'qualifying_issuance', customerId: null, amount: balances.qualifying });
  }
  if (owed > 0) {
    await repo.openAccount(tx, tenantId, 'write_off', null);
    postings.push({ account: 'owed', customerId, amount: owed }, { account: 'write_off', customerId: null, amount: -owed });
  }
  if (postings.length === 0) return;
  const { entryId } = await ledger.bookEntry(tx, {
    entry: { tenantId, kind: 'expire', idempotencyKey: `erase:${customerId}`, customerId, externalId: null, reason: ERASE_REASON, source: SOURCE, at: now },
    customerId, postings,
    draws: lots.map((l) => ({ lotId: l.id, amount: l.remaining })),
    delta: { available: -available, pending: -pending, qualifying: -balances.qualifying },
  });
  if (entryId === undefined) return;
  await publishEvents(tx, tenantId, [{
    topic: LOYALTY_EVENTS.expired, payload: { customerId, entryId, points: available + pending, lots: lots.length, reason: ERASE_REASON, qualifying: balances.qualifying, owedWrittenOff: owed },
  }]);
}

async function forgetPerson(tx: Executor, ctx: LedgerContext, customerId: string, former: ErasedContact): Promise<void> {
  const { tenantId, now } = ctx;
  // Codes asked for with an address while it was the person's (their past ones too, until the customers module forgets them).
  const claims = await contactClaimsOf(tx, tenantId, customerId, former);
  const byAddress: SQL[] = claims.map((c) => sql`(${c.kind === 'phone' ? sql`phone = ${c.value}` : sql`lower(email) = ${c.value}`}
    AND (${c.after}::timestamptz IS NULL OR created_at > ${c.after}::timestamptz) AND (${c.before}::timestamptz IS NULL OR created_at <= ${c.before}::timestamptz))`);
  await tx.execute(sql`
    DELETE FROM loyalty_member_otps WHERE tenant_id = ${tenantId} AND (customer_id = ${customerId}${byAddress.length > 0 ? sql` OR ${sql.join(byAddress, sql` OR `)}` : sql``})`);
  await repo.endSessions(tx, tenantId, customerId, now);
  await tx.execute(sql`DELETE FROM loyalty_member_tiers WHERE tenant_id = ${tenantId} AND customer_id = ${customerId}`);
  await tx.execute(sql`DELETE FROM loyalty_charity_shares WHERE tenant_id = ${tenantId} AND customer_id = ${customerId}`);
  // What the shop reported the person did keeps its key (a replayed report must not earn again) and loses
  // its words: a review's attributes may hold its text.
  await tx.execute(sql`UPDATE loyalty_customer_events SET attributes = '{}'::jsonb WHERE tenant_id = ${tenantId} AND customer_id = ${customerId} AND attributes <> '{}'::jsonb`);
}
