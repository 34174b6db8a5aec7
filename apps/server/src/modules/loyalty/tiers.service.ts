import { and, asc, desc, eq, isNotNull, lt, lte, or, sql } from 'drizzle-orm';
import {
  LoyaltyTierSettings, type CreateLoyaltyTier, type LoyaltyMemberTierView, type LoyaltyTierList, type LoyaltyTierView, type UpdateLoyaltyTier,
} from '@vafa/contracts';
import type { Database, Executor } from '../../platform/db/connect.ts';
import { publishEvents } from '../../platform/events/outbox.ts';
import type { Actor } from '../../platform/http/access.ts';
import { Problem, notFound } from '../../platform/http/problem.ts';
import { recordAudit, workspaceSettings } from '../workspace/index.ts';
import * as ledger from './ledger.repo.ts';
import type { LedgerContext } from './ledger.service.ts';
import { loyaltyPrograms } from './program.schema.ts';
import { localIsoDay } from './earn-rules.ts';
import { addDays, currentWindow, lastBoundary, periodEndingAt } from './tier-windows.ts';
import { loyaltyMemberTiers, loyaltyTierChanges, loyaltyTierSettings, loyaltyTiers } from './tiers.schema.ts';

// A program's tiers. Upgrades happen at once, in the transaction of the earn that crosses a
// threshold and under the member's lock (upgradeAfterEarn, called by earning.service.ts), so 20
// concurrent orders crossing it upgrade once and the next order already earns at the new tier's
// multiplier. Downgrades happen only at the re-evaluation after each qualification period
// (reevaluateTiers), by the program's policy, after its grace period. Every change is a row of
// loyalty_tier_changes (insert only, keyed so a second run changes nothing) and a
// `loyalty.tier_changed` event.

export const TIER_CHANGED = 'loyalty.tier_changed';

/** Until a program's tier settings are written: qualifying points over the last 365 days, one step down. */
const DEFAULT_SETTINGS: LoyaltyTierSettings = { basis: 'qualifying_points', window: { kind: 'rolling', days: 365 }, downgrade: 'one_step', graceDays: 0 };

type TierRow = typeof loyaltyTiers.$inferSelect;
type MemberTierRow = typeof loyaltyMemberTiers.$inferSelect;
type SettingsRow = typeof loyaltyTierSettings.$inferSelect;

const settingsOf = (row: SettingsRow): LoyaltyTierSettings =>
  LoyaltyTierSettings.parse({ basis: row.basis, window: row.window, downgrade: row.downgrade, graceDays: row.graceDays });

function presentTier(row: TierRow, rank: number): LoyaltyTierView {
  return {
    id: row.id, programId: row.programId, rank, name: row.name as LoyaltyTierView['name'], threshold: row.threshold, multiplierPercent: row.multiplierPercent,
    createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString(),
  };
}

/** The program's tiers, lowest threshold first. */
async function tiersOf(db: Executor, tenantId: string, programId: string): Promise<TierRow[]> {
  return db.select().from(loyaltyTiers).where(and(eq(loyaltyTiers.tenantId, tenantId), eq(loyaltyTiers.programId, programId))).orderBy(asc(loyaltyTiers.threshold));
}

async function settingsRow(db: Executor, tenantId: string, programId: string): Promise<SettingsRow | undefined> {
  const [row] = await db.select().from(loyaltyTierSettings).where(and(eq(loyaltyTierSettings.tenantId, tenantId), eq(loyaltyTierSettings.programId, programId)));
  return row;
}

