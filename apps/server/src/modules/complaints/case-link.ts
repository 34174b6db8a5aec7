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

/**
 * `{publicUrl}/c/{workspace}/track?code={code}&lang={language}#token={token}`: the web app's public
 * tracking page (apps/web routes `complaintTrack`), which reads the token from the fragment and drops
 * it from the address, and opens in the language the notice was written in (the customer's phone
 * may be set to another).
 */
export function caseTrackingLink(publicUrl: string, workspaceSlug: string, trackingCode: string, token: string, language?: string): string {
  const lang = language ? `&lang=${encodeURIComponent(language)}` : '';
  return `${publicUrl}/c/${encodeURIComponent(workspaceSlug)}/track?code=${trackingCode}${lang}#token=${token}`;
}

export async function workspaceSlug(db: Executor, tenantId: string): Promise<string | undefined> {
  const [row] = await db.select({ slug: workspaces.slug }).from(workspaces).where(eq(workspaces.id, tenantId));
  return row?.slug;
}
