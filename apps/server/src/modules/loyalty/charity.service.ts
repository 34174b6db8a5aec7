import { randomUUID } from 'node:crypto';
import type { CharityView, CreateCharity, CreateDonation, DonationView, LoyaltyLocalName, UpdateCharity } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { publishEvents } from '../../platform/events/outbox.ts';
import type { Actor } from '../../platform/http/access.ts';
import { Problem, invalidField, notFound } from '../../platform/http/problem.ts';
import { recordAudit, workspaceSettings } from '../workspace/index.ts';
import * as repo from './charity.repo.ts';
import * as ledger from './ledger.repo.ts';
import { memberForWrite, type LedgerContext } from './ledger.service.ts';
import { drawSoonestExpiring } from './lot-draws.ts';

// The values program: members give points to a listed charity. A donation is a `donate` entry
// (member available → the workspace's charity_payable, lots drawn soonest-expiring first) and a
// donation row saying to which charity, what the points are worth in money at the charity's rate
// of the day, and its receipt number.

export const DONATION_EVENT = 'loyalty.points_donated';

const noTotals = (): repo.Totals => ({ donations: 0, points: 0, amountMinor: 0 });
const cleanName = (name: LoyaltyLocalName) => Object.fromEntries(Object.entries(name).filter(([, v]) => v !== undefined));

function presentCharity(row: repo.CharityRow, currency: string, totals: repo.Totals): CharityView {
  return {
    id: row.id, name: row.name as LoyaltyLocalName, registration: row.registration, ratePoints: row.ratePoints, rateMinor: row.rateMinor, currency,
    active: row.active, archived: row.archivedAt !== null, totals, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString(),
  };
}

/** A receipt's number as printed: D-000042. */
export const receiptNumber = (seq: number) => `D-${String(seq).padStart(6, '0')}`;

function presentDonation(row: repo.DonationWithNames, workspaceName: string): DonationView {
  return {
    id: row.id, receiptNumber: receiptNumber(row.receiptSeq), charityId: row.charityId, charityName: row.charityName as LoyaltyLocalName,
    charityRegistration: row.charityRegistration, customerId: row.customerId, customerName: row.customerName, workspaceName,
    points: row.points, amountMinor: row.amountMinor, currency: row.currency.trim(), ratePoints: row.ratePoints, rateMinor: row.rateMinor,
    entryId: row.entryId, createdAt: row.createdAt.toISOString(),
  };
}

export async function createCharity(tx: Executor, tenantId: string, actor: Actor | null, input: CreateCharity, now: Date): Promise<CharityView> {
  const row = await repo.insertCharity(tx, {
    tenantId, id: randomUUID(), name: cleanName(input.name), registration: input.registration ?? null, ratePoints: input.ratePoints, rateMinor: input.rateMinor,
    active: input.active ?? true, createdAt: now, updatedAt: now,
  });
  await recordAudit(tx, tenantId, actor, { action: 'loyalty.charity.created', targetType: 'loyalty_charity', targetId: row.id, details: { ratePoints: row.ratePoints, rateMinor: row.rateMinor } });
  return presentCharity(row, (await workspaceSettings(tx, tenantId)).currency, noTotals());
}

export async function listCharities(db: Executor, tenantId: string): Promise<CharityView[]> {
  const [rows, totals, settings] = [await repo.listCharities(db, tenantId), await repo.charityTotals(db, tenantId), await workspaceSettings(db, tenantId)];
  return rows.map((r) => presentCharity(r, settings.currency, totals.get(r.id) ?? noTotals()));
}

export async function getCharity(db: Executor, tenantId: string, id: string): Promise<CharityView> {
  const row = await repo.findCharity(db, tenantId, id);
  if (!row) throw notFound();
  const totals = await repo.charityTotals(db, tenantId, id);
  return presentCharity(row, (await workspaceSettings(db, tenantId)).currency, totals.get(id) ?? noTotals());
}

/** Changes a charity; a new rate applies to donations from now on (each donation keeps the rate it was made at). */
export async function updateCharity(tx: Executor, tenantId: string, actor: Actor | null, id: string, input: UpdateCharity, now: Date): Promise<CharityView> {
  const row = await repo.findCharity(tx, tenantId, id, true);
  if (!row) throw notFound();
  if (row.archivedAt) throw new Problem(409, 'charity_archived');
  const patch: Partial<repo.NewCharity> = { updatedAt: now };
  if (input.name !== undefined) patch.name = cleanName(input.name);
  if (input.registration !== undefined) patch.registration = input.registration;
  if (input.ratePoints !== undefined) patch.ratePoints = input.ratePoints;
  if (input.rateMinor !== undefined) patch.rateMinor = input.rateMinor;
  if (input.active !== undefined) patch.active = input.active;
  await repo.updateCharity(tx, tenantId, id, patch);
  await recordAudit(tx, tenantId, actor, { action: 'loyalty.charity.updated', targetType: 'loyalty_charity', targetId: id, details: { fields: Object.keys(input) } });
  return getCharity(tx, tenantId, id);
}

export async function archiveCharity(tx: Executor, tenantId: string, actor: Actor | null, id: string, now: Date): Promise<void> {
  const row = await repo.findCharity(tx, tenantId, id, true);
  if (!row) throw notFound();
  if (row.archivedAt) return;
  await repo.updateCharity(tx, tenantId, id, { archivedAt: now, active: false, updatedAt: now });
  await recordAudit(tx, tenantId, actor, { action: 'loyalty.charity.archived', targetType: 'loyalty_charity', targetId: id });
}