async function requireProgram(db: Executor, tenantId: string, programId: string, lock = false): Promise<void> {
  const query = db.select({ id: loyaltyPrograms.id }).from(loyaltyPrograms).where(and(eq(loyaltyPrograms.tenantId, tenantId), eq(loyaltyPrograms.id, programId)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw notFound();
}

/** The highest tier whose threshold the value reaches (index into the ordered tiers), or -1. */
const qualifiedIndex = (tiers: TierRow[], value: number) => tiers.reduce((best, t, i) => (value >= t.threshold ? i : best), -1);
const indexOf = (tiers: TierRow[], id: string | null) => (id === null ? -1 : tiers.findIndex((t) => t.id === id));

// ---- measuring -------------------------------------------------------------------------------

/** A span of instants; `to` null: no end. */
export interface OpenSpan {
  from: Date;
  to: Date | null;
}

/**
 * What the member has in the span by the basis: qualifying points the program's earns and returns
 * moved on the member's qualifying account (the ledger's own unit), the spend of the program's
 * orders less what was returned (minor units), or the orders not returned in full.
 */
export async function measure(db: Executor, tenantId: string, programId: string, customerId: string, basis: LoyaltyTierSettings['basis'], span: OpenSpan, timeZone: string): Promise<number> {
  const from = span.from.toISOString();
  const to = span.to?.toISOString() ?? null;
  // The member and the records merged into it: a merge moves their points, their history stays theirs (member-merge.service.ts).
  const holders = sql`(SELECT ${customerId}::uuid UNION ALL SELECT customer_id FROM loyalty_members WHERE tenant_id = ${tenantId} AND merged_into = ${customerId})`;
  if (basis === 'qualifying_points') {
    const { rows: [row] } = await db.execute<{ total: string }>(sql`
      SELECT coalesce(sum(p.amount), 0) AS total FROM loyalty_entries e
      JOIN loyalty_postings p ON p.tenant_id = e.tenant_id AND p.entry_id = e.id
      JOIN loyalty_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id AND a.kind = 'qualifying' AND a.customer_id = e.customer_id
      WHERE e.tenant_id = ${tenantId} AND e.customer_id IN ${holders}
        AND e.created_at >= ${from}::timestamptz AND (${to}::timestamptz IS NULL OR e.created_at < ${to}::timestamptz)
        AND (e.idempotency_key LIKE ${`earn:program:${programId}:%`} OR e.idempotency_key LIKE ${`return:program:${programId}:%`})`);
    return Math.max(0, Number(row?.total ?? 0));
  }
  // The awards' member-and-day index finds the program's orders of the member; the instants decide.
  const fromDay = localIsoDay(span.from, timeZone);
  const toDay = span.to ? localIsoDay(span.to, timeZone) : null;
  const where = sql`w.tenant_id = ${tenantId} AND w.program_id = ${programId} AND w.customer_id IN ${holders} AND w.source_key LIKE 'order:%'
    AND w.day >= ${fromDay}::date AND (${toDay}::date IS NULL OR w.day <= ${toDay}::date)
    AND w.created_at >= ${from}::timestamptz AND (${to}::timestamptz IS NULL OR w.created_at < ${to}::timestamptz)`;
  const orders = sql`loyalty_awards w JOIN loyalty_orders o ON o.tenant_id = w.tenant_id AND o.program_id = w.program_id AND o.external_id = substr(w.source_key, 7)`;
  const { rows: [row] } = await db.execute<{ total: string }>(basis === 'spend'
    ? sql`SELECT coalesce(sum((l->>'amount')::numeric - coalesce((l->>'returned')::numeric, 0)), 0) AS total
          FROM ${orders} CROSS JOIN LATERAL jsonb_array_elements(o.lines) l WHERE ${where}`
    : sql`SELECT count(*) AS total FROM ${orders} WHERE ${where}
          AND EXISTS (SELECT 1 FROM jsonb_array_elements(o.lines) l WHERE coalesce((l->>'returned')::numeric, 0) < (l->>'amount')::numeric)`);
  return Number(row?.total ?? 0);
}

// ---- tiers and settings (managers) -------------------------------------------------------------

export async function listTiers(db: Executor, tenantId: string, programId: string): Promise<LoyaltyTierList> {
  await requireProgram(db, tenantId, programId);
  const [row, tiers] = [await settingsRow(db, tenantId, programId), await tiersOf(db, tenantId, programId)];
  return { settings: row ? settingsOf(row) : null, items: tiers.map((t, i) => presentTier(t, i + 1)) };
}

export async function putTierSettings(tx: Executor, tenantId: string, actor: Actor, programId: string, input: LoyaltyTierSettings, now: Date): Promise<LoyaltyTierList> {
  await requireProgram(tx, tenantId, programId, true);
  const values = { basis: input.basis, window: input.window, downgrade: input.downgrade, graceDays: input.graceDays, updatedAt: now };
  await tx.insert(loyaltyTierSettings).values({ tenantId, programId, ...values, createdAt: now })
    .onConflictDoUpdate({ target: [loyaltyTierSettings.tenantId, loyaltyTierSettings.programId], set: values });
  await recordAudit(tx, tenantId, actor, { action: 'loyalty_tier_settings.changed', targetType: 'loyalty_program', targetId: programId, details: { ...input } });
  return listTiers(tx, tenantId, programId);
}

function thresholdTaken(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string; constraint?: string } }).cause ?? (error as { code?: string; constraint?: string });
  return cause?.code === '23505' && cause.constraint === 'loyalty_tiers_threshold_key';
}

