import {
  AccountSessionView, ChangePassword, CompletePasswordReset, ConfirmTwoFactor, DisableTwoFactor, LoginSecondFactor, RecoveryCodes,
  RequestPasswordReset, SessionView, TwoFactorEnrolment, TwoFactorStatus, Uuid, NoContent,
} from '@vafa/contracts';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { Problem, notFound } from '../../platform/http/problem.ts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { recordAudit } from '../workspace/index.ts';
import { assertNotThrottled, clearLoginFailures, recordLoginFailure } from './login-throttle.ts';
import { changePassword, completePasswordReset, requestPasswordReset } from './password.service.ts';
import { clientOf, setSessionCookie, throttleGate } from './http-helpers.ts';
import * as repo from './team.repo.ts';
import * as team from './team.service.ts';
import * as twoFactor from './two-factor.service.ts';

/** The signed-in person; account routes are not for API keys. */
function userOf(req: FastifyRequest) {
  if (req.actor?.kind !== 'user') throw new Problem(403, 'forbidden');
  return req.actor;
}

export function registerAccountSecurityRoutes(app: App, deps: ModuleDeps): void {
  const db = deps.database.db;

  app.post('/api/auth/login/two-factor', {
    config: { access: 'public' },
    schema: { tags: ['auth'], summary: 'Second step of signing in: the code from the authenticator app, or a recovery code', body: LoginSecondFactor, response: { 200: SessionView } },
  }, async (req, reply) => {
    const challenge = twoFactor.readChallenge(deps.config, req.body.challenge);
    if (!challenge) throw new Problem(401, 'two_factor_challenge_invalid');
    const account = await repo.findAccount(db, challenge.accountId);
    if (!account) throw new Problem(401, 'two_factor_challenge_invalid');
    await throttleGate(reply, assertNotThrottled(db, account.email));
    const used = await twoFactor.verifySecondFactor(db, deps.config, account.id, req.body.code);
    if (!used) {
      const lockSeconds = await recordLoginFailure(db, account.email);
      await team.auditAccount(db, account.id, null, { action: 'login.failed', ip: req.ip, details: { step: 'two_factor' } });
      if (lockSeconds) await team.auditAccount(db, account.id, null, { action: 'login.locked', ip: req.ip, details: { seconds: lockSeconds } });
      throw new Problem(401, 'two_factor_code_invalid');
    }
    const member = (await repo.membershipsOf(db, account.id)).find((m) => m.tenantId === challenge.tenantId);
    if (!member) throw new Problem(401, 'invalid_credentials');
    await clearLoginFailures(db, account.email);
    return db.transaction(async (tx) => {
      const session = await team.openSession(tx, account.id, member.tenantId, clientOf(req));
      setSessionCookie(req, reply, deps, session);
      const actor = { kind: 'user' as const, id: account.id, tenantId: member.tenantId, role: member.role as never, csrfToken: session.csrfToken };
      await recordAudit(tx, member.tenantId, actor, { action: 'login', targetType: 'account', targetId: account.id, ip: req.ip, details: { secondFactor: used } });
      if (used === 'recovery') await team.auditAccount(tx, account.id, actor, { action: 'two_factor.recovery_code_used', ip: req.ip });
      return team.sessionView(tx, actor);
    });
  });

  app.post('/api/auth/password-reset', {
    config: { access: 'public' },
    schema: {
      tags: ['auth'],
      summary: 'Mail a password reset link; answers the same whether or not the address has an account',
      body: RequestPasswordReset,
      response: { 202: z.object({ accepted: z.literal(true) }) },
    },
  }, async (req, reply) => {
    // Answer first, then do the work: a known address costs a token, a mail and an audit row,
    // and a reply that waited for them would tell by its timing which addresses have accounts.
    await reply.code(202).send({ accepted: true });
    try {
      await db.transaction((tx) => requestPasswordReset(tx, deps.config, deps.log, { email: req.body.email, locale: req.body.language ?? req.locale }, req.ip));
    } catch (err) {
      req.log.error({ err }, 'password reset request failed after it was answered');
    }
    return reply;
  });

  app.post('/api/auth/password-reset/complete', {
    config: { access: 'public' },
    schema: { tags: ['auth'], summary: 'Set a new password with the token of a reset link (once, within 30 minutes); every session ends', body: CompletePasswordReset, response: { 204: NoContent.describe('Password changed') } },
  }, async (req, reply) => {
    await db.transaction((tx) => completePasswordReset(tx, req.body, req.ip));
    return reply.code(204).send();
  });

  app.post('/api/account/password', {
    config: { access: 'authenticated' },
    schema: { tags: ['account'], summary: 'Change my password; my other sessions end', body: ChangePassword, response: { 204: NoContent.describe('Password changed') } },
  }, async (req, reply) => {
    const actor = userOf(req);
    const result = await req.write(async (tx) => {
      await changePassword(tx, actor, req.body, req.ip);
      return { status: 204, body: null };
    });
    return sendWrite(reply, result);
  });

  app.get('/api/account/two-factor', {
    config: { access: 'authenticated', beforeTwoFactor: true },
    schema: { tags: ['account'], summary: 'Whether my second factor is on, and how many recovery codes are left', response: { 200: TwoFactorStatus } },
  }, async (req) => twoFactor.twoFactorStatus(db, userOf(req).id));

  app.post('/api/account/two-factor/enrolment', {
    config: { access: 'authenticated', beforeTwoFactor: true },
    schema: { tags: ['account'], summary: 'Start setting up an authenticator app: a new secret and its QR code', response: { 200: TwoFactorEnrolment } },
  }, async (req, reply) => {
    const actor = userOf(req);
    const result = await req.write(async (tx) => {
      const workspace = (await repo.membershipsOf(tx, actor.id)).find((m) => m.tenantId === actor.tenantId);
      return { status: 200, body: await twoFactor.startEnrolment(tx, deps.config, actor, workspace?.name ?? '') };
    }, { secretFields: ['secret', 'otpauthUri', 'qrCode'] });
    return sendWrite(reply, result);
  });

  app.post('/api/account/two-factor/confirm', {
    config: { access: 'authenticated', beforeTwoFactor: true },
    schema: { tags: ['account'], summary: 'Turn the second factor on with a first code; answers the recovery codes, shown once', body: ConfirmTwoFactor, response: { 200: RecoveryCodes } },
  }, async (req, reply) => {
    const actor = userOf(req);
    const result = await req.write(async (tx) => ({
      status: 200, body: { recoveryCodes: await twoFactor.confirmEnrolment(tx, deps.config, actor, req.body.code, req.ip) },
    }), { secretFields: ['recoveryCodes'] });
    return sendWrite(reply, result);
  });

  app.post('/api/account/two-factor/recovery-codes', {
    config: { access: 'authenticated' },
    schema: { tags: ['account'], summary: 'Replace my recovery codes (the old ones stop working); needs my password', body: DisableTwoFactor, response: { 200: RecoveryCodes } },
  }, async (req, reply) => {
    const actor = userOf(req);
    const result = await req.write(async (tx) => ({
      status: 200, body: { recoveryCodes: await twoFactor.regenerateRecoveryCodes(tx, actor, req.body.password, req.ip) },
    }), { secretFields: ['recoveryCodes'] });
    return sendWrite(reply, result);
  });

  app.post('/api/account/two-factor/disable', {
    config: { access: 'authenticated' },
    schema: { tags: ['account'], summary: 'Turn my second factor off; needs my password', body: DisableTwoFactor, response: { 204: NoContent.describe('Two-step sign-in turned off') } },
  }, async (req, reply) => {
    const actor = userOf(req);
    const result = await req.write(async (tx) => {
      await twoFactor.disableTwoFactor(tx, actor, req.body.password, req.ip);
      return { status: 204, body: null };
    });
    return sendWrite(reply, result);
  });

  app.get('/api/account/sessions', {
    config: { access: 'authenticated' },
    schema: { tags: ['account'], summary: 'Where I am signed in', response: { 200: z.object({ items: z.array(AccountSessionView) }) } },
  }, async (req) => {
    const actor = userOf(req);
    const rows = await repo.listSessionsOf(db, actor.id);
    return {
      items: rows.map((r) => ({
        id: r.id, workspace: { slug: r.slug, name: r.name }, createdAt: r.createdAt.toISOString(), lastSeenAt: r.lastSeenAt.toISOString(),
        expiresAt: r.expiresAt.toISOString(), ip: r.ip, userAgent: r.userAgent, current: r.tokenHash === actor.sessionTokenHash,
      })),
    };
  });

  app.delete('/api/account/sessions/:id', {
    config: { access: 'authenticated' },
    schema: { tags: ['account'], summary: 'Sign one of my sessions out', params: z.strictObject({ id: Uuid }), response: { 204: NoContent.describe('Session ended') } },
  }, async (req, reply) => {
    const actor = userOf(req);
    const result = await req.write(async (tx) => {
      if (!(await repo.deleteSessionById(tx, actor.id, req.params.id))) throw notFound();
      await team.auditAccount(tx, actor.id, actor, { action: 'session.revoked', ip: req.ip, details: { sessionId: req.params.id } });
      return { status: 204, body: null };
    });
    return sendWrite(reply, result);
  });

  app.post('/api/account/sessions/revoke-others', {
    config: { access: 'authenticated' },
    schema: { tags: ['account'], summary: 'Sign out everywhere but here', response: { 200: z.object({ ended: z.number().int() }) } },
  }, async (req, reply) => {
    const actor = userOf(req);
    const result = await req.write(async (tx) => {
      const ended = await repo.deleteAccountSessions(tx, actor.id, actor.sessionTokenHash);
      await team.auditAccount(tx, actor.id, actor, { action: 'session.revoked_others', ip: req.ip, details: { ended } });
      return { status: 200, body: { ended } };
    });
    return sendWrite(reply, result);
  });
}
