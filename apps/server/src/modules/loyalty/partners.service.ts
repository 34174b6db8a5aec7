import { randomUUID } from 'node:crypto';
import type {
  CorrectPartnerPayable, CreatePartner, CreatePartnerOffer, LoyaltyLocalName, PartnerCorrectionList, PartnerCorrectionView, PartnerEarn, PartnerOfferView,
  PartnerRedeem, PartnerTransactionView, PartnerView, SettlementQuery, SettlementReport, UpdatePartner, UpdatePartnerOffer,
} from '@vafa/contracts';
import type { Readable } from 'node:stream';
import { csvStream } from '../../platform/csv/csv-writer.ts';
import type { Executor } from '../../platform/db/connect.ts';
import { publishEvents } from '../../platform/events/outbox.ts';
import type { Actor } from '../../platform/http/access.ts';
import { Problem, invalidField, notFound } from '../../platform/http/problem.ts';
import { CALENDARS, fromIsoDate, toIsoDate, type CalendarId } from '../../platform/i18n/calendar.ts';
import { recordAudit, workspaceSettings } from '../workspace/index.ts';
import { localIsoDay, startOfLocalDay } from './earn-rules.ts';
import * as ledger from './ledger.repo.ts';
import { LOYALTY_EVENTS, getEntry, memberForWrite, type LedgerContext } from './ledger.service.ts';
import { drawSoonestExpiring } from './lot-draws.ts';
import { checkChangedWindow, insideWindow, windowInstant } from './offer-window.ts';
import * as repo from './partners.repo.ts';

// Coalition partners. Points earned at a partner and offers redeemed there are each one balanced
// entry; what the partner's billing model bills goes through the workspace's partner_payable:
//   at_earning:    earn   partner_payable −n → member available +n   (the partner owes n × price)
//                  redeem member available −n → redemptions +n       (not billed)
//   at_redemption: earn   issuance −n → member available +n          (not billed)
//                  redeem member available −n → partner_payable +n   (the workspace owes n × price)
// and a partner entry row says which partner, at what price, for how much money. Neither the
// partner's row nor partner_payable is locked by an earning or a redemption (the row is read with
// KEY SHARE, the account never touched but by postings), so members of one partner do not queue.
// A capped partner's room for the month is held in stripes (partners.repo.ts takeCapRoom): each
// earning or redemption takes its points from one stripe it can lock without waiting, last, just
// before commit, so they do not queue on one row either, and together never pass the cap.

const DAY_MS = 86_400_000;
const cleanName = (name: LoyaltyLocalName) => Object.fromEntries(Object.entries(name).filter(([, v]) => v !== undefined));

// ---- months in the workspace's calendar and time zone -------------------------------------------

export interface Month {
  calendar: CalendarId;
  year: number;
  month: number;
  from: Date;
  to: Date;
}

const calendarOf = (id: string): CalendarId => ((CALENDARS as readonly string[]).includes(id) ? (id as CalendarId) : 'gregory');

function monthStart(calendar: CalendarId, year: number, month: number, timeZone: string): Date {
  const iso = toIsoDate({ calendar, year, month, day: 1 });
  if (!iso) throw invalidField('period', 'period_invalid');
  return startOfLocalDay(iso, timeZone);
}

/** The calendar month (the workspace's calendar, in its time zone) of an instant, or the one named `YYYY-MM`. */
export function monthOf(calendarId: string, timeZone: string, at: Date, named?: string): Month {
  const calendar = calendarOf(calendarId);
  let year: number;
  let month: number;
  if (named) [year, month] = named.split('-').map(Number) as [number, number];
  else ({ year, month } = fromIsoDate(localIsoDay(at, timeZone), calendar));
  const next = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
  return { calendar, year, month, from: monthStart(calendar, year, month, timeZone), to: monthStart(calendar, next.year, next.month, timeZone) };
}

const periodName = (m: Month) => `${String(m.year).padStart(4, '0')}-${String(m.month).padStart(2, '0')}`;

// ---- partners and offers (managers) --------------------------------------------------------------

function presentPartner(row: repo.PartnerRow, currency: string, usage: repo.Usage | undefined): PartnerView {
  return {
    id: row.id, name: row.name as PartnerView['name'], contact: row.contact as PartnerView['contact'],
    billingModel: row.billingModel as PartnerView['billingModel'], pricePerPointMinor: row.pricePerPointMinor.toString(), currency,
    monthlyEarnCap: row.monthlyEarnCap, monthlyRedeemCap: row.monthlyRedeemCap, thisMonth: usage ?? { earned: 0, redeemed: 0 },
    active: row.active, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString(),
  };
}