/** Inserts or updates under a savepoint, so a threshold already taken is a 409, not an aborted transaction. */
async function withThreshold<T>(tx: Executor, threshold: number | undefined, write: (tx: Executor) => Promise<T>): Promise<T> {
  try {
    return await tx.transaction(write);
  } catch (error) {
    if (thresholdTaken(error)) throw new Problem(409, 'tier_threshold_taken', { threshold: threshold ?? '' });
    throw error;
  }
}

async function presentOne(db: Executor, tenantId: string, programId: string, id: string): Promise<LoyaltyTierView> {
  const tiers = await tiersOf(db, tenantId, programId);
  const i = tiers.findIndex((t) => t.id === id);
  return presentTier(tiers[i]!, i + 1);
}

export async function createTier(tx: Executor, tenantId: string, actor: Actor, programId: string, input: CreateLoyaltyTier, now: Date): Promise<LoyaltyTierView> {
  await requireProgram(tx, tenantId, programId, true);
  const [row] = await withThreshold(tx, input.threshold, (sp) => sp.insert(loyaltyTiers).values({
    tenantId, programId, name: input.name, threshold: input.threshold, multiplierPercent: input.multiplierPercent, createdAt: now, updatedAt: now,
  }).returning());
  await recordAudit(tx, tenantId, actor, { action: 'loyalty_tier.created', targetType: 'loyalty_tier', targetId: row!.id, details: { programId, threshold: input.threshold } });
  return presentOne(tx, tenantId, programId, row!.id);
}

async function findTier(db: Executor, tenantId: string, programId: string, tierId: string): Promise<TierRow> {
  const [row] = await db.select().from(loyaltyTiers).where(and(eq(loyaltyTiers.tenantId, tenantId), eq(loyaltyTiers.programId, programId), eq(loyaltyTiers.id, tierId)));
  if (!row) throw notFound();
  return row;
}

export async function updateTier(tx: Executor, tenantId: string, actor: Actor, programId: string, tierId: string, input: UpdateLoyaltyTier, now: Date): Promise<LoyaltyTierView> {
  await requireProgram(tx, tenantId, programId, true);
  await findTier(tx, tenantId, programId, tierId);
  await withThreshold(tx, input.threshold, (sp) => sp.update(loyaltyTiers).set({ ...input, updatedAt: now })
    .where(and(eq(loyaltyTiers.tenantId, tenantId), eq(loyaltyTiers.programId, programId), eq(loyaltyTiers.id, tierId))));
  await recordAudit(tx, tenantId, actor, { action: 'loyalty_tier.changed', targetType: 'loyalty_tier', targetId: tierId, details: { programId, ...input } });
  return presentOne(tx, tenantId, programId, tierId);
}

/** A tier no member holds or is due to move to; 409 `tier_in_use` otherwise. */
export async function deleteTier(tx: Executor, tenantId: string, actor: Actor, programId: string, tierId: string): Promise<void> {
  await requireProgram(tx, tenantId, programId, true);
  await findTier(tx, tenantId, programId, tierId);
  const [held] = await tx.select({ customerId: loyaltyMemberTiers.customerId }).from(loyaltyMemberTiers).where(and(
    eq(loyaltyMemberTiers.tenantId, tenantId), eq(loyaltyMemberTiers.programId, programId),
    or(eq(loyaltyMemberTiers.tierId, tierId), eq(loyaltyMemberTiers.downgradeToTierId, tierId)),
  )).limit(1);
  if (held) throw new Problem(409, 'tier_in_use');
  await tx.delete(loyaltyTiers).where(and(eq(loyaltyTiers.tenantId, tenantId), eq(loyaltyTiers.programId, programId), eq(loyaltyTiers.id, tierId)));
  await recordAudit(tx, tenantId, actor, { action: 'loyalty_tier.deleted', targetType: 'loyalty_tier', targetId: tierId, details: { programId } });
}

