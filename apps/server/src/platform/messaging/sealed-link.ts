import type { ClaimedMessage } from './dispatch.types.ts';
import { openSecret, sealSecret, type Secrets } from './sealed.ts';

/**
 * Some transactional mail carries a secret link (a password reset). The outbox keeps messages
 * for the delivery log, so such a body holds this placeholder and the payload holds the link
 * sealed with the instance key; the e-mail channel opens it only to send.
 */
export const SEALED_LINK_PLACEHOLDER = '{{sealed_link}}';

export function sealedLinkPayload(secrets: Secrets, link: string): Record<string, unknown> {
  return { sealedLink: sealSecret(secrets, link) };
}

/** The message's text and HTML with the sealed link put back, ready to hand to SMTP. */
export function withSealedLink(secrets: Secrets, message: Pick<ClaimedMessage, 'bodyText' | 'bodyHtml' | 'payload'>): { text: string; html: string | null } {
  const sealed = message.payload?.sealedLink;
  if (typeof sealed !== 'string') return { text: message.bodyText, html: message.bodyHtml };
  const link = openSecret(secrets, sealed);
  const escaped = link.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return {
    text: message.bodyText.split(SEALED_LINK_PLACEHOLDER).join(link),
    html: message.bodyHtml === null ? null : message.bodyHtml.split(SEALED_LINK_PLACEHOLDER).join(escaped),
  };
}