function presentOffer(row: repo.OfferRow): PartnerOfferView {
  return {
    id: row.id, partnerId: row.partnerId, name: row.name as PartnerOfferView['name'], pointsCost: row.pointsCost, minSpendMinor: row.minSpendMinor.toString(),
    spendWindowDays: row.spendWindowDays, validFrom: row.validFrom?.toISOString() ?? null, validUntil: row.validUntil?.toISOString() ?? null,
    stock: row.stockTotal, stockLeft: row.stockLeft, active: row.active, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString(),
  };
}

/** Active, and `now` inside its days on offer. */
const onOffer = (offer: repo.OfferRow, now: Date) => offer.active && insideWindow(offer, now);

export async function listPartners(db: Executor, tenantId: string, now: Date): Promise<PartnerView[]> {
  const settings = await workspaceSettings(db, tenantId);
  const month = monthOf(settings.calendar, settings.timeZone, now);
  const [rows, usage] = [await repo.listPartners(db, tenantId), await repo.usageBetween(db, tenantId, month.from, month.to)];
  return rows.map((r) => presentPartner(r, settings.currency, usage.get(r.id)));
}

export async function getPartner(db: Executor, tenantId: string, id: string, now: Date): Promise<PartnerView> {
  const row = await repo.findPartner(db, tenantId, id);
  if (!row) throw notFound();
  const settings = await workspaceSettings(db, tenantId);
  const month = monthOf(settings.calendar, settings.timeZone, now);
  return presentPartner(row, settings.currency, (await repo.usageBetween(db, tenantId, month.from, month.to, id)).get(id));
}

export async function createPartner(tx: Executor, tenantId: string, actor: Actor | null, input: CreatePartner, now: Date): Promise<PartnerView> {
  const row = await repo.insertPartner(tx, {
    tenantId, id: randomUUID(), name: cleanName(input.name), contact: input.contact ?? {}, billingModel: input.billingModel,
    pricePerPointMinor: input.pricePerPointMinor, monthlyEarnCap: input.monthlyEarnCap ?? null, monthlyRedeemCap: input.monthlyRedeemCap ?? null,
    active: input.active ?? true, createdAt: now, updatedAt: now,
  });
  await recordAudit(tx, tenantId, actor, {
    action: 'loyalty.partner.created', targetType: 'loyalty_partner', targetId: row.id,
    details: { billingModel: row.billingModel, pricePerPointMinor: input.pricePerPointMinor, monthlyEarnCap: row.monthlyEarnCap, monthlyRedeemCap: row.monthlyRedeemCap },
  });
  return getPartner(tx, tenantId, row.id, now);
}

/**
 * Changes a partner's terms under its row lock (FOR UPDATE waits for the earnings and redemptions
 * in flight, which hold KEY SHARE): later ones see the new terms. A cap set or changed recounts the
 * month from the partner's entries, so points earned while it was uncapped count against it.
 */
export async function updatePartner(tx: Executor, tenantId: string, actor: Actor | null, id: string, input: UpdatePartner, now: Date): Promise<PartnerView> {
  const row = await repo.findPartner(tx, tenantId, id, 'update');
  if (!row) throw notFound();
  const patch: Partial<repo.NewPartner> = { updatedAt: now };
  if (input.name !== undefined) patch.name = cleanName(input.name);
  if (input.contact !== undefined) patch.contact = input.contact;
  if (input.billingModel !== undefined) patch.billingModel = input.billingModel;
  if (input.pricePerPointMinor !== undefined) patch.pricePerPointMinor = input.pricePerPointMinor;
  if (input.monthlyEarnCap !== undefined) patch.monthlyEarnCap = input.monthlyEarnCap;
  if (input.monthlyRedeemCap !== undefined) patch.monthlyRedeemCap = input.monthlyRedeemCap;
  if (input.active !== undefined) patch.active = input.active;
  const updated = await repo.updatePartner(tx, tenantId, id, patch);
  if (updated.monthlyEarnCap !== null || updated.monthlyRedeemCap !== null || input.monthlyEarnCap !== undefined || input.monthlyRedeemCap !== undefined) {
    const settings = await workspaceSettings(tx, tenantId);
    const month = monthOf(settings.calendar, settings.timeZone, now);
    await repo.recountCapRoom(tx, tenantId, id, month.from, month.to, { earn: updated.monthlyEarnCap, redeem: updated.monthlyRedeemCap });
  }
  const details: Record<string, unknown> = { fields: Object.keys(input) };
  if (input.pricePerPointMinor !== undefined) details.pricePerPointMinor = { from: row.pricePerPointMinor.toString(), to: input.pricePerPointMinor };
  if (input.billingModel !== undefined) details.billingModel = { from: row.billingModel, to: input.billingModel };
  await recordAudit(tx, tenantId, actor, { action: 'loyalty.partner.updated', targetType: 'loyalty_partner', targetId: id, details });
  return getPartner(tx, tenantId, id, now);
}