/**
 * Money for points at a rate, in minor units, rounded down (the member never gives more than
 * their points are worth), in integer arithmetic; null past what a JSON number holds exactly.
 */
export function pointsToMinor(points: number, ratePoints: number, rateMinor: number): number | null {
  const minor = (BigInt(points) * BigInt(rateMinor)) / BigInt(ratePoints);
  return minor > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(minor);
}

function donationKey(externalId: string | undefined, requestKey: string | undefined): string {
  if (externalId !== undefined) return `donate:ext:${externalId}`;
  if (requestKey !== undefined) return `donate:req:${requestKey}`;
  throw new Problem(400, 'idempotency_key_required');
}

export interface DonationOutcome {
  created: boolean;
  donation: DonationView;
}

async function donationOfEntry(db: Executor, tenantId: string, entryId: number): Promise<DonationView> {
  const [row] = await repo.findDonations(db, tenantId, { entryId }, 1);
  if (!row) throw new Error(`donate entry ${entryId} has no donation`);
  return presentDonation(row, (await workspaceSettings(db, tenantId)).name);
}

async function replayDonation(db: Executor, tenantId: string, key: string, input: CreateDonation): Promise<DonationOutcome> {
  const entry = await ledger.findEntryByKey(db, tenantId, key);
  if (!entry) throw new Error(`donation key ${key} was taken but its entry is not visible`);
  const first = await donationOfEntry(db, tenantId, entry.id);
  if (first.customerId !== input.customerId || first.charityId !== input.charityId || first.points !== input.points) throw new Problem(409, 'external_id_conflict');
  return { created: false, donation: first };
}

/**
 * A member gives points to a charity: drawn soonest-expiring first, worth the charity's rate in
 * the workspace currency, with the next receipt number. Refused with nothing written: 409
 * `insufficient_points`, `charity_unavailable`; 422 `charity_not_found`, `donation_too_small`
 * (worth less than one minor unit).
 */
export async function donatePoints(tx: Executor, ctx: LedgerContext, input: CreateDonation, requestKey?: string): Promise<DonationOutcome> {
  const key = donationKey(input.externalId, requestKey);
  const { customerId } = input;
  const member = await memberForWrite(tx, ctx, customerId, false);
  if (await ledger.findEntryByKey(tx, ctx.tenantId, key)) return replayDonation(tx, ctx.tenantId, key, input);
  const charity = await repo.findCharity(tx, ctx.tenantId, input.charityId);
  if (!charity) throw invalidField('charityId', 'charity_not_found');
  if (!charity.active || charity.archivedAt) throw new Problem(409, 'charity_unavailable');
  const amountMinor = pointsToMinor(input.points, charity.ratePoints, charity.rateMinor);
  if (amountMinor === null) throw invalidField('points', 'donation_too_large');
  if (amountMinor < 1) throw invalidField('points', 'donation_too_small', { points: Math.ceil(charity.ratePoints / charity.rateMinor) });
  const lots = member ? await ledger.spendableLots(tx, ctx.tenantId, customerId, ctx.now) : [];
  const draws = drawSoonestExpiring(lots, input.points);
  if (!draws) throw new Problem(409, 'insufficient_points', { available: lots.reduce((sum, lot) => sum + lot.remaining, 0), points: input.points });

  const { entryId } = await ledger.bookEntry(tx, {
    entry: { tenantId: ctx.tenantId, kind: 'donate', idempotencyKey: key, customerId, externalId: input.externalId ?? null, reason: null, source: ctx.source, at: ctx.now },
    customerId,
    postings: [{ account: 'available', customerId, amount: -input.points }, { account: 'charity_payable', customerId: null, amount: input.points }],
    draws,
    delta: { available: -input.points, pending: 0, qualifying: 0 },
  });
  // The same key taken for another member meanwhile: its answer.
  if (entryId === undefined) return replayDonation(tx, ctx.tenantId, key, input);
  const settings = await workspaceSettings(tx, ctx.tenantId);
  const donation = await repo.insertDonation(tx, {
    tenantId: ctx.tenantId, id: randomUUID(), charityId: charity.id, customerId, entryId, points: input.points, amountMinor, currency: settings.currency,
    ratePoints: charity.ratePoints, rateMinor: charity.rateMinor, receiptSeq: await repo.nextReceipt(tx, ctx.tenantId), source: ctx.source, createdAt: ctx.now,
  });
  await publishEvents(tx, ctx.tenantId, [{
    topic: DONATION_EVENT,
    payload: { customerId, entryId, donationId: donation.id, charityId: charity.id, points: input.points, amountMinor, currency: settings.currency, receiptNumber: receiptNumber(donation.receiptSeq) },
  }]);
  return { created: true, donation: await donationOfEntry(tx, ctx.tenantId, entryId) };
}

export async function getDonation(db: Executor, tenantId: string, id: string): Promise<DonationView> {
  const [row] = await repo.findDonations(db, tenantId, { id }, 1);
  if (!row) throw notFound();
  return presentDonation(row, (await workspaceSettings(db, tenantId)).name);
}

export async function listDonations(db: Executor, tenantId: string, filter: { charityId?: string; customerId?: string; limit: number }): Promise<DonationView[]> {
  const rows = await repo.findDonations(db, tenantId, filter, filter.limit);
  const { name } = await workspaceSettings(db, tenantId);
  return rows.map((r) => presentDonation(r, name));
}
