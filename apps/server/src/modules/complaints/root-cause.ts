// The workspace's root-cause taxonomy: the defaults of REFERENCE.md section 6, each on a SERVQUAL
// dimension, until the workspace changes one; then they are stored and edited like any cause.
// Causes are archived, never deleted, so a closed case always finds the cause it was closed with.
import type { CreateRootCause, RootCauseLabels, RootCauseView, ServqualDimension, UpdateRootCause } from '@vafa/contracts';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import type { Actor } from '../../platform/http/access.ts';
import { Problem, invalidField, notFound } from '../../platform/http/problem.ts';
import { recordAudit } from '../workspace/index.ts';
import { complaintRootCauses } from './complaint-insights.schema.ts';

interface DefaultCause {
  code: string;
  dimension: ServqualDimension;
  labels: RootCauseLabels;
}

/** REFERENCE.md section 6 (a proposal, no standard), mapped as packages/contracts ROOT_CAUSE_DIMENSIONS. */
export const DEFAULT_ROOT_CAUSES: readonly DefaultCause[] = [
  { code: 'product_quality', dimension: 'reliability', labels: { fa: 'کیفیت کالا یا خدمت', ar: 'جودة المنتج أو الخدمة', en: 'Product or service quality' } },
  { code: 'staff_behaviour', dimension: 'empathy', labels: { fa: 'رفتار کارکنان', ar: 'سلوك الموظفين', en: 'Staff behaviour' } },
  { code: 'process_policy', dimension: 'responsiveness', labels: { fa: 'فرایند و خط‌مشی', ar: 'الإجراءات والسياسات', en: 'Process or policy' } },
  { code: 'price_billing', dimension: 'reliability', labels: { fa: 'قیمت و صورتحساب', ar: 'السعر والفوترة', en: 'Price or billing' } },
  { code: 'delivery', dimension: 'responsiveness', labels: { fa: 'ارسال و تحویل', ar: 'التوصيل', en: 'Delivery' } },
  { code: 'digital_tech', dimension: 'tangibles', labels: { fa: 'وب‌سایت، اپ و فناوری', ar: 'الموقع والتطبيق والتقنية', en: 'Website, app or technology' } },
  { code: 'communication', dimension: 'assurance', labels: { fa: 'ارتباط و اطلاع‌رسانی', ar: 'التواصل والإبلاغ', en: 'Communication' } },
  { code: 'facilities', dimension: 'tangibles', labels: { fa: 'محیط و امکانات', ar: 'المرافق والبيئة', en: 'Facilities' } },
];

type CauseRow = typeof complaintRootCauses.$inferSelect;

const present = (row: CauseRow): RootCauseView => ({
  code: row.code,
  parentCode: row.parentCode,
  dimension: row.dimension as ServqualDimension,
  labels: row.labels as RootCauseLabels,
  position: row.position,
  archived: row.archivedAt !== null,
  archivedAt: row.archivedAt ? row.archivedAt.toISOString() : null,
  builtIn: false,
});

const presentDefault = (cause: DefaultCause, index: number): RootCauseView => ({
  code: cause.code, parentCode: null, dimension: cause.dimension, labels: cause.labels, position: index * 10, archived: false, archivedAt: null, builtIn: true,
});

async function storedCauses(db: Executor, tenantId: string): Promise<CauseRow[]> {
  return db.select().from(complaintRootCauses).where(eq(complaintRootCauses.tenantId, tenantId))
    .orderBy(asc(complaintRootCauses.position), asc(complaintRootCauses.code));
}

/** The whole taxonomy, archived causes included: the defaults while nothing is stored. */
export async function rootCauseTaxonomy(db: Executor, tenantId: string): Promise<RootCauseView[]> {
  const rows = await storedCauses(db, tenantId);
  return rows.length === 0 ? DEFAULT_ROOT_CAUSES.map(presentDefault) : rows.map(present);
}

export async function listRootCauses(db: Executor, tenantId: string, includeArchived = false): Promise<{ items: RootCauseView[] }> {
  const all = await rootCauseTaxonomy(db, tenantId);
  return { items: includeArchived ? all : all.filter((c) => !c.archived) };
}

/** Stores the defaults the first time a workspace changes (or links to) its taxonomy; concurrent first writes store them once. */
export async function ensureStoredTaxonomy(tx: Executor, tenantId: string): Promise<void> {
  const [any] = await tx.select({ code: complaintRootCauses.code }).from(complaintRootCauses).where(eq(complaintRootCauses.tenantId, tenantId)).limit(1);
  if (any) return;
  await tx.insert(complaintRootCauses)
    .values(DEFAULT_ROOT_CAUSES.map((c, i) => ({ tenantId, code: c.code, dimension: c.dimension, labels: c.labels, position: i * 10 })))
    .onConflictDoNothing();
}

