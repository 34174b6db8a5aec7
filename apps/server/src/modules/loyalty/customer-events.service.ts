import { and, asc, eq, gt, gte, like, sql } from 'drizzle-orm';
import {
  LOYALTY_ACTION_TOPIC, type LoyaltyActionCondition, type LoyaltyActionRule, type LoyaltyCustomerEvent, type LoyaltyCustomerEventView, type LoyaltyProgramSettings,
} from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { publishEvents } from '../../platform/events/outbox.ts';
import { Problem, invalidField } from '../../platform/http/problem.ts';
import { customers } from '../customers/index.ts';
import { workspaceSettings } from '../workspace/index.ts';
import { expiryFor, localIsoDay } from './earn-rules.ts';
import { bookCredit } from './earning.service.ts';
import { memberForWrite, type LedgerContext } from './ledger.service.ts';
import { loyaltyCustomerEvents } from './customer-events.schema.ts';
import { loyaltyAwards, loyaltyPrograms } from './program.schema.ts';
import { programOf, type Program } from './program.service.ts';
import { tierMultiplierOf, upgradeAfterEarn } from './tiers.service.ts';

// Actions a shop reports (a review written, an action the workspace names) and the points
// programs give for them. The report is recorded once per type and external id and published
// through the outbox in the same transaction; each active program with a rule for the action
// earns on it in its own transaction under the member's lock (so caps count every earlier award
// of the day, also when twenty arrive at once), once per program and action: its award row,
// keyed `action:<type>:<external id>`, is written whether it earned or was capped, so a capped
// action sent again tomorrow still earns nothing.

export type ActionPayload = {
  type: string;
  externalId: string;
  customerId: string;
  occurredAt: string;
  attributes: Record<string, string | number | boolean>;
};

type EventRow = typeof loyaltyCustomerEvents.$inferSelect;

function present(row: EventRow): LoyaltyCustomerEventView {
  return {
    type: row.type, customerId: row.customerId, externalId: row.externalId, occurredAt: row.occurredAt.toISOString(),
    attributes: row.attributes as ActionPayload['attributes'], createdAt: row.createdAt.toISOString(),
  };
}

/** Whether a rule is for this action type. */
export const ruleMatches = (rule: LoyaltyActionRule, type: string): boolean => (rule.type === 'review' ? type === 'review' : rule.key === type);

/** The custom action keys the workspace's programs define (archived ones too: a shop may still send them). */
async function definedActionKeys(db: Executor, tenantId: string): Promise<Set<string>> {
  const { rows } = await db.execute<{ key: string }>(sql`
    SELECT DISTINCT r ->> 'key' AS key FROM ${loyaltyPrograms} p, jsonb_array_elements(coalesce(p.settings -> 'actions', '[]'::jsonb)) r
    WHERE p.tenant_id = ${tenantId} AND r ->> 'type' = 'custom'`);
  return new Set(rows.map((r) => r.key));
}

/** The customer the shop means, by our id or its own reference; 422 `unknown_customer` when not this workspace's. */
async function customerOf(tx: Executor, tenantId: string, input: LoyaltyCustomerEvent): Promise<string> {
  if ((input.customerId === undefined) === (input.customerRef === undefined)) throw invalidField('customerId', 'event_customer_required');
  const field = input.customerId !== undefined ? 'customerId' : 'customerRef';
  const [row] = await tx.select({ id: customers.id, mergedInto: customers.mergedInto, erasedAt: customers.erasedAt }).from(customers).where(and(
    eq(customers.tenantId, tenantId), input.customerId !== undefined ? eq(customers.id, input.customerId) : eq(customers.externalId, input.customerRef!),
  )).limit(1);
  if (!row || row.erasedAt) throw invalidField(field, 'unknown_customer');
  if (row.mergedInto) throw new Problem(409, 'customer_merged');
  return row.id;
}

const sameAttributes = (a: unknown, b: unknown) => JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
const sortKeys = (v: unknown) => (v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : 1))) : v);

/**
 * Records a reported action once per type and external id and publishes it. The same action
 * again answers the first (created false); the same id for another customer or with other
 * attributes is 409 `external_id_conflict`. A type that is neither `review` nor a custom action a
 * program of the workspace defines is 422 `unknown_event_type`.
 */