export async function listOffers(db: Executor, tenantId: string, partnerId: string): Promise<PartnerOfferView[]> {
  if (!(await repo.findPartner(db, tenantId, partnerId))) throw notFound();
  return (await repo.listOffers(db, tenantId, partnerId)).map(presentOffer);
}

export async function createOffer(tx: Executor, tenantId: string, actor: Actor | null, partnerId: string, input: CreatePartnerOffer, now: Date): Promise<PartnerOfferView> {
  if (!(await repo.findPartner(tx, tenantId, partnerId, 'share'))) throw notFound();
  const row = await repo.insertOffer(tx, {
    tenantId, id: randomUUID(), partnerId, name: cleanName(input.name), pointsCost: input.pointsCost, minSpendMinor: input.minSpendMinor,
    spendWindowDays: input.spendWindowDays, validFrom: windowInstant(input.validFrom) ?? null, validUntil: windowInstant(input.validUntil) ?? null,
    stockTotal: input.stock ?? null, stockLeft: input.stock ?? null, active: input.active ?? true, createdAt: now, updatedAt: now,
  });
  await recordAudit(tx, tenantId, actor, {
    action: 'loyalty.partner_offer.created', targetType: 'loyalty_partner_offer', targetId: row.id,
    details: { partnerId, pointsCost: row.pointsCost, minSpendMinor: input.minSpendMinor, spendWindowDays: row.spendWindowDays, stock: row.stockTotal },
  });
  return presentOffer(row);
}

export async function getOffer(db: Executor, tenantId: string, id: string): Promise<PartnerOfferView> {
  const row = await repo.findOffer(db, tenantId, id);
  if (!row) throw notFound();
  return presentOffer(row);
}

/**
 * Changes an offer under its row lock (FOR UPDATE waits for the redemptions in flight, which hold
 * KEY SHARE). A new `stock` total moves the stock left by the same difference, so it never falls
 * below what was redeemed (422 `stock_below_taken`); an unlimited offer given a stock counts its
 * redemptions not reversed against it.
 */
export async function updateOffer(tx: Executor, tenantId: string, actor: Actor | null, id: string, input: UpdatePartnerOffer, now: Date): Promise<PartnerOfferView> {
  const row = await repo.findOffer(tx, tenantId, id, 'update');
  if (!row) throw notFound();
  const patch: Partial<repo.NewOffer> = { updatedAt: now };
  if (input.name !== undefined) patch.name = cleanName(input.name);
  if (input.pointsCost !== undefined) patch.pointsCost = input.pointsCost;
  if (input.minSpendMinor !== undefined) patch.minSpendMinor = input.minSpendMinor;
  if (input.spendWindowDays !== undefined) patch.spendWindowDays = input.spendWindowDays;
  if (input.validFrom !== undefined) patch.validFrom = windowInstant(input.validFrom);
  if (input.validUntil !== undefined) patch.validUntil = windowInstant(input.validUntil);
  if (input.active !== undefined) patch.active = input.active;
  checkChangedWindow(row, patch);
  const details: Record<string, unknown> = { fields: Object.keys(input) };
  if (input.stock !== undefined) {
    const taken = row.stockTotal === null ? await repo.offerRedeemedNotReversed(tx, tenantId, id) : row.stockTotal - row.stockLeft!;
    if (input.stock !== null && input.stock < taken) throw invalidField('stock', 'stock_below_taken', { taken });
    patch.stockTotal = input.stock;
    patch.stockLeft = input.stock === null ? null : input.stock - taken;
    details.stock = { from: row.stockTotal, to: input.stock };
  }
  const updated = await repo.updateOffer(tx, tenantId, id, patch);
  await recordAudit(tx, tenantId, actor, { action: 'loyalty.partner_offer.updated', targetType: 'loyalty_partner_offer', targetId: id, details });
  return presentOffer(updated);
}

