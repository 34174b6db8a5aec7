import { createHash, randomBytes, randomUUID } from 'node:crypto';
import argon2 from 'argon2';
import type { Database, Executor } from '../../platform/db/connect.ts';
import type { Actor, Role } from '../../platform/http/access.ts';
import { Problem, notFound } from '../../platform/http/problem.ts';
import { recordAudit, type AuditEntry } from '../workspace/index.ts';
import * as repo from './team.repo.ts';

const SESSION_DAYS = 14;
const INVITATION_DAYS = 7;
export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const LAST_SEEN_GRANULARITY_MS = 60_000;

// OWASP's argon2id baseline (19 MiB, 2 passes): strong, yet a login costs ~30 ms here.
const ARGON2 = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string) => argon2.hash(password, ARGON2);

// Verifying against a throwaway hash when the account does not exist keeps response time
// the same, so login timing does not reveal which e-mails have accounts.
let decoyHash: Promise<string> | undefined;

export async function verifyLogin(db: Executor, email: string, password: string): Promise<repo.AccountRow | null> {
  const account = await repo.findAccountByEmail(db, email);
  decoyHash ??= hashPassword(randomBytes(16).toString('hex'));
  const ok = await argon2.verify(account?.passwordHash ?? (await decoyHash), password).catch(() => false);
  return account && ok ? account : null;
}

export interface OpenedSession {
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

/** Where a session was opened from, shown in the account's session list. */
export interface SessionClient {
  ip?: string;
  userAgent?: string;
}

export async function openSession(tx: Executor, accountId: string, tenantId: string, client: SessionClient = {}): Promise<OpenedSession> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + SESSION_DAYS * 86_400_000);
  await repo.insertSession(tx, { tokenHash: sha256(token), accountId, tenantId, csrfToken, expiresAt, ip: client.ip ?? null, userAgent: client.userAgent?.slice(0, 400) ?? null });
  return { token, csrfToken, expiresAt };
}

export async function closeSession(tx: Executor, token: string): Promise<void> {
  await repo.deleteSession(tx, sha256(token));
}

export async function actorFromSession(database: Database, token: string): Promise<Actor | null> {
  if (token.length > 100) return null;
  const tokenHash = sha256(token);
  const session = await repo.findLiveSession(database.db, tokenHash);
  if (!session) return null;
  // "Last seen" to the minute is enough for the session list, and spares a write per request.
  if (Date.now() - session.lastSeenAt.getTime() > LAST_SEEN_GRANULARITY_MS) await repo.touchSession(database.db, tokenHash);
  return {
    kind: 'user', id: session.accountId, tenantId: session.tenantId, role: session.role as Role, csrfToken: session.csrfToken, sessionTokenHash: tokenHash,
    ...(session.mustEnrolTwoFactor ? { mustEnrolTwoFactor: true } : {}),
  };
}

export async function sessionView(db: Executor, actor: Actor) {
  const account = await repo.findAccount(db, actor.id);
  if (!account) throw notFound();
  const workspaces = await repo.membershipsOf(db, actor.id);
  const current = workspaces.find((w) => w.tenantId === actor.tenantId);
  if (!current) throw notFound();
  return {
    account: {
      id: account.id, email: account.email, displayName: account.displayName, language: (account.language ?? null) as 'fa' | 'ar' | 'en' | null,
      twoFactorEnabled: account.totpEnabledAt !== null, instanceAdmin: account.instanceAdmin,
    },
    workspace: { id: current.tenantId, slug: current.slug, name: current.name },
    role: actor.role,
    csrfToken: actor.csrfToken ?? '',
    mustEnrolTwoFactor: current.requireTwoFactor && account.totpEnabledAt === null,
    workspaces: workspaces.map((w) => ({ id: w.tenantId, slug: w.slug, name: w.name, role: w.role as Role })),
  };
}

/** Creates the account if new and makes it a member; used by demo seeding, tests and invitations. */
export async function addMember(tx: Executor, tenantId: string, input: { email: string; displayName: string; password: string; role: Role; instanceAdmin?: boolean }) {
  let account = await repo.findAccountByEmail(tx, input.email);
  account ??= await repo.insertAccount(tx, {
    id: randomUUID(), email: input.email, displayName: input.displayName, passwordHash: await hashPassword(input.password),
    ...(input.instanceAdmin ? { instanceAdmin: true } : {}),
  });
  await repo.upsertMember(tx, tenantId, account.id, input.role);
  return account;
}

