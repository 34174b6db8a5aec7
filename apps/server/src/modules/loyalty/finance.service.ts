import type { LoyaltyFinanceReport, LoyaltyFinanceSettingsView, LoyaltyPeriodQuery, LoyaltyPointValue, UpdateLoyaltyFinanceSettings } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { toIsoDate, type CalendarId } from '../../platform/i18n/calendar.ts';
import type { Actor } from '../../platform/http/access.ts';
import { Problem } from '../../platform/http/problem.ts';
import { recordAudit, workspaceSettings } from '../workspace/index.ts';
import { startOfLocalDay } from './earn-rules.ts';
import * as repo from './finance.repo.ts';

// The finance report (issue 12, "Finance sees the points liability, breakage, and what is owed to
// partners and charities, and every number reconciles to the ledger").
//
// Definitions, each a sum of postings (see the help text of the finance screen):
// - liability: what members hold at the period's end (or now, for a period not over): their
//   available, pending and held accounts. Pending points are owed too (they become spendable unless
//   the order is returned), and held points stay the member's until a checkout captures them.
// - issued: points the issuance account gave members in the period (its debits); returned: points
//   it took back (returns and reversed earns, its credits); netIssued = issued - returned.
// - redeemed: the redemptions account's net movement (redemptions and captures less reversed ones);
//   expired: the breakage account's; donated: charity_payable's; writtenOff: what the write_off
//   account took (returns of points already spent, where the program allows no negative balance).
// - owedByMembers: the members' owed accounts (a negative balance the program allows), a debt to
//   the business, shown beside the liability and not netted against it.
// - breakage rate = expired / netIssued and redemption rate = redeemed / netIssued, both flows of
//   the same period. They are period ratios, not cohort ones: points expiring this quarter were
//   mostly issued in earlier ones, so a quarter can exceed 100%. A cohort rate (what share of the
//   points issued in a period ever expire) is only known once every lot of the cohort is settled
//   and needs the expected-breakage estimate IFRS 15 asks for; the period ratio is the one that
//   reconciles exactly to the postings of the period, which is what finance checks the ledger by.
//   netIssued is the denominator because returned points were never the members' to spend or let
//   lapse; donations are not redemptions here: they are owed to the charities and shown apart.

/** The instants a period of the workspace calendar begins and ends, in its time zone. */
export function periodSpan(query: Pick<LoyaltyPeriodQuery, 'period' | 'year' | 'index'>, calendar: CalendarId, timeZone: string): { from: Date; to: Date } {
  const firstMonth = query.period === 'year' ? 1 : query.period === 'quarter' ? (query.index! - 1) * 3 + 1 : query.index!;
  const months = query.period === 'year' ? 12 : query.period === 'quarter' ? 3 : 1;
  const endMonth = firstMonth + months; // 13: the first month of the next year
  const start = toIsoDate({ calendar, year: query.year, month: firstMonth, day: 1 });
  const end = toIsoDate({ calendar, year: endMonth > 12 ? query.year + 1 : query.year, month: endMonth > 12 ? 1 : endMonth, day: 1 });
  if (!start || !end) throw new Problem(400, 'validation_failed', {}, [{ field: 'year', code: 'out_of_range', message: 'no such period in the calendar' }]);
  return { from: startOfLocalDay(start, timeZone), to: startOfLocalDay(end, timeZone) };
}

/** A sum from SQL (text) as a number; a figure past 2^53 points is refused rather than rounded. */
function points(text: string | undefined): number {
  const n = Number(text ?? 0);
  if (!Number.isSafeInteger(n)) throw new Error(`a points figure past 2^53: ${text}`);
  return n;
}

/** Divides exactly, rounding half away from zero. */
function divideRounded(numerator: bigint, denominator: bigint): bigint {
  const magnitude = ((numerator < 0n ? -numerator : numerator) * 2n + denominator) / (2n * denominator);
  return numerator < 0n ? -magnitude : magnitude;
}

/** points × minor / per, in minor units, rounded half away from zero, exactly (BigInt). */
export function pointsToMinorExact(total: bigint, value: LoyaltyPointValue): string {
  return String(divideRounded(total * BigInt(value.minor), BigInt(value.points)));
}

/** A ratio in basis points (1/100 of a percent), rounded half away from zero; null when there is nothing to divide by. */
export function basisPoints(numerator: number, denominator: number): number | null {
  if (denominator <= 0) return null;
  return Number(divideRounded(BigInt(numerator) * 10_000n, BigInt(denominator)));
}

/** -x without a -0 (which is not 0 to a strict comparison). */
const negated = (x: number) => (x === 0 ? 0 : -x);

const pointValueOf = (row: repo.FinanceSettingsRow | undefined): LoyaltyPointValue | null =>
  row && row.pointValuePoints !== null && row.pointValueMinor !== null ? { points: row.pointValuePoints, minor: row.pointValueMinor } : null;

