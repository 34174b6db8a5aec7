import type {
  CalendarId, Locale, LoyaltyEntryView, LoyaltyHistoryEntry, LoyaltyLocalName, MemberCatalogueView, MemberDonate, MemberDonationReceipt, MemberEntryCause, MemberHistoryItem,
  MemberCreditView, MemberHistoryPage, MemberHistoryQuery, MemberPartnerRedemption, MemberPortalView,
} from '@vafa/contracts';
import { eventCause } from '@vafa/contracts';
import { sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { workspaceSettings } from '../workspace/index.ts';
import { donatePoints, listCharities } from './charity.service.ts';
import { creditBalance, listPackages } from './credit.service.ts';
import { inactivityExpiries } from './inactivity-expiry.ts';
import { memberHistory } from './ledger.service.ts';
import { memberBalanceAt } from './member-balance.service.ts';
import { REPAID_REASON, owedOf } from './negative-balance.ts';
import { memberRedemptionOffer, portalPartnerOffers, redeemPartnerOffer } from './partners.service.ts';
import { listPrograms } from './program.service.ts';
import { listRewards } from './rewards.service.ts';
import { getMemberTier, listTiers } from './tiers.service.ts';

// What the signed-in member sees on the portal: only their own points, read from the ledger
// (balances, open lots, entries) of their own workspace. The routes give the customer id only
// from the member's session.

const dayFormats = new Map<string, Intl.DateTimeFormat>();
/** The day an instant falls on in a time zone, as YYYY-MM-DD. */
export function localDay(instant: string, timeZone: string): string {
  let format = dayFormats.get(timeZone);
  if (!format) dayFormats.set(timeZone, (format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return format.format(new Date(instant));
}

/** Groups instants by their local day, keeping the earliest instant of each day; the input is soonest first. */
function byDay<T extends { points: number }>(items: T[], at: (item: T) => string, timeZone: string) {
  const days: { date: string; at: string; points: number }[] = [];
  for (const item of items) {
    const date = localDay(at(item), timeZone);
    const last = days[days.length - 1];
    if (last && last.date === date) last.points += item.points;
    else days.push({ date, at: at(item), points: item.points });
  }
  return days;
}

const CALENDARS = new Set<CalendarId>(['persian', 'islamic-umalqura', 'gregory']);
const LOCALES = new Set<Locale>(['fa', 'ar', 'en']);

export async function memberPortalView(db: Executor, tenantId: string, customerId: string, now = new Date()): Promise<MemberPortalView> {
  const settings = await workspaceSettings(db, tenantId);
  // As it stands now: points past their expiry are expired here even before the hourly run books it.
  const balance = await memberBalanceAt(db, tenantId, customerId, now);
  // Points of programs that expire after inactivity carry no date of their own: they go at the
  // member's last earn or spend plus the program's days, listed as expiring then (or expired, past it).
  const inactivity = await inactivityExpiries(db, tenantId, customerId, now);
  const expiring = [...balance.expiring, ...inactivity.filter((x) => x.expiresAt > now).map((x) => ({ expiresAt: x.expiresAt.toISOString(), points: x.points }))]
    .sort((a, b) => Date.parse(a.expiresAt) - Date.parse(b.expiresAt));
  const expired = [...balance.expiredUnbooked, ...inactivity.filter((x) => x.expiresAt <= now).map((x) => ({ expiredAt: x.expiresAt.toISOString(), points: x.points }))]
    .sort((a, b) => Date.parse(a.expiredAt) - Date.parse(b.expiredAt));
  const withoutExpiry = balance.withoutExpiry - inactivity.reduce((n, x) => n + x.points, 0);
  const { rows: [person] } = await db.execute<{ name: string | null; phone: string | null }>(sql`
    SELECT name, phone FROM customers WHERE tenant_id = ${tenantId} AND id = ${customerId}`);
  return {
    workspace: {
      name: settings.name,
      calendar: CALENDARS.has(settings.calendar as CalendarId) ? settings.calendar as CalendarId : 'gregory',
      timeZone: settings.timeZone,
      defaultLanguage: LOCALES.has(settings.defaultLanguage as Locale) ? settings.defaultLanguage as Locale : 'en',
      currency: settings.currency,
      irrDisplay: settings.irrDisplay,
    },
    member: { name: person?.name ?? null, phone: person?.phone ?? null },
    balance: { available: balance.available, pending: balance.pending, qualifying: balance.qualifying },
    expiring: byDay(expiring, (g) => g.expiresAt, settings.timeZone).map((d) => ({ date: d.date, expiresAt: d.at, points: d.points })),
    withoutExpiry,
    unlocking: byDay(balance.unlocking, (g) => g.unlocksAt, settings.timeZone).map((d) => ({ date: d.date, unlocksAt: d.at, points: d.points })),
    expired: byDay(expired, (g) => g.expiredAt, settings.timeZone).map((d) => ({ date: d.date, expiredAt: d.at, points: d.points })),
    tiers: await memberTiers(db, tenantId, customerId),
    referralLink: null,
  };
}

/** The member's level in each active program with tiers (tiers.service.ts measures it). */
async function memberTiers(db: Executor, tenantId: string, customerId: string): Promise<MemberPortalView['tiers']> {
  const now = new Date();
  const out: MemberPortalView['tiers'] = [];
  for (const program of (await listPrograms(db, tenantId)).items) {
    if (program.status !== 'active' || (await listTiers(db, tenantId, program.id)).items.length === 0) continue;
    const standing = await getMemberTier(db, tenantId, program.id, customerId, now);
    // A rolling window ends now (it is the last N days); a calendar one at its period's end.
    const from = new Date(standing.window.from).getTime();
    const to = new Date(standing.window.to).getTime();
    const rolling = Math.abs(to - now.getTime()) < 60_000;
    out.push({
      program: program.name,
      basis: standing.basis,
      value: standing.value,
      windowEndsAt: rolling ? null : standing.window.to,
      windowDays: rolling ? Math.round((to - from) / 86_400_000) : null,
      current: standing.tier ? { rank: standing.tier.rank, name: standing.tier.name } : null,
      next: standing.next ? { rank: standing.next.tier.rank, name: standing.next.tier.name, threshold: standing.next.tier.threshold, needed: standing.next.needed } : null,
    });
  }
  return out;
}

/** Why an entry happened, from its kind and who wrote it (program events name their topic in the source). */
export function entryCause(entry: Pick<LoyaltyEntryView, 'kind' | 'source' | 'externalId' | 'reason'>): MemberEntryCause {
  switch (entry.kind) {
    case 'earn': {
      const cause = eventCause(entry.source);
      if (cause) return cause;
      return entry.externalId ? 'order' : 'granted';
    }
    case 'adjust': return entry.reason === REPAID_REASON ? 'owed_repaid' : entry.externalId ? 'order_return' : 'correction';
    case 'unlock': return 'unlocked';
    case 'expire': return 'expired';
    case 'redeem': return 'redeemed';
    case 'hold': return 'checkout_hold';
    case 'capture': return 'checkout';
    case 'release': return 'hold_released';
    case 'donate': return 'donation';
    case 'reversal': return 'correction';
    case 'transfer': return 'transfer';
    case 'merge': return 'merged_record';
  }
}

function presentHistoryItem(entry: LoyaltyHistoryEntry): MemberHistoryItem {
  const cause = entryCause(entry);
  return {
    id: entry.id,
    kind: entry.kind,
    cause,
    reference: entry.externalId,
    // System runs write no note; a staff member's words are the member's reason.
    // A program event's entry names its program and topic (`Club · referral.qualified`): the cause says it in the member's words.
    note: /^system:event:/.test(entry.source) || cause === 'owed_repaid' ? null : entry.reason,
    points: entry.points.available + entry.points.pending,
    available: entry.points.available,
    pending: entry.points.pending,
    qualifying: entry.points.qualifying,
    at: entry.createdAt,
    // Named in the member's language by the page; ids and prices are the workspace's business.
    partner: entry.partner ? { partnerName: entry.partner.partnerName, offerName: entry.partner.offerName } : null,
  };
}

export async function memberPortalHistory(db: Executor, tenantId: string, customerId: string, query: MemberHistoryQuery): Promise<MemberHistoryPage> {
  const page = await memberHistory(db, tenantId, customerId, query);
  return { items: page.items.map(presentHistoryItem), nextCursor: page.nextCursor };
}

export async function memberCatalogue(db: Executor, tenantId: string, customerId: string, now: Date): Promise<MemberCatalogueView> {
  const rewards = await listRewards(db, tenantId, false, now);
  const charities = (await listCharities(db, tenantId)).filter((c) => c.active && !c.archived);
  // What a spend at the counter may take: available points repay what the member owes first.
  const spendable = Math.max(0, (await memberBalanceAt(db, tenantId, customerId, now)).available - await owedOf(db, tenantId, customerId));
  return {
    partnerOffers: await portalPartnerOffers(db, tenantId, customerId, spendable, now),
    rewards: rewards.map((r) => ({ id: r.id, kind: r.kind, name: r.name, pointsCost: r.pointsCost, stockLeft: r.stockLeft, validUntil: r.validUntil })),
    charities: charities.map((c) => ({ id: c.id, name: c.name as LoyaltyLocalName, ratePoints: c.ratePoints, rateMinor: c.rateMinor, currency: c.currency })),
  };
}

/** The member gives points to a charity; the Idempotency-Key (scoped to the member) makes a second tap the same gift. */
export async function memberDonate(tx: Executor, tenantId: string, customerId: string, input: MemberDonate, key: string, now: Date): Promise<MemberDonationReceipt> {
  const { donation } = await donatePoints(tx, { tenantId, source: `member:${customerId}`, now }, { customerId, charityId: input.charityId, points: input.points }, `member:${customerId}:${key}`);
  const balance = await memberBalanceAt(tx, tenantId, customerId, now);
  return {
    receiptNumber: donation.receiptNumber, charityName: donation.charityName, points: donation.points, amountMinor: donation.amountMinor,
    currency: donation.currency, at: donation.createdAt, available: balance.available,
  };
}

/**
 * The member redeems a partner's offer from the portal, under the same checks as the counter
 * (partners.service.ts redeemPartnerOffer: the offer on offer and its partner active, unlocked by the
 * member's spend, points net of what is owed, the partner's monthly cap) and the same posting to
 * partner_payable by the partner's billing model. The Idempotency-Key, scoped to the member, makes a
 * second tap the same redemption; the key used for another offer is 409 `external_id_conflict`.
 */
export async function memberRedeemPartnerOffer(
  tx: Executor, tenantId: string, customerId: string, offerId: string, key: string, now: Date,
): Promise<{ created: boolean; redemption: MemberPartnerRedemption }> {
  const offer = await memberRedemptionOffer(tx, tenantId, offerId);
  const outcome = await redeemPartnerOffer(tx, { tenantId, source: `member:${customerId}`, now }, offerId, { customerId }, `member:${customerId}:${key}`);
  const balance = await memberBalanceAt(tx, tenantId, customerId, now);
  const owed = await owedOf(tx, tenantId, customerId);
  return {
    created: outcome.created,
    redemption: {
      reference: String(outcome.transaction.entry.id), offerId, partnerName: offer.partnerName, offerName: offer.offerName, points: outcome.transaction.points,
      at: outcome.transaction.createdAt, available: Math.max(0, balance.available - owed),
    },
  };
}

/** The member's prepaid credit and the active packages of active programs, to buy where the shop takes money (no payment here). */
export async function memberCredit(db: Executor, tenantId: string, customerId: string): Promise<MemberCreditView> {
  const balance = await creditBalance(db, tenantId, customerId);
  const active = new Set((await listPrograms(db, tenantId)).items.filter((p) => p.status === 'active').map((p) => p.id));
  const packages = (await listPackages(db, tenantId)).items.filter((p) => p.active && active.has(p.programId) && p.currency === balance.currency);
  return {
    balance: { currency: balance.currency, paidMinor: balance.paidMinor, bonusMinor: balance.bonusMinor, totalMinor: balance.totalMinor },
    packages: packages.map((p) => ({ id: p.id, name: p.name as LoyaltyLocalName, currency: p.currency, priceMinor: p.priceMinor, creditMinor: p.creditMinor, bonusMinor: p.bonusMinor })),
  };
}
