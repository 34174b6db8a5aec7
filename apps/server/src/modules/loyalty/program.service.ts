import { and, asc, desc, eq, sql } from 'drizzle-orm';
import {
  LoyaltyProgramSettings, type CreateLoyaltyProgram, type LoyaltyProgramList, type LoyaltyProgramVersionList, type LoyaltyProgramView, type UpdateLoyaltyProgram,
} from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import type { Actor } from '../../platform/http/access.ts';
import { Problem, invalidField, notFound } from '../../platform/http/problem.ts';
import { recordAudit } from '../workspace/index.ts';
import { loyaltyProgramVersions, loyaltyPrograms } from './program.schema.ts';
import { checkActionRules } from './customer-events.service.ts';

// A workspace's loyalty programs. Every change is a new version (the settings as a whole, kept
// in loyalty_program_versions with who wrote them) and an audit entry; an award records the
// version it was computed by, so a return is taken back by the rules its order earned under.

export type ProgramRow = typeof loyaltyPrograms.$inferSelect;
export interface Program {
  id: string;
  name: string;
  status: 'active' | 'archived';
  version: number;
  settings: LoyaltyProgramSettings;
}

const actorRef = (actor: Actor) => `${actor.kind}:${actor.id}`;

function present(row: ProgramRow): LoyaltyProgramView {
  return {
    id: row.id, name: row.name, kind: 'points', status: row.status as 'active' | 'archived', version: row.version,
    settings: LoyaltyProgramSettings.parse(row.settings), createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString(),
  };
}

export const programOf = (row: ProgramRow): Program => ({
  id: row.id, name: row.name, status: row.status as Program['status'], version: row.version, settings: LoyaltyProgramSettings.parse(row.settings),
});

/** Rules that one field cannot say alone. */
export function checkSettings(settings: LoyaltyProgramSettings): void {
  // A lot must expire after it unlocks (the ledger refuses otherwise): a rolling expiry outlasts the pending period.
  if (settings.expiry.kind === 'rolling' && settings.expiry.days <= settings.pendingDays) {
    throw invalidField('settings.expiry.days', 'expiry_within_pending', { days: settings.expiry.days, pendingDays: settings.pendingDays });
  }
  const topics = settings.events.map((e) => e.topic);
  const repeated = topics.find((t, i) => topics.indexOf(t) !== i);
  if (repeated) throw invalidField('settings.events', 'event_rule_repeated', { topic: repeated });
  for (const [i, rule] of settings.events.entries()) {
    if (rule.points === undefined && rule.topic !== 'complaint.goodwill') throw invalidField(`settings.events.${i}.points`, 'event_points_required', { topic: rule.topic });
    if (rule.surveyIds && rule.topic !== 'response.submitted') throw invalidField(`settings.events.${i}.surveyIds`, 'event_surveys_not_applicable', { topic: rule.topic });
  }
  checkActionRules(settings);
}

export async function createProgram(tx: Executor, tenantId: string, actor: Actor, input: CreateLoyaltyProgram, now: Date): Promise<LoyaltyProgramView> {
  checkSettings(input.settings);
  const [row] = await tx.insert(loyaltyPrograms).values({
    tenantId, name: input.name, kind: input.kind, status: 'active', version: 1, settings: input.settings, createdAt: now, updatedAt: now,
  }).returning();
  await tx.insert(loyaltyProgramVersions).values({
    tenantId, programId: row!.id, version: 1, name: row!.name, status: 'active', settings: input.settings, changedBy: actorRef(actor), changedAt: now,
  });
  await recordAudit(tx, tenantId, actor, { action: 'loyalty_program.created', targetType: 'loyalty_program', targetId: row!.id, details: { name: input.name, version: 1 } });
  return present(row!);
}

export async function listPrograms(db: Executor, tenantId: string): Promise<LoyaltyProgramList> {
  const rows = await db.select().from(loyaltyPrograms).where(eq(loyaltyPrograms.tenantId, tenantId)).orderBy(asc(loyaltyPrograms.createdAt), asc(loyaltyPrograms.id));
  return { items: rows.map(present) };
}

