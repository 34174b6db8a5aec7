import type { LoyaltyBalanceView } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { notFound } from '../../platform/http/problem.ts';
import * as ledger from './ledger.repo.ts';
import { lotStatesAt } from './member-balance.repo.ts';

// A member's balance as it stands when it is read. The hourly due work books unlocks and expiries
// (ledger.service.ts settleMembers) and every write settles its member first, but a read writes
// nothing: it places each open lot where the due work would put it now, so points past their
// expiry show as expired (`expiredUnbooked`), never as available or expiring, and points past
// their pending period as available, before any run has booked it. The cached balances are the
// postings' sums; the read moves only what is due between them.

/** A member's balances and open lots at `now`; a customer who never earned has zeros. */
export async function memberBalanceAt(db: Executor, tenantId: string, customerId: string, now: Date): Promise<LoyaltyBalanceView> {
  const standing = await ledger.customerStanding(db, tenantId, customerId);
  if (!standing) throw notFound();
  const booked = (await ledger.memberBalances(db, tenantId, customerId)) ?? { available: 0, pending: 0, qualifying: 0 };
  const groups = await lotStatesAt(db, tenantId, customerId, now);
  const sum = (pick: (g: (typeof groups)[number]) => boolean) => groups.filter(pick).reduce((n, g) => n + g.points, 0);
  // Booked pending, due now: they leave pending (to available, or through it to expiry).
  const unlockDue = sum((g) => g.bookedPending && g.state !== 'pending');
  // Booked available (or due to be), past their expiry: they leave available.
  const expiredDue = sum((g) => g.state === 'expired');
  return {
    customerId,
    available: booked.available + unlockDue - expiredDue,
    pending: booked.pending - unlockDue,
    qualifying: booked.qualifying,
    expiring: groups.filter((g) => g.state === 'available' && g.at).map((g) => ({ expiresAt: g.at!.toISOString(), points: g.points, lots: g.lots }))
      .reduce<LoyaltyBalanceView['expiring']>(mergeByInstant, []),
    withoutExpiry: sum((g) => g.state === 'available' && !g.at),
    unlocking: groups.filter((g) => g.state === 'pending').map((g) => ({ unlocksAt: g.at!.toISOString(), points: g.points })),
    expiredUnbooked: groups.filter((g) => g.state === 'expired').map((g) => ({ expiredAt: g.at!.toISOString(), points: g.points }))
      .reduce<{ expiredAt: string; points: number }[]>((out, g) => {
        const last = out[out.length - 1];
        if (last && last.expiredAt === g.expiredAt) last.points += g.points;
        else out.push(g);
        return out;
      }, []),
  };
}

/** Groups of one expiry instant (booked available, and unlocked just now) as one line, as a settled ledger would show them. */
function mergeByInstant(out: LoyaltyBalanceView['expiring'], g: LoyaltyBalanceView['expiring'][number]): LoyaltyBalanceView['expiring'] {
  const last = out[out.length - 1];
  if (last && last.expiresAt === g.expiresAt) {
    last.points += g.points;
    last.lots += g.lots;
  } else out.push({ ...g });
  return out;
}
