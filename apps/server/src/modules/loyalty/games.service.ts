import { and, asc, eq, sql } from 'drizzle-orm';
import type {
  CreateLoyaltyBadge, CreateLoyaltyChallenge, LoyaltyBadgeList, LoyaltyBadgeView, LoyaltyChallengeList, LoyaltyChallengeView, LoyaltyGameFilter,
  LoyaltyGameTopic, LoyaltyGameWindow, LoyaltyMemberGamesView, UpdateLoyaltyBadge, UpdateLoyaltyChallenge,
} from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import type { Actor } from '../../platform/http/access.ts';
import { invalidField, notFound } from '../../platform/http/problem.ts';
import type { CalendarId } from '../../platform/i18n/calendar.ts';
import { customers } from '../customers/index.ts';
import { recordAudit, workspaceSettings } from '../workspace/index.ts';
import { awardEvent } from './earning.service.ts';
import { loyaltyBadges, loyaltyChallenges, loyaltyGameCompletions, loyaltyGameEvents, loyaltyMemberBadges } from './games.schema.ts';
import { periodOf, runsOf, type PeriodFrame } from './games.periods.ts';
import { loyaltyAwards, loyaltyPrograms } from './program.schema.ts';
import { findProgram } from './program.service.ts';

// Challenges, streaks and badges. A qualifying event is one row of loyalty_game_events per game,
// member and event key, so a redelivered event counts once; progress is counted from those rows
// under a lock per game and member, and a completion is one row per period, its points awarded
// through the program's event award (one ledger entry, keyed by game, member and period).

type ChallengeRow = typeof loyaltyChallenges.$inferSelect;
type BadgeRow = typeof loyaltyBadges.$inferSelect;
type Name = { fa: string; ar: string; en: string };

const DAY_MS = 86_400_000;

/** The filters each topic can be narrowed by. */
const FILTERS_OF: Record<LoyaltyGameTopic, (keyof LoyaltyGameFilter)[]> = {
  purchase: ['minAmountMinor', 'category'],
  'order.placed': ['minAmountMinor'],
  'response.submitted': ['surveyIds'],
  'referral.qualified': [],
};