/** Every offer of an active partner on offer now, with the member's spend over its window and whether that unlocks it. */
export async function memberOffers(db: Executor, tenantId: string, customerId: string, now: Date) {
  const standing = await ledger.customerStanding(db, tenantId, customerId);
  if (!standing || standing.erasedAt) throw notFound();
  const settings = await workspaceSettings(db, tenantId);
  const partners = new Map((await repo.listPartners(db, tenantId)).map((p) => [p.id, p]));
  const offers = (await repo.listOffers(db, tenantId)).filter((o) => onOffer(o, now) && partners.get(o.partnerId)?.active);
  const spendByWindow = new Map<number, bigint>();
  const items = [];
  for (const offer of offers) {
    let spend = spendByWindow.get(offer.spendWindowDays);
    if (spend === undefined) {
      spend = await repo.memberSpend(db, tenantId, customerId, settings.currency, new Date(now.getTime() - offer.spendWindowDays * DAY_MS));
      spendByWindow.set(offer.spendWindowDays, spend);
    }
    items.push({ ...presentOffer(offer), partnerName: partners.get(offer.partnerId)!.name as PartnerView['name'], spendMinor: spend.toString(), unlocked: spend >= BigInt(offer.minSpendMinor) });
  }
  return { items };
}

/**
 * What the member portal shows of the partners: each active offer of an active partner, with
 * whether the member's spend unlocks it and their points (net of what they owe) cover it. Only
 * what a member needs to use it at the counter: never the partner's price per point, billing
 * model, caps or contact. An offer whose partner's monthly redeem cap cannot take its cost any more
 * is left out (the counter would refuse it); the cap itself is not shown.
 */
export async function portalPartnerOffers(db: Executor, tenantId: string, customerId: string, spendable: number, now: Date) {
  const settings = await workspaceSettings(db, tenantId);
  const partners = new Map((await repo.listPartners(db, tenantId)).filter((p) => p.active).map((p) => [p.id, p]));
  const offers = (await repo.listOffers(db, tenantId)).filter((o) => onOffer(o, now) && partners.has(o.partnerId));
  if (offers.length === 0) return [];
  const month = monthOf(settings.calendar, settings.timeZone, now);
  const usage = [...partners.values()].some((p) => p.monthlyRedeemCap !== null) ? await repo.usageBetween(db, tenantId, month.from, month.to) : new Map<string, repo.Usage>();
  const spendByWindow = new Map<number, bigint>();
  const items = [];
  for (const offer of offers) {
    const partner = partners.get(offer.partnerId)!;
    if (partner.monthlyRedeemCap !== null && (usage.get(partner.id)?.redeemed ?? 0) + offer.pointsCost > partner.monthlyRedeemCap) continue;
    if (offer.stockLeft === 0) continue;
    const threshold = BigInt(offer.minSpendMinor);
    let spend = threshold === 0n ? 0n : spendByWindow.get(offer.spendWindowDays);
    if (spend === undefined) {
      spend = await repo.memberSpend(db, tenantId, customerId, settings.currency, new Date(now.getTime() - offer.spendWindowDays * DAY_MS));
      spendByWindow.set(offer.spendWindowDays, spend);
    }
    items.push({
      id: offer.id, partnerName: partner.name as LoyaltyLocalName, name: offer.name as LoyaltyLocalName, pointsCost: offer.pointsCost,
      minSpendMinor: offer.minSpendMinor.toString(), spendWindowDays: offer.spendWindowDays, currency: settings.currency,
      unlocked: spend >= threshold, enoughPoints: spendable >= offer.pointsCost, validUntil: offer.validUntil?.toISOString() ?? null,
    });
  }
  return items;
}

/** An offer's and its partner's names, for the member's receipt; 404 for an offer of no partner of this workspace. */
export async function memberRedemptionOffer(db: Executor, tenantId: string, offerId: string): Promise<{ partnerName: LoyaltyLocalName; offerName: LoyaltyLocalName }> {
  const offer = await repo.findOffer(db, tenantId, offerId);
  if (!offer) throw notFound();
  const partner = (await repo.findPartner(db, tenantId, offer.partnerId))!;
  return { partnerName: partner.name as LoyaltyLocalName, offerName: offer.name as LoyaltyLocalName };
}

// ---- earning and redeeming at a partner -----------------------------------------------------------

export interface PartnerOutcome {
  created: boolean;
  transaction: PartnerTransactionView;
}

function transactionKey(direction: 'earn' | 'redeem', scope: string, externalId: string | undefined, requestKey: string | undefined): string {
  if (externalId !== undefined) return `${direction}:partner:${scope}:ext:${externalId}`;
  if (requestKey !== undefined) return `${direction}:partner:req:${requestKey}`;
  throw new Problem(400, 'idempotency_key_required');
}

