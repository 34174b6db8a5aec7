import {
  AcceptInvitation, CreateInvitation, CreatedInvitation, InvitationView, Login, LoginResult, MemberView, SessionView, UpdateMe, UpdateMember, Uuid, NoContent,
} from '@vafa/contracts';
import { z } from 'zod';
import { publicBaseUrl } from '../../platform/config.ts';
import { Problem, notFound } from '../../platform/http/problem.ts';
import { SESSION_COOKIE, type App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { recordAudit } from '../workspace/index.ts';
import { clientOf, setSessionCookie, throttleGate } from './http-helpers.ts';
import { assertNotThrottled, clearLoginFailures, recordLoginFailure } from './login-throttle.ts';
import * as repo from './team.repo.ts';
import * as team from './team.service.ts';
import { issueChallenge } from './two-factor.service.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

// Single sign-on signs people in the same way.
export { setSessionCookie };

export function registerTeamRoutes(app: App, deps: ModuleDeps): void {
  app.post('/api/auth/login', {
    config: { access: 'public' },
    schema: {
      tags: ['auth'],
      summary: 'Sign in with e-mail and password; with a second factor on, answers a challenge for /api/auth/login/two-factor',
      body: Login,
      response: { 200: LoginResult },
    },
  }, async (req, reply) => {
    // Per-account back-off first (per-IP limits apply to every public route): a locked address is refused unchecked.
    await throttleGate(reply, assertNotThrottled(deps.database.db, req.body.email));
    const account = await team.verifyLogin(deps.database.db, req.body.email, req.body.password);
    if (!account) {
      const lockSeconds = await recordLoginFailure(deps.database.db, req.body.email);
      const known = await repo.findAccountByEmail(deps.database.db, req.body.email);
      if (known) {
        for (const m of await repo.membershipsOf(deps.database.db, known.id)) {
          await recordAudit(deps.database.db, m.tenantId, null, { action: 'login.failed', targetType: 'account', targetId: known.id, ip: req.ip });
        }
        if (lockSeconds) await team.auditAccount(deps.database.db, known.id, null, { action: 'login.locked', ip: req.ip, details: { seconds: lockSeconds } });
      }
      throw new Problem(401, 'invalid_credentials');
    }
    const memberships = await repo.membershipsOf(deps.database.db, account.id);
    const chosen = req.body.workspace ? memberships.find((m) => m.slug === req.body.workspace) : memberships[0];
    if (!chosen) throw new Problem(401, 'invalid_credentials');
    if (account.totpEnabledAt) return { twoFactorRequired: true as const, challenge: issueChallenge(deps.config, account.id, chosen.tenantId) };
    await clearLoginFailures(deps.database.db, req.body.email);
    const view = await deps.database.db.transaction(async (tx) => {
      const session = await team.openSession(tx, account.id, chosen.tenantId, clientOf(req));
      setSessionCookie(req, reply, deps, session);
      const actor = { kind: 'user' as const, id: account.id, tenantId: chosen.tenantId, role: chosen.role as never, csrfToken: session.csrfToken };
      await recordAudit(tx, chosen.tenantId, actor, { action: 'login', targetType: 'account', targetId: account.id, ip: req.ip });
      return team.sessionView(tx, actor);
    });
    return view;
  });

  app.post('/api/auth/logout', {
    config: { access: 'authenticated', beforeTwoFactor: true },
    schema: { tags: ['auth'], summary: 'Sign out of this session', response: { 204: NoContent.describe('Signed out') } },
  }, async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) await team.closeSession(deps.database.db, token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });

  app.get('/api/auth/session', {
    // A browser that never signed in asks this on every first visit: "nobody" is an answer (204),
    // not an error. A session cookie that no longer works is still a 401.
    config: { access: 'authenticated', beforeTwoFactor: true, sessionOptional: true },
    schema: {
      tags: ['auth'],
      summary: 'The signed-in user, workspace, role and CSRF token; 204 when no credential was presented',
      response: { 200: SessionView, 204: z.null().describe('Nobody is signed in') },
    },
  }, async (req, reply) => {
    if (!req.actor) return reply.code(204).send();
    if (req.actor.kind !== 'user') throw new Problem(403, 'forbidden');
    return team.sessionView(deps.database.db, req.actor!);
  });

  app.post('/api/auth/switch', {
    config: { access: 'authenticated', beforeTwoFactor: true },
    schema: { tags: ['auth'], summary: 'Switch to another workspace of this account', body: z.strictObject({ workspace: z.string().max(64) }), response: { 200: SessionView } },
  }, async (req, reply) => {
    if (req.actor!.kind !== 'user') throw new Problem(403, 'forbidden');
    const target = (await repo.membershipsOf(deps.database.db, req.actor!.id)).find((m) => m.slug === req.body.workspace);
    if (!target) throw notFound();
    return deps.database.db.transaction(async (tx) => {
      const old = req.cookies[SESSION_COOKIE];
      if (old) await team.closeSession(tx, old);
      const session = await team.openSession(tx, req.actor!.id, target.tenantId, clientOf(req));
      setSessionCookie(req, reply, deps, session);
      return team.sessionView(tx, { kind: 'user', id: req.actor!.id, tenantId: target.tenantId, role: target.role as never, csrfToken: session.csrfToken });
    });
  });

  app.patch('/api/me', {
    config: { access: 'authenticated', beforeTwoFactor: true },
    schema: { tags: ['auth'], summary: 'Change my display name or language', body: UpdateMe, response: { 200: SessionView } },
  }, async (req, reply) => {
    if (req.actor!.kind !== 'user') throw new Problem(403, 'forbidden');
    const result = await req.write(async (tx) => {
      await repo.updateAccount(tx, req.actor!.id, req.body);
      return { status: 200, body: await team.sessionView(tx, req.actor!) };
    });
    return sendWrite(reply, result);
  });

  app.get('/api/members', {
    config: { access: 'members:read' },
    schema: { tags: ['team'], summary: 'Members of this workspace', response: { 200: z.object({ items: z.array(MemberView) }) } },
  }, async (req) => {
    const rows = await repo.listMembers(deps.database.db, req.tenantId);
    return { items: rows.map((r) => ({ accountId: r.accountId, email: r.email, displayName: r.displayName, role: r.role as never, createdAt: r.createdAt.toISOString(), disabled: r.disabledAt !== null })) };
  });

  app.patch('/api/members/:accountId', {
    config: { access: 'members:manage' },
    schema: { tags: ['team'], summary: "Change a member's role or disable them", params: z.strictObject({ accountId: Uuid }), body: UpdateMember, response: { 200: MemberView } },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      await team.changeMember(tx, req.tenantId, req.actor!, req.params.accountId, req.body, req.ip);
      const row = (await repo.listMembers(tx, req.tenantId)).find((m) => m.accountId === req.params.accountId)!;
      return { status: 200, body: { accountId: row.accountId, email: row.email, displayName: row.displayName, role: row.role as never, createdAt: row.createdAt.toISOString(), disabled: row.disabledAt !== null } };
    });
    return sendWrite(reply, result);
  });

  const presentInvitation = (r: Awaited<ReturnType<typeof repo.listInvitations>>[number]) => ({
    id: r.id, email: r.email, role: r.role as never, createdAt: r.createdAt.toISOString(), expiresAt: r.expiresAt.toISOString(), acceptedAt: iso(r.acceptedAt),
  });

  app.get('/api/invitations', {
    config: { access: 'members:manage' },
    schema: { tags: ['team'], summary: 'Open and accepted invitations', response: { 200: z.object({ items: z.array(InvitationView) }) } },
  }, async (req) => ({ items: (await repo.listInvitations(deps.database.db, req.tenantId)).map(presentInvitation) }));

  app.post('/api/invitations', {
    config: { access: 'members:manage' },
    schema: { tags: ['team'], summary: 'Invite someone by e-mail; the link is shown once', body: CreateInvitation, response: { 201: CreatedInvitation } },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      const { row, token } = await team.inviteMember(tx, req.tenantId, req.actor!, req.body, req.ip);
      // From configuration only: a Host header chosen by the caller must not decide where the link points.
      const base = publicBaseUrl(deps.config);
      return { status: 201, body: { ...presentInvitation(row), token, acceptUrl: `${base}/invitations/accept#${token}` } };
    }, { secretFields: ['token', 'acceptUrl'] });
    return sendWrite(reply, result);
  });

  app.delete('/api/invitations/:id', {
    config: { access: 'members:manage' },
    schema: { tags: ['team'], summary: 'Revoke an open invitation', params: z.strictObject({ id: Uuid }), response: { 204: NoContent.describe('Withdrawn') } },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      const row = await repo.revokeInvitation(tx, req.tenantId, req.params.id);
      if (!row) throw notFound();
      await recordAudit(tx, req.tenantId, req.actor, { action: 'invitation.revoked', targetType: 'invitation', targetId: row.id, ip: req.ip });
      return { status: 204, body: null };
    });
    return sendWrite(reply, result);
  });

  app.post('/api/invitations/accept', {
    config: { access: 'public' },
    schema: {
      tags: ['team'],
      summary: 'Accept an invitation and sign in; an existing account with a second factor answers a challenge for /api/auth/login/two-factor',
      body: AcceptInvitation,
      response: { 200: LoginResult },
    },
  }, async (req, reply) => {
    // An existing account joins with its password: that guess is throttled like a sign-in.
    const invitedEmail = await repo.invitationEmail(deps.database.db, team.sha256(req.body.token));
    if (invitedEmail) await throttleGate(reply, assertNotThrottled(deps.database.db, invitedEmail));
    const joined = await deps.database.db.transaction(async (tx) => {
      const { account, tenantId } = await team.acceptInvitation(tx, req.body, req.ip);
      return { account, tenantId, member: (await repo.findMember(tx, tenantId, account.id))! };
    }).catch(async (err: unknown) => {
      if (invitedEmail && err instanceof Problem && err.code === 'invalid_credentials') await recordLoginFailure(deps.database.db, invitedEmail);
      throw err;
    });
    const { account, tenantId, member } = joined;
    // The password alone does not open a session for an account with a second factor.
    if (account.totpEnabledAt) return { twoFactorRequired: true as const, challenge: issueChallenge(deps.config, account.id, tenantId) };
    return deps.database.db.transaction(async (tx) => {
      const session = await team.openSession(tx, account.id, tenantId, clientOf(req));
      setSessionCookie(req, reply, deps, session);
      return team.sessionView(tx, { kind: 'user', id: account.id, tenantId, role: member!.role as never, csrfToken: session.csrfToken });
    });
  });
}