export async function reportCustomerEvent(tx: Executor, ctx: LedgerContext, input: LoyaltyCustomerEvent): Promise<{ created: boolean; event: LoyaltyCustomerEventView }> {
  if (input.type !== 'review' && !(await definedActionKeys(tx, ctx.tenantId)).has(input.type)) throw invalidField('type', 'unknown_event_type', { type: input.type });
  const customerId = await customerOf(tx, ctx.tenantId, input);
  const attributes = input.attributes ?? {};
  const occurredAt = input.occurredAt ? new Date(input.occurredAt) : ctx.now;
  const [row] = await tx.insert(loyaltyCustomerEvents).values({
    tenantId: ctx.tenantId, type: input.type, externalId: input.externalId, customerId, occurredAt, attributes, source: ctx.source, createdAt: ctx.now,
  }).onConflictDoNothing().returning();
  if (!row) {
    const [first] = await tx.select().from(loyaltyCustomerEvents).where(and(
      eq(loyaltyCustomerEvents.tenantId, ctx.tenantId), eq(loyaltyCustomerEvents.type, input.type), eq(loyaltyCustomerEvents.externalId, input.externalId),
    ));
    if (!first || first.customerId !== customerId || !sameAttributes(first.attributes, attributes)) throw new Problem(409, 'external_id_conflict');
    return { created: false, event: present(first) };
  }
  const payload: ActionPayload = { type: row.type, externalId: row.externalId, customerId, occurredAt: occurredAt.toISOString(), attributes };
  await publishEvents(tx, ctx.tenantId, [{ topic: LOYALTY_ACTION_TOPIC, payload }]);
  return { created: true, event: present(row) };
}

/** The workspace's active programs with a rule for the action type. */
export async function programsForAction(db: Executor, tenantId: string, type: string): Promise<Program[]> {
  const match = type === 'review' ? [{ type: 'review' }] : [{ type: 'custom', key: type }];
  const rows = await db.select().from(loyaltyPrograms).where(and(
    eq(loyaltyPrograms.tenantId, tenantId), eq(loyaltyPrograms.status, 'active'),
    sql`${loyaltyPrograms.settings} -> 'actions' @> ${JSON.stringify(match)}::jsonb`,
  )).orderBy(asc(loyaltyPrograms.createdAt));
  return rows.map(programOf);
}

/** Whether the action's attributes meet the rule's condition (none: always). */
export function conditionMet(condition: LoyaltyActionCondition | undefined, attributes: ActionPayload['attributes']): boolean {
  if (!condition) return true;
  const value = Object.hasOwn(attributes, condition.attribute) ? attributes[condition.attribute] : undefined;
  if (condition.op === 'present') return value !== undefined && value !== '' && value !== false && value !== 0 && !(typeof value === 'string' && value.trim() === '');
  if (value === undefined || condition.value === undefined) return false;
  if (condition.op === 'eq') return typeof condition.value === 'number' ? Number(value) === condition.value : String(value) === condition.value;
  // Ratings come as numbers or as numeric text ("4"); anything else does not compare.
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  const bound = Number(condition.value);
  if (!Number.isFinite(n) || !Number.isFinite(bound)) return false;
  return condition.op === 'gte' ? n >= bound : n <= bound;
}

/** The action rule's points times the member's tier multiplier, rounded down (as a whole point). */
export const actionPoints = (rule: Pick<LoyaltyActionRule, 'points'>, tierPercent: number): number => Math.floor((rule.points * tierPercent) / 100);

/** The ISO day `days - 1` days before `day` (a period of `days` local days ending on `day`). */
function periodStart(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - (days - 1));
  return d.toISOString().slice(0, 10);
}

export type ActionOutcome = 'earned' | 'capped' | 'condition_not_met' | 'already_awarded';

/** A key as a LIKE pattern matches only itself: `_` (which keys may hold) and `%` are wildcards there. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * One program's points for a reported action by its rule, under the member's lock: the condition,
 * once per program and action, the rule's caps (awards that earned, on the workspace's local day
 * of the award and in the last `perPeriod.days` days), then the points times the member's tier
 * multiplier, qualifying for tiers unless the rule says not.
 */
