import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../../platform/http/server.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { ThrottledProblem } from './login-throttle.ts';
import type { OpenedSession } from './team.service.ts';

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, deps: ModuleDeps, session: OpenedSession) {
  const secure = deps.config.cookieSecure === 'auto' ? request.protocol === 'https' : deps.config.cookieSecure;
  reply.setCookie(SESSION_COOKIE, session.token, { httpOnly: true, sameSite: 'lax', secure, path: '/', expires: session.expiresAt });
}

/** Runs a throttle check, adding Retry-After when it refuses. */
export async function throttleGate(reply: FastifyReply, check: Promise<void>): Promise<void> {
  try {
    await check;
  } catch (err) {
    if (err instanceof ThrottledProblem) reply.header('retry-after', String(err.retryAfterSeconds));
    throw err;
  }
}

export const clientOf = (req: FastifyRequest) => ({ ip: req.ip, userAgent: req.headers['user-agent'] });