export async function getFinanceSettings(db: Executor, tenantId: string): Promise<LoyaltyFinanceSettingsView> {
  const [row, workspace] = await Promise.all([repo.findFinanceSettings(db, tenantId), workspaceSettings(db, tenantId)]);
  return { pointValue: pointValueOf(row), currency: workspace.currency, updatedAt: row?.updatedAt.toISOString() ?? null };
}

export async function putFinanceSettings(tx: Executor, tenantId: string, actor: Actor, input: UpdateLoyaltyFinanceSettings, now: Date): Promise<LoyaltyFinanceSettingsView> {
  await repo.saveFinanceSettings(tx, tenantId, input.pointValue, `${actor.kind}:${actor.id}`, now);
  await recordAudit(tx, tenantId, actor, { action: 'loyalty_finance_settings.changed', targetType: 'workspace', targetId: tenantId, details: { pointValue: input.pointValue } });
  return getFinanceSettings(tx, tenantId);
}

export async function financeReport(db: Executor, tenantId: string, query: LoyaltyPeriodQuery, now: Date): Promise<LoyaltyFinanceReport> {
  const workspace = await workspaceSettings(db, tenantId);
  const calendar = workspace.calendar as CalendarId;
  const { from, to } = periodSpan(query, calendar, workspace.timeZone);
  const asOf = to.getTime() < now.getTime() ? to : now;
  const [settings, balances, flows, tiers, distribution, movements, donations] = await Promise.all([
    repo.findFinanceSettings(db, tenantId),
    repo.balancesByKind(db, tenantId, asOf, asOf === now),
    repo.systemFlows(db, tenantId, from, to),
    repo.programTiers(db, tenantId),
    repo.tierDistribution(db, tenantId, asOf),
    repo.tierMovements(db, tenantId, from, to),
    repo.donationsByCharity(db, tenantId, asOf),
  ]);
  const pointValue = pointValueOf(settings);
  const money = (total: number) => (pointValue ? pointsToMinorExact(BigInt(total), pointValue) : null);

  const available = points(balances.get('available'));
  const pending = points(balances.get('pending'));
  const held = points(balances.get('held'));
  const liabilityPoints = available + pending + held;

  const flow = (kind: string) => flows.find((f) => f.kind === kind);
  const net = (kind: string) => points(flow(kind)?.credits) - points(flow(kind)?.debits);
  const issued = points(flow('issuance')?.debits);
  const returned = points(flow('issuance')?.credits);
  const netIssued = issued - returned;
  const redeemed = net('redemptions');
  const expired = net('breakage');
  const donated = net('charity_payable');

  const programs = new Map<string, LoyaltyFinanceReport['tiers'][number]>();
  for (const tier of tiers) {
    const program = programs.get(tier.programId) ?? { programId: tier.programId, programName: tier.programName, distribution: [], upgrades: 0, downgrades: 0, movements: [] };
    program.distribution.push({ tierId: tier.tierId, name: tier.name, members: distribution.find((d) => d.programId === tier.programId && d.tierId === tier.tierId)?.members ?? 0 });
    programs.set(tier.programId, program);
  }
  for (const move of movements) {
    const program = programs.get(move.programId);
    if (!program) continue;
    if (move.reason === 'upgrade') program.upgrades += move.count;
    else program.downgrades += move.count;
    const same = program.movements.find((m) => m.fromTierId === move.fromTierId && m.toTierId === move.toTierId);
    if (same) same.count += move.count;
    else program.movements.push({ fromTierId: move.fromTierId, toTierId: move.toTierId, count: move.count });
  }

  const charityPoints = points(balances.get('charity_payable'));
  const partnerPoints = points(balances.get('partner_payable'));
  return {
    period: {
      kind: query.period, calendar, year: query.year, index: query.index ?? null, timeZone: workspace.timeZone,
      from: from.toISOString(), to: to.toISOString(), asOf: asOf.toISOString(),
    },
    currency: workspace.currency,
    pointValue,
    liability: { available, pending, held, points: liabilityPoints, minor: money(liabilityPoints), owedByMembers: negated(points(balances.get('owed'))) },
    flows: { issued, returned, netIssued, redeemed, expired, donated, writtenOff: negated(net('write_off')) },
    breakageRate: { numerator: expired, denominator: netIssued, basisPoints: basisPoints(expired, netIssued) },
    redemptionRate: { numerator: redeemed, denominator: netIssued, basisPoints: basisPoints(redeemed, netIssued) },
    tiers: [...programs.values()],
    payables: {
      charity: {
        points: charityPoints,
        minor: String(donations.reduce((sum, d) => sum + BigInt(d.minor), 0n)),
        byCharity: donations.map((d) => ({ charityId: d.charityId, name: d.name, points: points(d.points), minor: d.minor })),
      },
      partner: { points: partnerPoints, minor: money(partnerPoints) },
    },
  };
}
