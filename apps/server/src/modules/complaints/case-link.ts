import { timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { signature, type Secrets } from '../../platform/messaging/sealed.ts';
import { workspaces } from '../workspace/index.ts';

/**
 * The tracking link in a complaint's notices: the workspace, the code and a token signed with the
 * instance key for this case, so the customer need not type the code or prove the phone. The token
 * rides in the fragment (`#token=`), which browsers never send to a server or in a Referer; the
 * page posts it with the code. It does not expire (like the case), and the outbox keeps the link
 * only sealed.
 */
export function caseLinkToken(secrets: Secrets, tenantId: string, caseId: string): string {
  return signature(secrets, 'complaint-case-link', `${tenantId}:${caseId}`, 18);
}

export function caseLinkTokenMatches(secrets: Secrets, tenantId: string, caseId: string, token: string): boolean {
  const expected = Buffer.from(caseLinkToken(secrets, tenantId, caseId));
  const given = Buffer.from(token);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** `{publicUrl}/complaints/track/{workspace}?code={code}#token={token}`; the public tracking page lives there. */
export function caseTrackingLink(publicUrl: string, workspaceSlug: string, trackingCode: string, token: string): string {
  return `${publicUrl}/complaints/track/${encodeURIComponent(workspaceSlug)}?code=${trackingCode}#token=${token}`;
}

export async function workspaceSlug(db: Executor, tenantId: string): Promise<string | undefined> {
  const [row] = await db.select({ slug: workspaces.slug }).from(workspaces).where(eq(workspaces.id, tenantId));
  return row?.slug;
}
