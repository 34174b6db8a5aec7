import type { FastifyRequest } from 'fastify';
import type { Executor } from '../../platform/db/connect.ts';
import { credentialRateLimit, rememberedCredentials } from '../../platform/http/credential-limit.ts';
import type { App } from '../../platform/http/server.ts';
import { memberOfSession, portalWorkspace, sessionTokenHash } from './member-otp.service.ts';
import { MEMBER_COOKIE } from './member-portal.routes.ts';

// The portal's signed-in routes are limited per session, not per address (a carrier's NAT puts
// many members behind one). The cookie is the caller's to write, so it counts as a session's only
// once it named a live one (platform/http/credential-limit.ts); anything else is limited per address.

/** Requests a signed-out caller (no cookie, or one naming no live session) may make per address a minute, over all portal routes of a prefix. */
export const SIGNED_OUT_PER_ADDRESS_PER_MINUTE = 120;

/**
 * The live session a request's cookie names, as `<workspace slug>:<token hash>`, or undefined.
 * Only for keying; the route still checks the session itself.
 */
function liveSession(db: Executor) {
  const known = rememberedCredentials<true>();
  return async (req: FastifyRequest): Promise<string | undefined> => {
    const token = req.cookies[MEMBER_COOKIE];
    if (!token || token.length > 100) return undefined;
    const slug = (req.params as { workspaceSlug?: string }).workspaceSlug ?? '';
    const key = `${slug}:${sessionTokenHash(token)}`;
    const now = Date.now();
    if (known.get(key, now)) return key;
    try {
      const workspace = await portalWorkspace(db, slug);
      await memberOfSession(db, workspace.tenantId, token, new Date(now));
    } catch {
      return undefined;
    }
    known.set(key, true, now);
    return key;
  };
}

/** The limit of a group of signed-in portal routes: `perSession` a minute for a live session, SIGNED_OUT_PER_ADDRESS_PER_MINUTE per address for anyone else. */
export function memberRateLimit(app: App, db: Executor, prefix: string, perSession: number) {
  return credentialRateLimit(app, { name: prefix, perCredential: perSession, perAddress: SIGNED_OUT_PER_ADDRESS_PER_MINUTE, credentialOf: liveSession(db) });
}