// ---- a member's tier ---------------------------------------------------------------------------

async function memberTierRow(db: Executor, tenantId: string, programId: string, customerId: string): Promise<MemberTierRow | undefined> {
  const [row] = await db.select().from(loyaltyMemberTiers).where(and(
    eq(loyaltyMemberTiers.tenantId, tenantId), eq(loyaltyMemberTiers.programId, programId), eq(loyaltyMemberTiers.customerId, customerId),
  ));
  return row;
}

/** The earn multiplier (percent) of the member's tier in the program: 100 without one. */
export async function tierMultiplierOf(db: Executor, tenantId: string, programId: string, customerId: string): Promise<number> {
  const [row] = await db.select({ percent: loyaltyTiers.multiplierPercent }).from(loyaltyMemberTiers)
    .innerJoin(loyaltyTiers, and(eq(loyaltyTiers.tenantId, loyaltyMemberTiers.tenantId), eq(loyaltyTiers.id, loyaltyMemberTiers.tierId)))
    .where(and(eq(loyaltyMemberTiers.tenantId, tenantId), eq(loyaltyMemberTiers.programId, programId), eq(loyaltyMemberTiers.customerId, customerId)));
  return row?.percent ?? 100;
}

/**
 * The seam for rewards restricted to tiers: the member's tier rank in the program (1 the lowest,
 * 0 none). Rewards are not tied to a program yet; a reward's minimum tier would be checked here.
 */
export async function memberTierRank(db: Executor, tenantId: string, programId: string, customerId: string): Promise<number> {
  const row = await memberTierRow(db, tenantId, programId, customerId);
  return indexOf(await tiersOf(db, tenantId, programId), row?.tierId ?? null) + 1;
}

interface Change {
  programId: string;
  customerId: string;
  from: string | null;
  to: string | null;
  reason: 'upgrade' | 'downgrade_one_step' | 'downgrade_recalculated';
  value: number;
  key: string;
  entryId: number | null;
}

/** Records the change (once per key) and publishes it; false when the key had already recorded it. */
async function recordChange(tx: Executor, ctx: LedgerContext, change: Change): Promise<boolean> {
  const [row] = await tx.insert(loyaltyTierChanges).values({
    tenantId: ctx.tenantId, programId: change.programId, customerId: change.customerId, fromTierId: change.from, toTierId: change.to, reason: change.reason,
    value: change.value, idempotencyKey: change.key, entryId: change.entryId, createdAt: ctx.now,
  }).onConflictDoNothing().returning({ id: loyaltyTierChanges.id });
  if (!row) return false;
  await publishEvents(tx, ctx.tenantId, [{
    topic: TIER_CHANGED,
    payload: {
      customerId: change.customerId, programId: change.programId, changeId: row.id, fromTierId: change.from, toTierId: change.to, reason: change.reason,
      value: change.value, at: ctx.now.toISOString(),
    },
  }]);
  return true;
}

async function saveMemberTier(tx: Executor, tenantId: string, programId: string, customerId: string, set: Partial<MemberTierRow> & { since: Date; evaluatedAt: Date; updatedAt: Date }): Promise<void> {
  await tx.insert(loyaltyMemberTiers).values({ tenantId, programId, customerId, tierId: null, downgradeToTierId: null, downgradeAt: null, ...set })
    .onConflictDoUpdate({ target: [loyaltyMemberTiers.tenantId, loyaltyMemberTiers.programId, loyaltyMemberTiers.customerId], set });
}

/**
 * After an earn (an order or an event award) of the program: the member moves up at once to the
 * highest tier the current window's value reaches, and a downgrade waiting out its grace period is
 * called off once the member qualifies again. Called in the earn's transaction with the member
 * locked, after the earn is written, so the value counts it.
 */