async function presentTransaction(db: Executor, tenantId: string, row: repo.PartnerEntryRow): Promise<PartnerTransactionView> {
  return {
    partnerId: row.partnerId, offerId: row.offerId, customerId: row.customerId, direction: row.direction as 'earn' | 'redeem', points: row.points,
    billed: row.billed, pricePerPointMinor: row.pricePerPointMinor.toString(), amountMinor: row.amountMinor.toString(), currency: row.currency.trim(),
    entry: await getEntry(db, tenantId, row.entryId), createdAt: row.createdAt.toISOString(),
  };
}

/** The same key again: the first answer if it was the same request, else 409 `external_id_conflict`. */
async function replay(db: Executor, tenantId: string, key: string, same: (row: repo.PartnerEntryRow) => boolean): Promise<PartnerOutcome | undefined> {
  const entry = await ledger.findEntryByKey(db, tenantId, key);
  if (!entry) return undefined;
  const first = await repo.findPartnerEntry(db, tenantId, entry.id);
  if (!first || !same(first)) throw new Problem(409, 'external_id_conflict');
  return { created: false, transaction: await presentTransaction(db, tenantId, first) };
}

interface Booked {
  ctx: LedgerContext;
  partner: repo.PartnerRow;
  offerId: string | null;
  customerId: string;
  direction: 'earn' | 'redeem';
  points: number;
  billed: boolean;
  entryId: number;
}

/**
 * The partner entry beside the ledger entry and the answer, then an offer's stock and the cap's
 * room: last, as the offer's row and the stripe taken stay locked until commit.
 */
async function recordPartnerEntry(tx: Executor, b: Booked, stocked = false): Promise<PartnerOutcome> {
  const settings = await workspaceSettings(tx, b.ctx.tenantId);
  const price = b.partner.pricePerPointMinor;
  await repo.insertPartnerEntry(tx, {
    tenantId: b.ctx.tenantId, entryId: b.entryId, partnerId: b.partner.id, offerId: b.offerId, customerId: b.customerId, direction: b.direction,
    points: b.points, billed: b.billed, pricePerPointMinor: price, amountMinor: b.billed ? (BigInt(b.points) * BigInt(price)).toString() : '0', currency: settings.currency,
    createdAt: b.ctx.now,
  });
  const row = await repo.findPartnerEntry(tx, b.ctx.tenantId, b.entryId);
  const outcome = { created: true, transaction: await presentTransaction(tx, b.ctx.tenantId, row!) };
  if (stocked && !(await repo.takeOfferStock(tx, b.ctx.tenantId, b.offerId!))) throw new Problem(409, 'partner_offer_out_of_stock');
  const cap = b.direction === 'earn' ? b.partner.monthlyEarnCap : b.partner.monthlyRedeemCap;
  if (cap !== null) {
    const month = monthOf(settings.calendar, settings.timeZone, b.ctx.now);
    const counted = await repo.takeCapRoom(tx, {
      tenantId: b.ctx.tenantId, partnerId: b.partner.id, from: month.from, to: month.to, direction: b.direction, cap, points: b.points, entryId: b.entryId,
    });
    if (!counted) throw new Problem(409, b.direction === 'earn' ? 'partner_earn_cap_reached' : 'partner_redeem_cap_reached', { cap, points: b.points });
  }
  return outcome;
}

/**
 * Points a member earns at a partner: one `earn` entry, billed to the partner when its model is
 * at_earning (from partner_payable), else issued by the workspace. Keyed by the partner's
 * transaction id. Refused with nothing written: 404 (partner), 409 `partner_inactive`,
 * `partner_earn_cap_reached`, `external_id_conflict`.
 */
