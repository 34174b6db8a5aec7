import { and, desc, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { workspaces } from '../workspace/index.ts';
import { accounts, invitations, members, sessions } from './team.schema.ts';

export type AccountRow = typeof accounts.$inferSelect;

export async function findAccountByEmail(db: Executor, email: string): Promise<AccountRow | undefined> {
  const [row] = await db.select().from(accounts).where(eq(accounts.email, email));
  return row;
}

export async function findAccount(db: Executor, id: string): Promise<AccountRow | undefined> {
  const [row] = await db.select().from(accounts).where(eq(accounts.id, id));
  return row;
}

/** The instance's first account becomes an instance administrator (it may create workspaces). */
export async function insertAccount(db: Executor, row: typeof accounts.$inferInsert): Promise<AccountRow> {
  const [created] = await db
    .insert(accounts)
    .values({ ...row, instanceAdmin: row.instanceAdmin ?? sql`NOT EXISTS (SELECT 1 FROM accounts)` })
    .returning();
  return created!;
}

export async function updateAccount(db: Executor, id: string, patch: Partial<typeof accounts.$inferInsert>): Promise<void> {
  await db.update(accounts).set(patch).where(eq(accounts.id, id));
}

export async function membershipsOf(db: Executor, accountId: string) {
  return db
    .select({ tenantId: members.tenantId, role: members.role, slug: workspaces.slug, name: workspaces.name, requireTwoFactor: workspaces.requireTwoFactor })
    .from(members)
    .innerJoin(workspaces, eq(workspaces.id, members.tenantId))
    .where(and(eq(members.accountId, accountId), isNull(members.disabledAt)))
    .orderBy(workspaces.createdAt);
}

export async function upsertMember(db: Executor, tenantId: string, accountId: string, role: string): Promise<void> {
  await db
    .insert(members)
    .values({ tenantId, accountId, role })
    .onConflictDoUpdate({ target: [members.tenantId, members.accountId], set: { role, disabledAt: null } });
}

export async function listMembers(db: Executor, tenantId: string) {
  return db
    .select({ accountId: members.accountId, role: members.role, createdAt: members.createdAt, disabledAt: members.disabledAt, email: accounts.email, displayName: accounts.displayName })
    .from(members)
    .innerJoin(accounts, eq(accounts.id, members.accountId))
    .where(eq(members.tenantId, tenantId))
    .orderBy(members.createdAt);
}

export async function findMember(db: Executor, tenantId: string, accountId: string) {
  const [row] = await db.select().from(members).where(and(eq(members.tenantId, tenantId), eq(members.accountId, accountId)));
  return row;
}

export async function updateMember(db: Executor, tenantId: string, accountId: string, patch: { role?: string; disabledAt?: Date | null }) {
  await db.update(members).set(patch).where(and(eq(members.tenantId, tenantId), eq(members.accountId, accountId)));
}

/** Active owners, locked so two concurrent demotions cannot leave a workspace ownerless. */
export async function countActiveOwners(db: Executor, tenantId: string): Promise<number> {
  const result = await db.execute<{ account_id: string }>(
    sql`SELECT account_id FROM members WHERE tenant_id = ${tenantId} AND role = 'owner' AND disabled_at IS NULL FOR UPDATE`,
  );
  return result.rows.length;
}

export async function insertSession(db: Executor, row: typeof sessions.$inferInsert): Promise<void> {
  await db.insert(sessions).values(row);
}

export async function findLiveSession(db: Executor, tokenHash: string) {
  const [row] = await db
    .select({
      accountId: sessions.accountId, tenantId: sessions.tenantId, csrfToken: sessions.csrfToken, role: members.role, lastSeenAt: sessions.lastSeenAt,
      mustEnrolTwoFactor: sql<boolean>`${workspaces.requireTwoFactor} AND ${accounts.totpEnabledAt} IS NULL`,
    })
    .from(sessions)
    .innerJoin(members, and(eq(members.tenantId, sessions.tenantId), eq(members.accountId, sessions.accountId), isNull(members.disabledAt)))
    .innerJoin(workspaces, eq(workspaces.id, sessions.tenantId))
    .innerJoin(accounts, eq(accounts.id, sessions.accountId))
    .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, new Date())));
  return row;
}

export async function touchSession(db: Executor, tokenHash: string): Promise<void> {
  await db.update(sessions).set({ lastSeenAt: new Date() }).where(eq(sessions.tokenHash, tokenHash));
}

export async function listSessionsOf(db: Executor, accountId: string) {
  return db
    .select({
      id: sessions.id, tokenHash: sessions.tokenHash, createdAt: sessions.createdAt, lastSeenAt: sessions.lastSeenAt, expiresAt: sessions.expiresAt,
      ip: sessions.ip, userAgent: sessions.userAgent, slug: workspaces.slug, name: workspaces.name,
    })
    .from(sessions)
    .innerJoin(workspaces, eq(workspaces.id, sessions.tenantId))
    .where(and(eq(sessions.accountId, accountId), gt(sessions.expiresAt, new Date())))
    .orderBy(desc(sessions.lastSeenAt));
}

/** Ends one of the account's sessions by its public id; returns whether it existed. */
export async function deleteSessionById(db: Executor, accountId: string, id: string): Promise<boolean> {
  const rows = await db.delete(sessions).where(and(eq(sessions.accountId, accountId), eq(sessions.id, id))).returning({ id: sessions.id });
  return rows.length > 0;
}

/** Ends every session of the account in every workspace, except `keepTokenHash` if given; returns how many. */
export async function deleteAccountSessions(db: Executor, accountId: string, keepTokenHash?: string): Promise<number> {
  const rows = await db
    .delete(sessions)
    .where(and(eq(sessions.accountId, accountId), keepTokenHash ? ne(sessions.tokenHash, keepTokenHash) : undefined))
    .returning({ id: sessions.id });
  return rows.length;
}

export async function deleteSession(db: Executor, tokenHash: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
}

export async function deleteSessionsOf(db: Executor, tenantId: string, accountId: string): Promise<void> {
  await db.delete(sessions).where(and(eq(sessions.tenantId, tenantId), eq(sessions.accountId, accountId)));
}

export async function insertInvitation(db: Executor, row: typeof invitations.$inferInsert) {
  const [created] = await db.insert(invitations).values(row).returning();
  return created!;
}

export async function listInvitations(db: Executor, tenantId: string) {
  return db.select().from(invitations).where(and(eq(invitations.tenantId, tenantId), isNull(invitations.revokedAt))).orderBy(invitations.createdAt);
}

export async function revokeInvitation(db: Executor, tenantId: string, id: string) {
  const [row] = await db
    .update(invitations)
    .set({ revokedAt: new Date() })
    .where(and(eq(invitations.tenantId, tenantId), eq(invitations.id, id), isNull(invitations.acceptedAt)))
    .returning();
  return row;
}

/** The address an open invitation was sent to, if the token is one. */
export async function invitationEmail(db: Executor, tokenHash: string): Promise<string | undefined> {
  const [row] = await db
    .select({ email: invitations.email })
    .from(invitations)
    .where(and(eq(invitations.tokenHash, tokenHash), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, new Date())));
  return row?.email;
}

/** Claims an open invitation by its token hash; returns nothing if used, revoked or expired. */
export async function claimInvitation(db: Executor, tokenHash: string) {
  const [row] = await db
    .update(invitations)
    .set({ acceptedAt: new Date() })
    .where(and(eq(invitations.tokenHash, tokenHash), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, new Date())))
    .returning();
  return row;
}