async function findCause(db: Executor, tenantId: string, code: string, lock = false): Promise<CauseRow | undefined> {
  const query = db.select().from(complaintRootCauses).where(and(eq(complaintRootCauses.tenantId, tenantId), eq(complaintRootCauses.code, code)));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

/** A cause of the taxonomy by code (archived or not), or undefined. */
export async function rootCauseOf(db: Executor, tenantId: string, code: string): Promise<RootCauseView | undefined> {
  const row = await findCause(db, tenantId, code);
  if (row) return present(row);
  const [stored] = await db.select({ code: complaintRootCauses.code }).from(complaintRootCauses).where(eq(complaintRootCauses.tenantId, tenantId)).limit(1);
  if (stored) return undefined;
  const index = DEFAULT_ROOT_CAUSES.findIndex((c) => c.code === code);
  return index < 0 ? undefined : presentDefault(DEFAULT_ROOT_CAUSES[index]!, index);
}

/**
 * What a lifecycle step may record as its root cause: a code it gives must be an active cause of
 * the workspace (and its parent active too); a staff closure must close with an active cause even
 * when an earlier step recorded it. A customer's acceptance or the system's closure is not refused
 * for a cause archived since the resolution was communicated.
 */
export async function checkRootCauseForStep(
  tx: Executor, tenantId: string, step: { given?: string | null | undefined; effective?: string | null | undefined; closingByStaff: boolean },
): Promise<void> {
  const codes = new Set<string>();
  if (step.given) codes.add(step.given);
  if (step.closingByStaff && step.effective) codes.add(step.effective);
  for (const code of codes) {
    const cause = await rootCauseOf(tx, tenantId, code);
    if (!cause) throw invalidField('rootCause', 'unknown_root_cause', { code });
    const parent = cause.parentCode ? await rootCauseOf(tx, tenantId, cause.parentCode) : undefined;
    if (cause.archived || parent?.archived) throw invalidField('rootCause', 'root_cause_archived', { code });
  }
}

export async function createRootCause(tx: Executor, tenantId: string, actor: Actor, input: CreateRootCause, ip: string, now = new Date()): Promise<RootCauseView> {
  await ensureStoredTaxonomy(tx, tenantId);
  // One writer at a time per workspace: the existence and parent checks then hold until commit.
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('complaint-root-causes'), hashtext(${tenantId}))`);
  if (await findCause(tx, tenantId, input.code)) throw new Problem(409, 'root_cause_exists', { code: input.code }, [{ field: 'code', code: 'root_cause_exists', message: 'root_cause_exists' }]);
  let dimension = input.dimension;
  if (input.parentCode !== undefined) {
    const parent = await findCause(tx, tenantId, input.parentCode);
    if (!parent || parent.parentCode !== null) throw invalidField('parentCode', 'root_cause_parent_invalid');
    dimension ??= parent.dimension as ServqualDimension;
  }
  if (!dimension) throw invalidField('dimension', 'validation_failed');
  const [row] = await tx.insert(complaintRootCauses).values({
    tenantId, code: input.code, parentCode: input.parentCode ?? null, dimension, labels: input.labels,
    position: input.position ?? 1000, createdAt: now, updatedAt: now,
  }).returning();
  await recordAudit(tx, tenantId, actor, { action: 'complaint.root_cause.created', targetType: 'complaint_root_cause', targetId: input.code, ip, details: { ...input } });
  return present(row!);
}

export async function updateRootCause(tx: Executor, tenantId: string, actor: Actor, code: string, patch: UpdateRootCause, ip: string, now = new Date()): Promise<RootCauseView> {
  await ensureStoredTaxonomy(tx, tenantId);
  const row = await findCause(tx, tenantId, code, true);
  if (!row) throw notFound();
  const set: Partial<typeof complaintRootCauses.$inferInsert> = { updatedAt: now };
  if (patch.labels) set.labels = patch.labels;
  if (patch.dimension) set.dimension = patch.dimension;
  if (patch.position !== undefined) set.position = patch.position;
  if (patch.archived === true && row.archivedAt === null) set.archivedAt = now;
  if (patch.archived === false) set.archivedAt = null;
  const [updated] = await tx.update(complaintRootCauses).set(set)
    .where(and(eq(complaintRootCauses.tenantId, tenantId), eq(complaintRootCauses.code, code))).returning();
  const action = patch.archived === true ? 'complaint.root_cause.archived' : patch.archived === false ? 'complaint.root_cause.restored' : 'complaint.root_cause.updated';
  await recordAudit(tx, tenantId, actor, { action, targetType: 'complaint_root_cause', targetId: code, ip, details: { ...patch } });
  return present(updated!);
}