async function findProgramRow(db: Executor, tenantId: string, id: string, lock = false): Promise<ProgramRow | undefined> {
  const query = db.select().from(loyaltyPrograms).where(and(eq(loyaltyPrograms.tenantId, tenantId), eq(loyaltyPrograms.id, id)));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

/** The program with its settings, as the earning and the jobs read it. */
export async function findProgram(db: Executor, tenantId: string, id: string): Promise<Program | undefined> {
  const row = await findProgramRow(db, tenantId, id);
  return row ? programOf(row) : undefined;
}

export async function getProgram(db: Executor, tenantId: string, id: string): Promise<LoyaltyProgramView> {
  const row = await findProgramRow(db, tenantId, id);
  if (!row) throw notFound();
  return present(row);
}

/**
 * A change made against `version`: refused with 409 `program_version_conflict` when someone else
 * changed the program since (the caller reads it again and decides). Writes the next version.
 */
export async function updateProgram(tx: Executor, tenantId: string, actor: Actor, id: string, input: UpdateLoyaltyProgram, now: Date): Promise<LoyaltyProgramView> {
  const current = await findProgramRow(tx, tenantId, id, true);
  if (!current) throw notFound();
  if (current.version !== input.version) throw new Problem(409, 'program_version_conflict', { version: current.version });
  const settings = input.settings ?? LoyaltyProgramSettings.parse(current.settings);
  checkSettings(settings);
  const next = { name: input.name ?? current.name, status: input.status ?? current.status, settings, version: current.version + 1 };
  const [row] = await tx.update(loyaltyPrograms).set({ ...next, updatedAt: now })
    .where(and(eq(loyaltyPrograms.tenantId, tenantId), eq(loyaltyPrograms.id, id))).returning();
  await tx.insert(loyaltyProgramVersions).values({ tenantId, programId: id, ...next, changedBy: actorRef(actor), changedAt: now });
  await recordAudit(tx, tenantId, actor, {
    action: input.status === 'archived' && current.status !== 'archived' ? 'loyalty_program.archived' : 'loyalty_program.updated',
    targetType: 'loyalty_program', targetId: id, details: { fields: Object.keys(input).filter((k) => k !== 'version'), version: next.version },
  });
  return present(row!);
}

/** Archives the program (its awards and versions stay: the ledger's history points at them). */
export async function archiveProgram(tx: Executor, tenantId: string, actor: Actor, id: string, now: Date): Promise<LoyaltyProgramView> {
  const current = await findProgramRow(tx, tenantId, id, true);
  if (!current) throw notFound();
  if (current.status === 'archived') return present(current);
  return updateProgram(tx, tenantId, actor, id, { version: current.version, status: 'archived' }, now);
}

export async function listProgramVersions(db: Executor, tenantId: string, id: string): Promise<LoyaltyProgramVersionList> {
  if (!(await findProgramRow(db, tenantId, id))) throw notFound();
  const rows = await db.select().from(loyaltyProgramVersions)
    .where(and(eq(loyaltyProgramVersions.tenantId, tenantId), eq(loyaltyProgramVersions.programId, id))).orderBy(desc(loyaltyProgramVersions.version));
  return {
    items: rows.map((r) => ({
      version: r.version, name: r.name, status: r.status as 'active' | 'archived', settings: LoyaltyProgramSettings.parse(r.settings), changedBy: r.changedBy,
      changedAt: r.changedAt.toISOString(),
    })),
  };
}

/** The settings of one version of a program (what an order earned under). */
export async function programVersionSettings(db: Executor, tenantId: string, id: string, version: number): Promise<LoyaltyProgramSettings> {
  const [row] = await db.select({ settings: loyaltyProgramVersions.settings }).from(loyaltyProgramVersions)
    .where(and(eq(loyaltyProgramVersions.tenantId, tenantId), eq(loyaltyProgramVersions.programId, id), eq(loyaltyProgramVersions.version, version)));
  if (!row) throw new Error(`program ${id} has no version ${version}`);
  return LoyaltyProgramSettings.parse(row.settings);
}

/**
 * The program an order earns in: the one named, which must be active; else the workspace's only
 * active program (422 `program_required` when there are several, `no_active_program` when none).
 * Not locked: a hot row under every checkout; the award records the version it was computed by.
 */
export async function programForEarning(tx: Executor, tenantId: string, programId: string | undefined): Promise<Program> {
  if (programId !== undefined) {
    const [row] = await tx.select().from(loyaltyPrograms).where(and(eq(loyaltyPrograms.tenantId, tenantId), eq(loyaltyPrograms.id, programId)));
    if (!row) throw invalidField('programId', 'program_not_found');
    if (row.status !== 'active') throw invalidField('programId', 'program_archived');
    return programOf(row);
  }
  const rows = await tx.select().from(loyaltyPrograms)
    .where(and(eq(loyaltyPrograms.tenantId, tenantId), eq(loyaltyPrograms.status, 'active'))).orderBy(asc(loyaltyPrograms.createdAt)).limit(2);
  if (rows.length === 0) throw new Problem(422, 'no_active_program');
  if (rows.length > 1) throw invalidField('programId', 'program_required');
  return programOf(rows[0]!);
}

/** The workspace's active programs with a rule for this event topic. */
export async function programsForEvent(db: Executor, tenantId: string, topic: string): Promise<Program[]> {
  const rows = await db.select().from(loyaltyPrograms).where(and(
    eq(loyaltyPrograms.tenantId, tenantId), eq(loyaltyPrograms.status, 'active'),
    sql`${loyaltyPrograms.settings} -> 'events' @> ${JSON.stringify([{ topic }])}::jsonb`,
  )).orderBy(asc(loyaltyPrograms.createdAt));
  return rows.map(programOf);
}

/** The workspace's active programs whose points expire after inactivity. */
export async function programsWithInactivityExpiry(db: Executor, tenantId: string): Promise<Program[]> {
  const rows = await db.select().from(loyaltyPrograms).where(and(
    eq(loyaltyPrograms.tenantId, tenantId), eq(loyaltyPrograms.status, 'active'), sql`${loyaltyPrograms.settings} -> 'expiry' ->> 'kind' = 'inactivity'`,
  ));
  return rows.map(programOf);
}

/** Workspaces with an active program whose points expire after inactivity (for the daily job). */
export async function workspacesWithInactivityExpiry(db: Executor): Promise<string[]> {
  const { rows } = await db.execute<{ id: string }>(sql`
    SELECT w.id FROM workspaces w WHERE EXISTS (
      SELECT 1 FROM loyalty_programs p WHERE p.tenant_id = w.id AND p.status = 'active' AND p.settings -> 'expiry' ->> 'kind' = 'inactivity')`);
  return rows.map((r) => r.id);
}
