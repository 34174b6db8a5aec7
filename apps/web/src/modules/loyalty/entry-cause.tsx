// What a points entry was for, when the system booked it for an event: the staff history says it in
// the reader's words (as the member portal does), and the entry's note, which the server writes
// as "<program> · <topic>" with the topic's code, is shown as the program's name alone.
import { useT } from '../../i18n/useT.ts';
import type { MessageKey } from '../../i18n/en.ts';

/** Events whose entries name a cause of their own; any other system event is a club reward. */
const CAUSES: Record<string, MessageKey> = {
  'response.submitted': 'memberPortal.cause.survey',
  'complaint.goodwill': 'memberPortal.cause.complaint_goodwill',
  'referral.qualified': 'memberPortal.cause.referral',
  'customer.birthday': 'memberPortal.cause.birthday',
  review: 'memberPortal.cause.review',
};

const eventOf = (source: string) => /^system:event:(.+)$/.exec(source)?.[1];

export function EntryEventCause({ source }: { source: string }) {
  const t = useT();
  const event = eventOf(source);
  if (!event) return null;
  return <span data-testid="loyalty-entry-cause">{t(CAUSES[event] ?? 'memberPortal.cause.program_event')}</span>;
}

/** The note to show: an event entry's "<program> · <topic code>" without its code. */
export function entryNote(entry: { source: string; reason: string | null }): string | null {
  const event = eventOf(entry.source);
  if (!event || entry.reason === null) return entry.reason;
  const suffix = ` · ${event}`;
  return entry.reason.endsWith(suffix) ? entry.reason.slice(0, -suffix.length) : entry.reason;
}