export async function earnAtPartner(tx: Executor, ctx: LedgerContext, partnerId: string, input: PartnerEarn, requestKey?: string): Promise<PartnerOutcome> {
  const key = transactionKey('earn', partnerId, input.externalId, requestKey);
  const partner = await repo.findPartner(tx, ctx.tenantId, partnerId, 'share');
  if (!partner) throw notFound();
  const { customerId, points } = input;
  await memberForWrite(tx, ctx, customerId, true);
  const same = (r: repo.PartnerEntryRow) => r.direction === 'earn' && r.partnerId === partnerId && r.customerId === customerId && r.points === points;
  const again = await replay(tx, ctx.tenantId, key, same);
  if (again) return again;
  if (!partner.active) throw new Problem(409, 'partner_inactive');
  const billed = partner.billingModel === 'at_earning';
  const postings: ledger.Posting[] = [
    { account: billed ? 'partner_payable' : 'issuance', customerId: null, amount: -points },
    { account: 'available', customerId, amount: points },
    { account: 'qualifying_issuance', customerId: null, amount: -points },
    { account: 'qualifying', customerId, amount: points },
  ];
  const reason = input.reason ?? null;
  const { entryId } = await ledger.bookEntry(tx, {
    entry: { tenantId: ctx.tenantId, kind: 'earn', idempotencyKey: key, customerId, externalId: input.externalId ?? null, reason, source: ctx.source, at: ctx.now },
    customerId, postings, lot: { amount: points, expiresAt: null, pendingUntil: null }, delta: { available: points, pending: 0, qualifying: points },
  });
  if (entryId === undefined) return (await replay(tx, ctx.tenantId, key, same))!;
  await publishEvents(tx, ctx.tenantId, [{
    topic: LOYALTY_EVENTS.earned,
    payload: { customerId, entryId, points, qualifyingPoints: points, expiresAt: null, pendingUntil: null, reason, externalId: input.externalId ?? null, partnerId },
  }]);
  return recordPartnerEntry(tx, { ctx, partner, offerId: null, customerId, direction: 'earn', points, billed, entryId });
}

/**
 * A member redeems a partner's offer: one `redeem` entry drawing the member's soonest-expiring
 * lots, to partner_payable when the partner's model is at_redemption (the workspace owes the
 * partner), else to redemptions. Only for members whose spend over the offer's window reaches its
 * threshold. Refused with nothing written: 404 (offer), 409 `partner_offer_unavailable`,
 * `partner_offer_locked`, `insufficient_points`, `partner_offer_out_of_stock`, `partner_redeem_cap_reached`,
 * `external_id_conflict`. A stocked offer seen with none left is refused before the member's
 * points are looked at; the stock itself is taken last (recordPartnerEntry), so concurrent
 * redemptions hold its row only from then to commit.
 */
export async function redeemPartnerOffer(tx: Executor, ctx: LedgerContext, offerId: string, input: PartnerRedeem, requestKey?: string): Promise<PartnerOutcome> {
  const offer = await repo.findOffer(tx, ctx.tenantId, offerId, 'share');
  if (!offer) throw notFound();
  const key = transactionKey('redeem', offer.partnerId, input.externalId, requestKey);
  const partner = (await repo.findPartner(tx, ctx.tenantId, offer.partnerId, 'share'))!;
  const { customerId } = input;
  const points = offer.pointsCost;
  const member = await memberForWrite(tx, ctx, customerId, false);
  const same = (r: repo.PartnerEntryRow) => r.direction === 'redeem' && r.offerId === offerId && r.customerId === customerId;
  const again = await replay(tx, ctx.tenantId, key, same);
  if (again) return again;
  if (!onOffer(offer, ctx.now) || !partner.active) throw new Problem(409, 'partner_offer_unavailable');
  if (offer.stockLeft === 0) throw new Problem(409, 'partner_offer_out_of_stock');
  const threshold = BigInt(offer.minSpendMinor);
  // An offer open to all asks nothing of the orders.
  if (threshold > 0n) {
    const { currency, irrDisplay } = await workspaceSettings(tx, ctx.tenantId);
    const spend = await repo.memberSpend(tx, ctx.tenantId, customerId, currency, new Date(ctx.now.getTime() - offer.spendWindowDays * DAY_MS));
    // Both amounts as money (bigint minor units, every digit kept), said in the reader's digits and the workspace's unit.
    if (spend < threshold) {
      throw new Problem(409, 'partner_offer_locked', {
        spend: { money: spend, currency, irrDisplay }, threshold: { money: threshold, currency, irrDisplay }, days: offer.spendWindowDays,
      });
    }
  }
  const lots = member ? await ledger.spendableLots(tx, ctx.tenantId, customerId, ctx.now) : [];
  const draws = drawSoonestExpiring(lots, points);
  if (!draws) throw new Problem(409, 'insufficient_points', { available: lots.reduce((sum, lot) => sum + lot.remaining, 0), points });
  const billed = partner.billingModel === 'at_redemption';
  const { entryId } = await ledger.bookEntry(tx, {
    entry: { tenantId: ctx.tenantId, kind: 'redeem', idempotencyKey: key, customerId, externalId: input.externalId ?? null, reason: null, source: ctx.source, at: ctx.now },
    customerId, draws,
    postings: [{ account: 'available', customerId, amount: -points }, { account: billed ? 'partner_payable' : 'redemptions', customerId: null, amount: points }],
    delta: { available: -points, pending: 0, qualifying: 0 },
  });
  if (entryId === undefined) return (await replay(tx, ctx.tenantId, key, same))!;
  await publishEvents(tx, ctx.tenantId, [{
    topic: LOYALTY_EVENTS.redeemed, payload: { customerId, entryId, points, reason: null, externalId: input.externalId ?? null, partnerId: partner.id, offerId },
  }]);
  return recordPartnerEntry(tx, { ctx, partner, offerId, customerId, direction: 'redeem', points, billed, entryId }, offer.stockLeft !== null);
}