export async function awardAction(tx: Executor, ctx: LedgerContext, program: Program, rule: LoyaltyActionRule, event: ActionPayload): Promise<ActionOutcome> {
  if (!conditionMet(rule.condition, event.attributes)) return 'condition_not_met';
  await memberForWrite(tx, ctx, event.customerId, true);
  const sourceKey = `action:${event.type}:${event.externalId}`;
  const awardWhere = (extra: ReturnType<typeof eq>[]) => and(eq(loyaltyAwards.tenantId, ctx.tenantId), eq(loyaltyAwards.programId, program.id), ...extra);
  const [earlier] = await tx.select({ key: loyaltyAwards.sourceKey }).from(loyaltyAwards).where(awardWhere([eq(loyaltyAwards.sourceKey, sourceKey)]));
  if (earlier) return 'already_awarded';

  const { timeZone } = await workspaceSettings(tx, ctx.tenantId);
  const day = localIsoDay(ctx.now, timeZone);
  const earnedSince = async (from: string) => {
    const [row] = await tx.select({ n: sql<string>`count(*)` }).from(loyaltyAwards).where(awardWhere([
      eq(loyaltyAwards.customerId, event.customerId), gte(loyaltyAwards.day, from), like(loyaltyAwards.sourceKey, `action:${likeLiteral(event.type)}:%`), gt(loyaltyAwards.points, 0),
    ]));
    return Number(row?.n ?? 0);
  };
  const capped = (rule.perDay !== undefined && (await earnedSince(day)) >= rule.perDay)
    || (rule.perPeriod !== undefined && (await earnedSince(periodStart(day, rule.perPeriod.days))) >= rule.perPeriod.count);
  const points = capped ? 0 : actionPoints(rule, await tierMultiplierOf(tx, ctx.tenantId, program.id, event.customerId));

  let entryId: number | null = null;
  if (points > 0) {
    const qualifying = rule.qualifying !== false;
    entryId = (await bookCredit(tx, ctx, {
      program, customerId: event.customerId, points, entryKey: `earn:program:${program.id}:${sourceKey}`, externalId: event.externalId,
      // The member's history says "review" in the reader's language; a custom action is named by the manager's words.
      // An unnamed one is said by its cause alone ("club reward"), never by its Latin key.
      reason: rule.type === 'review' || !rule.name ? program.name : `${program.name} · ${rule.name}`,
      source: rule.type === 'review' ? 'system:event:review' : `system:event:action.${event.type}`,
      pendingUntil: null, expiresAt: expiryFor(program.settings.expiry, ctx.now, ctx.now, timeZone), qualifying,
    })) ?? null;
    if (entryId === null) throw new Error(`action ${sourceKey} had no award but its ledger key was taken`);
    if (qualifying) await upgradeAfterEarn(tx, ctx, program.id, event.customerId, entryId);
  }
  await tx.insert(loyaltyAwards).values({
    tenantId: ctx.tenantId, programId: program.id, sourceKey, customerId: event.customerId, programVersion: program.version, entryId, points,
    spendPoints: 0, day, createdAt: ctx.now,
  });
  return capped ? 'capped' : 'earned';
}

/** Rules that the action rules' fields cannot say alone (called where a program's settings are checked). */
export function checkActionRules(settings: LoyaltyProgramSettings): void {
  const seen = new Set<string>();
  for (const [i, rule] of (settings.actions ?? []).entries()) {
    if (rule.type === 'custom' && rule.key === undefined) throw invalidField(`settings.actions.${i}.key`, 'action_key_required');
    if (rule.type === 'review' && rule.key !== undefined) throw invalidField(`settings.actions.${i}.key`, 'action_key_not_applicable');
    if (rule.key === 'review') throw invalidField(`settings.actions.${i}.key`, 'action_key_reserved');
    const id = rule.type === 'review' ? 'review' : rule.key!;
    if (seen.has(id)) throw invalidField(`settings.actions.${i}`, 'action_rule_repeated', { action: id });
    seen.add(id);
    const c = rule.condition;
    if (c && c.op !== 'present' && c.value === undefined) throw invalidField(`settings.actions.${i}.condition.value`, 'action_condition_value_required');
    if (c && (c.op === 'gte' || c.op === 'lte') && typeof c.value !== 'number') throw invalidField(`settings.actions.${i}.condition.value`, 'action_condition_number_required');
  }
}