export async function upgradeAfterEarn(tx: Executor, ctx: LedgerContext, programId: string, customerId: string, entryId: number | null): Promise<void> {
  const tiers = await tiersOf(tx, ctx.tenantId, programId);
  if (tiers.length === 0) return;
  const settingsRowFound = await settingsRow(tx, ctx.tenantId, programId);
  const settings = settingsRowFound ? settingsOf(settingsRowFound) : DEFAULT_SETTINGS;
  const { timeZone } = await workspaceSettings(tx, ctx.tenantId);
  const value = await measure(tx, ctx.tenantId, programId, customerId, settings.basis, windowSoFar(settings, ctx.now, timeZone), timeZone);
  const qualified = qualifiedIndex(tiers, value);
  const state = await memberTierRow(tx, ctx.tenantId, programId, customerId);
  const current = indexOf(tiers, state?.tierId ?? null);
  if (qualified > current) {
    const to = tiers[qualified]!.id;
    await saveMemberTier(tx, ctx.tenantId, programId, customerId, {
      tierId: to, since: ctx.now, evaluatedAt: lastBoundary(settings.window, ctx.now, timeZone), downgradeToTierId: null, downgradeAt: null, updatedAt: ctx.now,
    });
    await recordChange(tx, ctx, {
      programId, customerId, from: state?.tierId ?? null, to, reason: 'upgrade', value, entryId,
      // From and to in the key: two earns without a ledger entry (orders of no points) at one instant are still two keys.
      key: `upgrade:${programId}:${customerId}:${state?.tierId ?? 'none'}:${to}:${entryId ?? ctx.now.toISOString()}`,
    });
  } else if (state?.downgradeAt && qualified >= current) {
    await tx.update(loyaltyMemberTiers).set({ downgradeToTierId: null, downgradeAt: null, updatedAt: ctx.now }).where(and(
      eq(loyaltyMemberTiers.tenantId, ctx.tenantId), eq(loyaltyMemberTiers.programId, programId), eq(loyaltyMemberTiers.customerId, customerId),
    ));
  }
}

/**
 * The current window as a member's standing counts it: the calendar year, or the last N days with
 * no upper bound. An earn's instant is taken before it waits for the member's lock, so an earn
 * that took the lock earlier may carry a later instant; it counts all the same.
 */
function windowSoFar(settings: LoyaltyTierSettings, now: Date, timeZone: string): OpenSpan {
  const span = currentWindow(settings.window, now, timeZone);
  return settings.window.kind === 'rolling' ? { from: span.from, to: null } : span;
}

// ---- re-evaluation (the job) -------------------------------------------------------------------

export interface TierRun {
  evaluated: number;
  scheduled: number;
  downgraded: number;
}

const BATCH = 500;

/**
 * One program's re-evaluation at ctx.now, in the caller's transaction: members not yet judged for
 * the period that ended at the last boundary are judged on the better of that period and the
 * current one so far; a downgrade by the policy takes effect at once, or after the grace period
 * (then it is applied by a later run, unless the member qualified again meanwhile). Each member
 * under the member's lock; each judgement moves the member's `evaluated_at` to the boundary, so a
 * second run finds nothing to do.
 */