// ---- settlement ------------------------------------------------------------------------------------

/** Per partner, for a calendar month of the workspace: what each side owes, in points and money, and the partner's postings to partner_payable. */
export async function settlementReport(db: Executor, tenantId: string, query: SettlementQuery, now: Date): Promise<SettlementReport> {
  const settings = await workspaceSettings(db, tenantId);
  const month = monthOf(settings.calendar, settings.timeZone, now, query.period);
  const [partners, lines] = [await repo.listPartners(db, tenantId), await repo.settlement(db, tenantId, month.from, month.to)];
  const items = partners
    .filter((p) => lines.has(p.id) || p.active)
    .map((p) => {
      const l = lines.get(p.id);
      const partnerOwesMinor = l?.partnerOwesMinor ?? 0n;
      const workspaceOwesMinor = l?.workspaceOwesMinor ?? 0n;
      return {
        partnerId: p.id, partnerName: p.name as PartnerView['name'], billingModel: p.billingModel as PartnerView['billingModel'],
        earnedPoints: l?.earnedPoints ?? 0, redeemedPoints: l?.redeemedPoints ?? 0,
        partnerOwesPoints: l?.partnerOwesPoints ?? 0, partnerOwesMinor: partnerOwesMinor.toString(),
        workspaceOwesPoints: l?.workspaceOwesPoints ?? 0, workspaceOwesMinor: workspaceOwesMinor.toString(),
        netMinor: (workspaceOwesMinor - partnerOwesMinor).toString(), ledgerPoints: l?.ledgerPoints ?? 0,
        corrections: {
          count: l?.corrections.count ?? 0, partnerOwesPoints: l?.corrections.partnerOwesPoints ?? 0, partnerOwesMinor: (l?.corrections.partnerOwesMinor ?? 0n).toString(),
          workspaceOwesPoints: l?.corrections.workspaceOwesPoints ?? 0, workspaceOwesMinor: (l?.corrections.workspaceOwesMinor ?? 0n).toString(),
        },
        cancellations: { count: l?.cancellations.count ?? 0, points: l?.cancellations.points ?? 0, minor: (l?.cancellations.minor ?? 0n).toString() },
      };
    });
  return { calendar: month.calendar, period: periodName(month), from: month.from.toISOString(), to: month.to.toISOString(), currency: settings.currency, items };
}

// ---- corrections -------------------------------------------------------------------------------------

function presentCorrection(row: repo.PartnerCorrectionRow): PartnerCorrectionView {
  return {
    entryId: row.entryId, partnerId: row.partnerId, side: row.side as PartnerCorrectionView['side'], points: row.points, pricePerPointMinor: row.pricePerPointMinor,
    amountMinor: row.amountMinor, currency: row.currency, reason: row.reason, source: row.source, createdAt: row.createdAt.toISOString(),
  };
}

export async function listCorrections(db: Executor, tenantId: string, partnerId: string): Promise<PartnerCorrectionList> {
  if (!(await repo.findPartner(db, tenantId, partnerId))) throw notFound();
  return { items: (await repo.listCorrections(db, tenantId, partnerId)).map(presentCorrection) };
}

/**
 * Staff correct what one side owes for a partner (a bill disputed, a transaction billed twice):
 * one `adjust` entry with no member, partner_payable against issuance (what the partner owes:
 * the workspace issues those points itself, or the partner funds more) or redemptions (what the
 * workspace owes: the redemption is the workspace's own cost, or the partner's), priced at the
 * partner's price today, with the reason, audited. Under the partner's row lock, so two
 * corrections take turns; what a side owes over all time never goes below zero (409
 * `partner_correction_exceeds_owed`). `points` 0: 422 `partner_correction_zero`.
 */