function presentBadge(row: BadgeRow): LoyaltyBadgeView {
  return { id: row.id, programId: row.programId, name: row.name as Name, icon: row.icon, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

function presentChallenge(row: ChallengeRow): LoyaltyChallengeView {
  return {
    id: row.id, programId: row.programId, kind: row.kind as 'count' | 'streak', name: row.name as Name, topic: row.topic as LoyaltyGameTopic,
    filter: row.filter as LoyaltyGameFilter, target: row.target, window: row.window as LoyaltyGameWindow, rewardPoints: row.rewardPoints,
    badgeId: row.badgeId, active: row.active, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString(),
  };
}

async function requireProgram(db: Executor, tenantId: string, programId: string): Promise<void> {
  const [row] = await db.select({ id: loyaltyPrograms.id }).from(loyaltyPrograms).where(and(eq(loyaltyPrograms.tenantId, tenantId), eq(loyaltyPrograms.id, programId)));
  if (!row) throw notFound();
}

async function requireBadge(db: Executor, tenantId: string, programId: string, badgeId: string): Promise<BadgeRow> {
  const [row] = await db.select().from(loyaltyBadges).where(and(eq(loyaltyBadges.tenantId, tenantId), eq(loyaltyBadges.programId, programId), eq(loyaltyBadges.id, badgeId)));
  if (!row) throw notFound();
  return row;
}

// ---- badges and challenges (managers) ----------------------------------------------------------

export async function listBadges(db: Executor, tenantId: string, programId: string): Promise<LoyaltyBadgeList> {
  await requireProgram(db, tenantId, programId);
  const rows = await db.select().from(loyaltyBadges).where(and(eq(loyaltyBadges.tenantId, tenantId), eq(loyaltyBadges.programId, programId))).orderBy(asc(loyaltyBadges.createdAt), asc(loyaltyBadges.id));
  return { items: rows.map(presentBadge) };
}

export async function createBadge(tx: Executor, tenantId: string, actor: Actor, programId: string, input: CreateLoyaltyBadge, now: Date): Promise<LoyaltyBadgeView> {
  await requireProgram(tx, tenantId, programId);
  const [row] = await tx.insert(loyaltyBadges).values({ tenantId, programId, name: input.name, icon: input.icon, createdAt: now, updatedAt: now }).returning();
  await recordAudit(tx, tenantId, actor, { action: 'loyalty_badge.created', targetType: 'loyalty_badge', targetId: row!.id, details: { programId, icon: input.icon } });
  return presentBadge(row!);
}

export async function updateBadge(tx: Executor, tenantId: string, actor: Actor, programId: string, badgeId: string, input: UpdateLoyaltyBadge, now: Date): Promise<LoyaltyBadgeView> {
  await requireBadge(tx, tenantId, programId, badgeId);
  const [row] = await tx.update(loyaltyBadges).set({ ...input, updatedAt: now })
    .where(and(eq(loyaltyBadges.tenantId, tenantId), eq(loyaltyBadges.id, badgeId))).returning();
  await recordAudit(tx, tenantId, actor, { action: 'loyalty_badge.changed', targetType: 'loyalty_badge', targetId: badgeId, details: { programId, ...input } });
  return presentBadge(row!);
}

export async function listChallenges(db: Executor, tenantId: string, programId: string): Promise<LoyaltyChallengeList> {
  await requireProgram(db, tenantId, programId);
  const rows = await db.select().from(loyaltyChallenges).where(and(eq(loyaltyChallenges.tenantId, tenantId), eq(loyaltyChallenges.programId, programId)))
    .orderBy(asc(loyaltyChallenges.createdAt), asc(loyaltyChallenges.id));
  return { items: rows.map(presentChallenge) };
}

async function checkReward(db: Executor, tenantId: string, programId: string, rewardPoints: number, badgeId: string | null): Promise<void> {
  if (badgeId !== null) {
    const [badge] = await db.select({ id: loyaltyBadges.id }).from(loyaltyBadges)
      .where(and(eq(loyaltyBadges.tenantId, tenantId), eq(loyaltyBadges.programId, programId), eq(loyaltyBadges.id, badgeId)));
    if (!badge) throw invalidField('badgeId', 'game_badge_unknown');
  }
  if (rewardPoints === 0 && badgeId === null) throw invalidField('rewardPoints', 'game_reward_required');
}

export async function createChallenge(tx: Executor, tenantId: string, actor: Actor, programId: string, input: CreateLoyaltyChallenge, now: Date): Promise<LoyaltyChallengeView> {
  await requireProgram(tx, tenantId, programId);
  const allowed = FILTERS_OF[input.topic] ?? [];
  const stray = (Object.keys(input.filter) as (keyof LoyaltyGameFilter)[]).find((k) => input.filter[k] !== undefined && !allowed.includes(k));
  if (stray) throw invalidField(`filter.${stray}`, 'game_filter_not_for_topic', { topic: input.topic });
  await checkReward(tx, tenantId, programId, input.rewardPoints, input.badgeId);
  const [row] = await tx.insert(loyaltyChallenges).values({
    tenantId, programId, kind: input.kind, name: input.name, topic: input.topic, filter: input.filter, target: input.target, window: input.window,
    rewardPoints: input.rewardPoints, badgeId: input.badgeId, active: input.active, createdAt: now, updatedAt: now,
  }).returning();
  await recordAudit(tx, tenantId, actor, {
    action: 'loyalty_challenge.created', targetType: 'loyalty_challenge', targetId: row!.id,
    details: { programId, kind: input.kind, topic: input.topic, target: input.target, rewardPoints: input.rewardPoints },
  });
  return presentChallenge(row!);
}

export async function updateChallenge(
  tx: Executor, tenantId: string, actor: Actor, programId: string, challengeId: string, input: UpdateLoyaltyChallenge, now: Date,
): Promise<LoyaltyChallengeView> {
  const [current] = await tx.select().from(loyaltyChallenges)
    .where(and(eq(loyaltyChallenges.tenantId, tenantId), eq(loyaltyChallenges.programId, programId), eq(loyaltyChallenges.id, challengeId))).for('update');
  if (!current) throw notFound();
  await checkReward(tx, tenantId, programId, input.rewardPoints ?? current.rewardPoints, input.badgeId === undefined ? current.badgeId : input.badgeId);
  const [row] = await tx.update(loyaltyChallenges).set({ ...input, updatedAt: now })
    .where(and(eq(loyaltyChallenges.tenantId, tenantId), eq(loyaltyChallenges.id, challengeId))).returning();
  await recordAudit(tx, tenantId, actor, { action: 'loyalty_challenge.changed', targetType: 'loyalty_challenge', targetId: challengeId, details: { programId, ...input } });
  return presentChallenge(row!);
}

// ---- counting ----------------------------------------------------------------------------------

/** A domain event as a game sees it. */
export interface GameEvent {
  topic: LoyaltyGameTopic;
  customerId: string;
  /** the event's own identity: the order, the response, the referral (not the delivery) */
  key: string;
  at: Date;
  /** purchases and orders: the amount, and per category for a purchase */
  amountMinor?: number;
  amountByCategory?: Record<string, number>;
  surveyId?: string;
}

export function matchesFilter(filter: LoyaltyGameFilter, event: GameEvent): boolean {
  if (filter.surveyIds && (!event.surveyId || !filter.surveyIds.includes(event.surveyId))) return false;
  let amount = event.amountMinor;
  if (filter.category !== undefined) {
    const ofCategory = event.amountByCategory?.[filter.category];
    if (ofCategory === undefined) return false;
    amount = ofCategory;
  }
  if (filter.minAmountMinor !== undefined && (amount === undefined || amount < filter.minAmountMinor)) return false;
  return true;
}

async function periodFrame(db: Executor, tenantId: string): Promise<PeriodFrame> {
  const settings = await workspaceSettings(db, tenantId);
  const weekendDays = (settings.businessCalendar.weekendDays ?? [5]).map(Number);
  return { timeZone: settings.timeZone, calendar: settings.calendar as CalendarId, weekendDays };
}

/** Active games of active programs counting this topic. */
export async function gamesForTopic(db: Executor, tenantId: string, topic: string): Promise<ChallengeRow[]> {
  const rows = await db.select({ c: loyaltyChallenges }).from(loyaltyChallenges)
    .innerJoin(loyaltyPrograms, and(eq(loyaltyPrograms.tenantId, loyaltyChallenges.tenantId), eq(loyaltyPrograms.id, loyaltyChallenges.programId)))
    .where(and(eq(loyaltyChallenges.tenantId, tenantId), eq(loyaltyChallenges.topic, topic), eq(loyaltyChallenges.active, true), eq(loyaltyPrograms.status, 'active')));
  return rows.map((r) => r.c);
}

export async function workspaceCountsTopic(db: Executor, tenantId: string, topic: string): Promise<boolean> {
  return (await gamesForTopic(db, tenantId, topic)).length > 0;
}

/** Whether the customer is one of the workspace's, neither erased nor merged (others have no games to play). */
async function playable(db: Executor, tenantId: string, customerId: string): Promise<boolean> {
  const [row] = await db.select({ mergedInto: customers.mergedInto, erasedAt: customers.erasedAt }).from(customers)
    .where(and(eq(customers.tenantId, tenantId), eq(customers.id, customerId)));
  return !!row && !row.mergedInto && !row.erasedAt;
}

/**
 * Counts one event for one game of one member and completes the game's period when it reaches
 * the target. Under a transaction-scoped lock per game and member, so two events of a member
 * counted at once take turns. `now` is the processing instant (the award's ledger time).
 */
export async function countGameEvent(tx: Executor, tenantId: string, game: ChallengeRow, event: GameEvent, now: Date): Promise<{ counted: boolean; completed: string[] }> {
  if (!matchesFilter(game.filter as LoyaltyGameFilter, event)) return { counted: false, completed: [] };
  if (!(await playable(tx, tenantId, event.customerId))) return { counted: false, completed: [] };
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`loyalty-game:${tenantId}:${game.id}:${event.customerId}`}, 0))`);
  const frame = await periodFrame(tx, tenantId);
  const window = game.window as LoyaltyGameWindow;
  const period = periodOf(event.at, window.kind === 'calendar' ? window.period : 'day', frame);
  const inserted = await tx.insert(loyaltyGameEvents).values({
    tenantId, challengeId: game.id, customerId: event.customerId, eventKey: `${event.topic}:${event.key}`, occurredAt: event.at,
    periodKey: period.key, periodIndex: period.index, createdAt: now,
  }).onConflictDoNothing().returning({ key: loyaltyGameEvents.eventKey });
  if (inserted.length === 0) return { counted: false, completed: [] };

  const own = and(eq(loyaltyGameEvents.tenantId, tenantId), eq(loyaltyGameEvents.challengeId, game.id), eq(loyaltyGameEvents.customerId, event.customerId));
  const completed: string[] = [];
  if (game.kind === 'streak') {
    const rows = await tx.selectDistinct({ index: loyaltyGameEvents.periodIndex }).from(loyaltyGameEvents).where(own);
    const run = runsOf(rows.map((r) => r.index)).find((r) => r.first <= period.index && period.index <= r.last)!;
    // A late event can join two runs; a run already rewarded under its old first period is not rewarded again.
    const rewarded = await tx.select({ key: loyaltyGameCompletions.periodKey }).from(loyaltyGameCompletions).where(and(
      eq(loyaltyGameCompletions.tenantId, tenantId), eq(loyaltyGameCompletions.challengeId, game.id), eq(loyaltyGameCompletions.customerId, event.customerId)));
    const inRun = rewarded.some(({ key }) => { const first = Number(key.slice(2)); return first >= run.first && first <= run.last; });
    if (run.length >= game.target && !inRun && (await complete(tx, tenantId, game, event.customerId, `s:${run.first}`, event.at, now))) completed.push(`s:${run.first}`);
  } else if (window.kind === 'calendar') {
    const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(loyaltyGameEvents).where(and(own, eq(loyaltyGameEvents.periodKey, period.key)));
    if (row!.n >= game.target && (await complete(tx, tenantId, game, event.customerId, period.key, event.at, now))) completed.push(period.key);
  } else {
    // Rolling: the events of the last N days up to this one, after the last completion (an event counts towards one completion).
    const { rows: [last] } = await tx.execute<{ at: string | null; n: number }>(sql`
      SELECT max(completed_at) AS at, count(*)::int AS n FROM ${loyaltyGameCompletions}
      WHERE tenant_id = ${tenantId} AND challenge_id = ${game.id} AND customer_id = ${event.customerId}`);
    const from = new Date(Math.max(event.at.getTime() - window.days * DAY_MS, last?.at ? new Date(last.at).getTime() : -Infinity));
    const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(loyaltyGameEvents)
      .where(and(own, sql`${loyaltyGameEvents.occurredAt} > ${from.toISOString()}::timestamptz`, sql`${loyaltyGameEvents.occurredAt} <= ${event.at.toISOString()}::timestamptz`));
    const key = `r:${Number(last?.n ?? 0) + 1}`;
    if (row!.n >= game.target && (await complete(tx, tenantId, game, event.customerId, key, event.at, now))) completed.push(key);
  }
  return { counted: true, completed };
}

/** The period's completion, its points (one keyed ledger entry through the program) and its badge (once per member). */
async function complete(tx: Executor, tenantId: string, game: ChallengeRow, customerId: string, periodKey: string, at: Date, now: Date): Promise<boolean> {
  const [row] = await tx.insert(loyaltyGameCompletions).values({ tenantId, challengeId: game.id, customerId, periodKey, completedAt: at, points: game.rewardPoints, createdAt: now })
    .onConflictDoNothing().returning();
  if (!row) return false;
  if (game.rewardPoints > 0) {
    const program = await findProgram(tx, tenantId, game.programId);
    if (!program) throw new Error(`challenge ${game.id} has no program`);
    const key = `${game.id}:${customerId}:${periodKey}`;
    // Sourced as a program event, as the portal's history reads one: "points for an activity", without the topic's name.
    await awardEvent(tx, { tenantId, source: 'system:event:challenge.completed', now }, program, { topic: 'challenge.completed', key, customerId, points: game.rewardPoints });
    const [award] = await tx.select({ entryId: loyaltyAwards.entryId }).from(loyaltyAwards)
      .where(and(eq(loyaltyAwards.tenantId, tenantId), eq(loyaltyAwards.programId, program.id), eq(loyaltyAwards.sourceKey, `event:challenge.completed:${key}`)));
    if (award?.entryId) {
      await tx.update(loyaltyGameCompletions).set({ entryId: award.entryId }).where(and(
        eq(loyaltyGameCompletions.tenantId, tenantId), eq(loyaltyGameCompletions.challengeId, game.id),
        eq(loyaltyGameCompletions.customerId, customerId), eq(loyaltyGameCompletions.periodKey, periodKey)));
    }
  }
  if (game.badgeId) {
    await tx.insert(loyaltyMemberBadges).values({ tenantId, badgeId: game.badgeId, customerId, challengeId: game.id, awardedAt: at }).onConflictDoNothing();
  }
  return true;
}

// ---- a member's games ---------------------------------------------------------------------------

export async function memberGames(db: Executor, tenantId: string, customerId: string, now: Date): Promise<LoyaltyMemberGamesView> {
  const [customer] = await db.select({ id: customers.id }).from(customers).where(and(eq(customers.tenantId, tenantId), eq(customers.id, customerId)));
  if (!customer) throw notFound();
  const frame = await periodFrame(db, tenantId);
  const badges = await db.select({ b: loyaltyBadges, awardedAt: loyaltyMemberBadges.awardedAt }).from(loyaltyMemberBadges)
    .innerJoin(loyaltyBadges, and(eq(loyaltyBadges.tenantId, loyaltyMemberBadges.tenantId), eq(loyaltyBadges.id, loyaltyMemberBadges.badgeId)))
    .where(and(eq(loyaltyMemberBadges.tenantId, tenantId), eq(loyaltyMemberBadges.customerId, customerId)))
    .orderBy(asc(loyaltyMemberBadges.awardedAt));
  const games = await db.select({ c: loyaltyChallenges }).from(loyaltyChallenges)
    .innerJoin(loyaltyPrograms, and(eq(loyaltyPrograms.tenantId, loyaltyChallenges.tenantId), eq(loyaltyPrograms.id, loyaltyChallenges.programId)))
    .where(and(eq(loyaltyChallenges.tenantId, tenantId), eq(loyaltyChallenges.active, true), eq(loyaltyPrograms.status, 'active')))
    .orderBy(asc(loyaltyChallenges.createdAt), asc(loyaltyChallenges.id));
  const { rows: events } = await db.execute<{ challenge_id: string; occurred_at: string; period_key: string; period_index: number }>(sql`
    SELECT challenge_id, occurred_at, period_key, period_index FROM ${loyaltyGameEvents} WHERE tenant_id = ${tenantId} AND customer_id = ${customerId}`);
  const { rows: completions } = await db.execute<{ challenge_id: string; period_key: string; completed_at: string }>(sql`
    SELECT challenge_id, period_key, completed_at FROM ${loyaltyGameCompletions} WHERE tenant_id = ${tenantId} AND customer_id = ${customerId}`);

  const view: LoyaltyMemberGamesView = {
    badges: badges.map(({ b, awardedAt }) => ({ badgeId: b.id, name: b.name as Name, icon: b.icon, awardedAt: awardedAt.toISOString() })),
    challenges: [], streaks: [],
  };
  for (const { c } of games) {
    // As of `now`: events after it have not happened yet for this reading.
    const own = events.filter((e) => e.challenge_id === c.id && new Date(e.occurred_at).getTime() <= now.getTime());
    const done = completions.filter((e) => e.challenge_id === c.id);
    const window = c.window as LoyaltyGameWindow;
    if (c.kind === 'streak' && window.kind === 'calendar') {
      const current = periodOf(now, window.period, frame);
      const runs = runsOf(own.map((e) => Number(e.period_index)));
      const latest = runs[runs.length - 1];
      view.streaks.push({
        challengeId: c.id, programId: c.programId, name: c.name as Name, period: window.period, target: c.target,
        current: latest && latest.last >= current.index - 1 ? latest.length : 0,
        longest: runs.reduce((max, r) => Math.max(max, r.length), 0),
        thisPeriodDone: latest?.last === current.index, rewardPoints: c.rewardPoints, badgeId: c.badgeId,
      });
      continue;
    }
    let count: number;
    let windowEndsAt: string | null = null;
    let completedThisPeriod: boolean;
    if (window.kind === 'calendar') {
      const current = periodOf(now, window.period, frame);
      count = own.filter((e) => e.period_key === current.key).length;
      windowEndsAt = current.end.toISOString();
      completedThisPeriod = done.some((d) => d.period_key === current.key);
    } else {
      const lastDone = Math.max(-Infinity, ...done.map((d) => new Date(d.completed_at).getTime()));
      const from = Math.max(now.getTime() - window.days * DAY_MS, lastDone);
      count = own.filter((e) => { const at = new Date(e.occurred_at).getTime(); return at > from && at <= now.getTime(); }).length;
      completedThisPeriod = lastDone > now.getTime() - window.days * DAY_MS;
    }
    view.challenges.push({
      challengeId: c.id, programId: c.programId, name: c.name as Name, topic: c.topic as LoyaltyGameTopic, target: c.target, window, count,
      windowEndsAt, completedThisPeriod, completions: done.length, rewardPoints: c.rewardPoints, badgeId: c.badgeId,
    });
  }
  return view;
}

