import type { FastifyRequest } from 'fastify';
import type { Executor } from '../../platform/db/connect.ts';
import type { App } from '../../platform/http/server.ts';
import { memberOfSession, portalWorkspace, sessionTokenHash } from './member-otp.service.ts';
import { MEMBER_COOKIE } from './member-portal.routes.ts';

// The portal's signed-in routes are limited per session, not per address (a carrier's NAT puts
// many members behind one). But the cookie is the caller's to write: keyed on it as sent, a made-up
// value each request bought a fresh allowance, so a signed-out flood met no limit at all. A cookie
// counts as a session's only once it named a live one; anything else is limited per address.

/** Requests a signed-out caller (no cookie, or one naming no live session) may make per address a minute, over all portal routes of a prefix. */
export const SIGNED_OUT_PER_ADDRESS_PER_MINUTE = 120;

/** How long a cookie seen naming a live session keys as that session without asking the database again. */
const KNOWN_FOR_MS = 60_000;
const KNOWN_MAX = 10_000;

/**
 * A rate-limit key generator for the portal's signed-in routes: `prefix:<session>` for a live
 * session of the workspace in the address, `prefix-signed-out:<address>` otherwise. Keying only;
 * the route still checks the session itself.
 */
export function memberRateKey(db: Executor, prefix: string) {
  const known = new Map<string, number>();
  return async (req: FastifyRequest): Promise<string> => {
    const token = req.cookies[MEMBER_COOKIE];
    const signedOut = `${prefix}-signed-out:${req.ip}`;
    if (!token || token.length > 100) return signedOut;
    const slug = (req.params as { workspaceSlug?: string }).workspaceSlug ?? '';
    const key = `${slug}:${sessionTokenHash(token)}`;
    const now = Date.now();
    if ((known.get(key) ?? 0) > now) return `${prefix}:${key}`;
    try {
      const workspace = await portalWorkspace(db, slug);
      await memberOfSession(db, workspace.tenantId, token, new Date(now));
    } catch {
      return signedOut;
    }
    if (known.size >= KNOWN_MAX) known.clear();
    known.set(key, now + KNOWN_FOR_MS);
    return `${prefix}:${key}`;
  };
}

/** The limit of a group of signed-in portal routes: `perSession` a minute for a live session, SIGNED_OUT_PER_ADDRESS_PER_MINUTE per address for anyone else. */
export function memberRateLimit(app: App, db: Executor, prefix: string, perSession: number) {
  return app.rateLimit({
    timeWindow: '1 minute',
    keyGenerator: memberRateKey(db, prefix),
    max: (_req, key) => (key.startsWith(`${prefix}-signed-out:`) ? SIGNED_OUT_PER_ADDRESS_PER_MINUTE : perSession),
  });
}