export async function reevaluateTiers(tx: Executor, ctx: LedgerContext, programId: string): Promise<TierRun> {
  const run: TierRun = { evaluated: 0, scheduled: 0, downgraded: 0 };
  const tiers = await tiersOf(tx, ctx.tenantId, programId);
  if (tiers.length === 0) return run;
  const found = await settingsRow(tx, ctx.tenantId, programId);
  const settings = found ? settingsOf(found) : DEFAULT_SETTINGS;
  const { timeZone } = await workspaceSettings(tx, ctx.tenantId);
  const boundary = lastBoundary(settings.window, ctx.now, timeZone);
  const ended = periodEndingAt(settings.window, boundary, timeZone);
  const valueOf = async (customerId: string) => {
    const endedValue = await measure(tx, ctx.tenantId, programId, customerId, settings.basis, ended, timeZone);
    if (settings.window.kind === 'rolling') return endedValue;
    return Math.max(endedValue, await measure(tx, ctx.tenantId, programId, customerId, settings.basis, windowSoFar(settings, ctx.now, timeZone), timeZone));
  };
  const memberWhere = (customerId: string) => and(
    eq(loyaltyMemberTiers.tenantId, ctx.tenantId), eq(loyaltyMemberTiers.programId, programId), eq(loyaltyMemberTiers.customerId, customerId),
  );

  // Downgrades whose grace period is over.
  for (;;) {
    const due = await tx.select({ customerId: loyaltyMemberTiers.customerId }).from(loyaltyMemberTiers).where(and(
      eq(loyaltyMemberTiers.tenantId, ctx.tenantId), eq(loyaltyMemberTiers.programId, programId), isNotNull(loyaltyMemberTiers.downgradeAt),
      lte(loyaltyMemberTiers.downgradeAt, ctx.now),
    )).limit(BATCH);
    if (due.length === 0) break;
    for (const customerId of await ledger.lockMembers(tx, ctx.tenantId, due.map((d) => d.customerId))) {
      const state = await memberTierRow(tx, ctx.tenantId, programId, customerId);
      if (!state?.downgradeAt || state.downgradeAt > ctx.now) continue;
      const current = indexOf(tiers, state.tierId);
      const now = qualifiedIndex(tiers, await measure(tx, ctx.tenantId, programId, customerId, settings.basis, windowSoFar(settings, ctx.now, timeZone), timeZone));
      const target = Math.max(indexOf(tiers, state.downgradeToTierId), now);
      const dueAt = state.downgradeAt;
      await tx.update(loyaltyMemberTiers).set({
        downgradeToTierId: null, downgradeAt: null, updatedAt: ctx.now, ...(target < current ? { tierId: tiers[target]?.id ?? null, since: ctx.now } : {}),
      }).where(memberWhere(customerId));
      if (target >= current) continue;
      const recorded = await recordChange(tx, ctx, {
        programId, customerId, from: state.tierId, to: tiers[target]?.id ?? null, reason: settings.downgrade === 'recalculate' ? 'downgrade_recalculated' : 'downgrade_one_step',
        value: await valueOf(customerId), entryId: null, key: `downgrade:${programId}:${customerId}:${dueAt.toISOString()}`,
      });
      if (recorded) run.downgraded += 1;
    }
  }

  // Members not yet judged for the period that ended at the boundary.
  const judged = new Set<string>();
  for (;;) {
    const candidates = (await tx.select({ customerId: loyaltyMemberTiers.customerId }).from(loyaltyMemberTiers).where(and(
      eq(loyaltyMemberTiers.tenantId, ctx.tenantId), eq(loyaltyMemberTiers.programId, programId), isNotNull(loyaltyMemberTiers.tierId),
      lt(loyaltyMemberTiers.evaluatedAt, boundary),
    )).limit(BATCH)).map((c) => c.customerId).filter((c) => !judged.has(c));
    if (candidates.length === 0) break;
    for (const customerId of await ledger.lockMembers(tx, ctx.tenantId, candidates)) {
      judged.add(customerId);
      const state = await memberTierRow(tx, ctx.tenantId, programId, customerId);
      if (!state || state.tierId === null || state.evaluatedAt >= boundary) continue;
      run.evaluated += 1;
      const current = indexOf(tiers, state.tierId);
      const value = await valueOf(customerId);
      const qualified = qualifiedIndex(tiers, value);
      let target = current;
      if (qualified < current && state.downgradeAt === null) {
        if (settings.downgrade === 'one_step') target = current - 1;
        if (settings.downgrade === 'recalculate') target = qualified;
      }
      if (target === current) {
        await tx.update(loyaltyMemberTiers).set({ evaluatedAt: boundary, updatedAt: ctx.now }).where(memberWhere(customerId));
        continue;
      }
      const to = tiers[target]?.id ?? null;
      if (settings.graceDays > 0) {
        await tx.update(loyaltyMemberTiers).set({ evaluatedAt: boundary, downgradeToTierId: to, downgradeAt: addDays(boundary, settings.graceDays), updatedAt: ctx.now })
          .where(memberWhere(customerId));
        run.scheduled += 1;
        continue;
      }
      await tx.update(loyaltyMemberTiers).set({ evaluatedAt: boundary, tierId: to, since: ctx.now, updatedAt: ctx.now }).where(memberWhere(customerId));
      const recorded = await recordChange(tx, ctx, {
        programId, customerId, from: state.tierId, to, reason: settings.downgrade === 'recalculate' ? 'downgrade_recalculated' : 'downgrade_one_step',
        value, entryId: null, key: `downgrade:${programId}:${customerId}:${boundary.toISOString()}`,
      });
      if (recorded) run.downgraded += 1;
    }
  }
  return run;
}