export async function correctPartnerPayable(
  tx: Executor, ctx: LedgerContext, actor: Actor | null, partnerId: string, input: CorrectPartnerPayable, requestKey?: string,
): Promise<PartnerCorrectionView> {
  if (input.points === 0) throw invalidField('points', 'partner_correction_zero');
  const partner = await repo.findPartner(tx, ctx.tenantId, partnerId, 'update');
  if (!partner) throw notFound();
  const owed = await repo.owedAllTime(tx, ctx.tenantId, partnerId);
  const before = input.side === 'partner_owes' ? owed.partnerOwes : owed.workspaceOwes;
  if (before + input.points < 0) throw new Problem(409, 'partner_correction_exceeds_owed', { owed: before, points: -input.points });
  const settings = await workspaceSettings(tx, ctx.tenantId);
  const price = partner.pricePerPointMinor.toString();
  const amountMinor = (BigInt(input.points) * BigInt(price)).toString();
  const entryId = await repo.bookCorrection(tx, {
    tenantId: ctx.tenantId, idempotencyKey: `partner-correction:${requestKey ?? randomUUID()}`, partnerId, side: input.side, points: input.points,
    // partner_payable's balance is what the workspace owes less what the partner owes.
    payable: input.side === 'partner_owes' ? -input.points : input.points, counter: input.side === 'partner_owes' ? 'issuance' : 'redemptions',
    pricePerPointMinor: price, amountMinor, currency: settings.currency, reason: input.reason, source: ctx.source, at: ctx.now,
  });
  if (entryId === undefined) throw new Problem(409, 'external_id_conflict');
  await recordAudit(tx, ctx.tenantId, actor, {
    action: 'loyalty.partner_payable.corrected', targetType: 'loyalty_partner', targetId: partnerId,
    details: { entryId, side: input.side, points: input.points, amountMinor, pricePerPointMinor: price, reason: input.reason },
  });
  return presentCorrection((await repo.listCorrections(tx, ctx.tenantId, partnerId, entryId))[0]!);
}

// What we owe (points billed to us, the money) is already net of the redemptions cancelled, as in
// the report; the three cancellation columns say how much of it they took off.
const CSV_LABELS = {
  en: [
    'Partner', 'Billing', 'Points earned', 'Points redeemed', 'Points billed to partner', 'Partner owes', 'Points billed to us', 'We owe',
    'Redemptions cancelled', 'Points cancelled', 'Cancelled (off what we owe)', 'Net (we pay)', 'Currency', 'Period',
  ],
  fa: [
    'شریک', 'صورتحساب', 'امتیاز کسب‌شده', 'امتیاز خرج‌شده', 'امتیاز به حساب شریک', 'بدهی شریک', 'امتیاز به حساب ما', 'بدهی ما',
    'خرج‌های لغوشده', 'امتیاز لغوشده', 'لغوشده (کم‌شده از بدهی ما)', 'خالص (پرداخت ما)', 'ارز', 'دوره',
  ],
  ar: [
    'الشريك', 'الفوترة', 'النقاط المكتسبة', 'النقاط المستبدلة', 'نقاط على حساب الشريك', 'مستحق على الشريك', 'نقاط على حسابنا', 'مستحق علينا',
    'الاستبدالات الملغاة', 'النقاط الملغاة', 'الملغى (مخصوم مما علينا)', 'الصافي (ندفعه)', 'العملة', 'الفترة',
  ],
} as const;
const BILLING_LABELS = {
  en: { at_earning: 'at earning', at_redemption: 'at redemption' },
  fa: { at_earning: 'هنگام کسب', at_redemption: 'هنگام خرج' },
  ar: { at_earning: 'عند الكسب', at_redemption: 'عند الاستبدال' },
} as const;

/** The report as CSV (UTF-8 with BOM), headers and billing models in the language asked, names in it where given. */
export function settlementCsv(report: SettlementReport, lang: 'fa' | 'ar' | 'en'): Readable {
  const nameIn = (n: PartnerView['name']) => n[lang] ?? n.fa ?? n.ar ?? n.en ?? '';
  return csvStream(CSV_LABELS[lang], report.items.map((i) => [
    nameIn(i.partnerName), BILLING_LABELS[lang][i.billingModel], i.earnedPoints, i.redeemedPoints, i.partnerOwesPoints, i.partnerOwesMinor,
    i.workspaceOwesPoints, i.workspaceOwesMinor, i.cancellations.count, i.cancellations.points, i.cancellations.minor, i.netMinor,
    report.currency, `${report.calendar} ${report.period}`,
  ]));
}