export async function changeMember(tx: Executor, tenantId: string, actor: Actor, accountId: string, patch: { role?: Role; disabled?: boolean }, ip: string) {
  const member = await repo.findMember(tx, tenantId, accountId);
  if (!member) throw notFound();
  // Only an owner may make or unmake owners.
  if ((patch.role === 'owner' || member.role === 'owner') && actor.role !== 'owner') throw new Problem(403, 'forbidden');
  const losesOwnership = member.role === 'owner' && !member.disabledAt && ((patch.role && patch.role !== 'owner') || patch.disabled === true);
  if (losesOwnership && (await repo.countActiveOwners(tx, tenantId)) <= 1) throw new Problem(409, 'last_owner');
  await repo.updateMember(tx, tenantId, accountId, {
    ...(patch.role ? { role: patch.role } : {}),
    ...(patch.disabled === undefined ? {} : { disabledAt: patch.disabled ? new Date() : null }),
  });
  if (patch.disabled) await repo.deleteSessionsOf(tx, tenantId, accountId);
  await recordAudit(tx, tenantId, actor, {
    action: patch.role && patch.role !== member.role ? 'member.role_changed' : 'member.updated',
    targetType: 'account',
    targetId: accountId,
    ip,
    details: { from: member.role, ...patch },
  });
}

export async function inviteMember(tx: Executor, tenantId: string, actor: Actor, input: { email: string; role: Role }, ip: string) {
  if (input.role === 'owner' && actor.role !== 'owner') throw new Problem(403, 'forbidden');
  const token = randomBytes(24).toString('base64url');
  const row = await repo.insertInvitation(tx, {
    tenantId,
    id: randomUUID(),
    email: input.email,
    role: input.role,
    tokenHash: sha256(token),
    invitedBy: actor.kind === 'user' ? actor.id : null,
    expiresAt: new Date(Date.now() + INVITATION_DAYS * 86_400_000),
  });
  await recordAudit(tx, tenantId, actor, { action: 'invitation.created', targetType: 'invitation', targetId: row.id, ip, details: { email: input.email, role: input.role } });
  return { row, token };
}

export async function acceptInvitation(tx: Executor, input: { token: string; displayName: string; password: string }, ip: string) {
  const invitation = await repo.claimInvitation(tx, sha256(input.token));
  if (!invitation) throw new Problem(410, 'invitation_invalid');
  const existing = await repo.findAccountByEmail(tx, invitation.email);
  const account = existing ?? (await repo.insertAccount(tx, { id: randomUUID(), email: invitation.email, displayName: input.displayName, passwordHash: await hashPassword(input.password) }));
  if (existing && !(await argon2.verify(existing.passwordHash, input.password).catch(() => false))) {
    // An existing account joins with its own password, so nobody can take it over by invitation.
    throw new Problem(401, 'invalid_credentials');
  }
  await repo.upsertMember(tx, invitation.tenantId, account.id, invitation.role);
  await recordAudit(tx, invitation.tenantId, { kind: 'user', id: account.id, tenantId: invitation.tenantId, role: invitation.role as Role }, {
    action: 'invitation.accepted', targetType: 'invitation', targetId: invitation.id, ip,
  });
  return { account, tenantId: invitation.tenantId };
}

/**
 * Records an action on an account in the audit log of every workspace it belongs to: accounts
 * are global, audit logs are per workspace, and each workspace's admins should see it.
 */
export async function auditAccount(tx: Executor, accountId: string, actor: Actor | null, entry: AuditEntry): Promise<void> {
  for (const m of await repo.membershipsOf(tx, accountId)) {
    await recordAudit(tx, m.tenantId, actor ? { ...actor, tenantId: m.tenantId } : null, { targetType: 'account', targetId: accountId, ...entry });
  }
}

export async function isInstanceAdmin(db: Executor, accountId: string): Promise<boolean> {
  return (await repo.findAccount(db, accountId))?.instanceAdmin === true;
}