/** Programs with tiers, across workspaces (the job's list; each program is then read in its workspace). */
async function programsWithTiers(db: Executor): Promise<{ tenantId: string; programId: string }[]> {
  const { rows } = await db.execute<{ tenant_id: string; program_id: string }>(sql`
    SELECT DISTINCT t.tenant_id, t.program_id FROM loyalty_tiers t
    JOIN loyalty_programs p ON p.tenant_id = t.tenant_id AND p.id = t.program_id AND p.status = 'active'`);
  return rows.map((r) => ({ tenantId: r.tenant_id, programId: r.program_id }));
}

/** Every program's re-evaluation, one transaction per program. */
export async function reevaluateTiersEverywhere(database: Database, now: Date): Promise<TierRun> {
  const total: TierRun = { evaluated: 0, scheduled: 0, downgraded: 0 };
  for (const { tenantId, programId } of await programsWithTiers(database.db)) {
    const run = await database.db.transaction((tx) => reevaluateTiers(tx, { tenantId, source: 'system:tier-reevaluation', now }, programId));
    total.evaluated += run.evaluated;
    total.scheduled += run.scheduled;
    total.downgraded += run.downgraded;
  }
  return total;
}

// ---- what staff see ----------------------------------------------------------------------------

export async function getMemberTier(db: Executor, tenantId: string, programId: string, customerId: string, now: Date): Promise<LoyaltyMemberTierView> {
  await requireProgram(db, tenantId, programId);
  const standing = await ledger.customerStanding(db, tenantId, customerId);
  if (!standing || standing.erasedAt) throw notFound();
  const tiers = await tiersOf(db, tenantId, programId);
  const found = await settingsRow(db, tenantId, programId);
  const settings = found ? settingsOf(found) : DEFAULT_SETTINGS;
  const { timeZone } = await workspaceSettings(db, tenantId);
  const span = currentWindow(settings.window, now, timeZone);
  const value = await measure(db, tenantId, programId, customerId, settings.basis, windowSoFar(settings, now, timeZone), timeZone);
  const state = await memberTierRow(db, tenantId, programId, customerId);
  const current = indexOf(tiers, state?.tierId ?? null);
  const view = (i: number) => presentTier(tiers[i]!, i + 1);
  const next = tiers[current + 1];
  const changes = await db.select().from(loyaltyTierChanges).where(and(
    eq(loyaltyTierChanges.tenantId, tenantId), eq(loyaltyTierChanges.programId, programId), eq(loyaltyTierChanges.customerId, customerId),
  )).orderBy(desc(loyaltyTierChanges.id)).limit(50);
  const downgradeTo = state?.downgradeToTierId ? indexOf(tiers, state.downgradeToTierId) : -1;
  return {
    programId, customerId, tier: current >= 0 ? view(current) : null, since: current >= 0 ? state!.since.toISOString() : null, basis: settings.basis,
    window: { from: span.from.toISOString(), to: span.to.toISOString() }, value,
    next: next ? { tier: view(current + 1), needed: Math.max(0, next.threshold - value) } : null,
    downgrade: state?.downgradeAt ? { tier: downgradeTo >= 0 ? view(downgradeTo) : null, at: state.downgradeAt.toISOString() } : null,
    changes: changes.map((c) => ({
      id: c.id, fromTierId: c.fromTierId, toTierId: c.toTierId, reason: c.reason as Change['reason'], value: c.value, entryId: c.entryId, createdAt: c.createdAt.toISOString(),
    })),
  };
}
