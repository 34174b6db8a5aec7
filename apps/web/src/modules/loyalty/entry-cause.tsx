// What a points entry was for, when the system booked it for an event: the staff history says it in
// the reader's words (the member portal's, from the same table: eventCause in @vafa/contracts), and
// the entry's note, which the server writes as "<program> · <topic>" with the topic's code, is shown
// as the program's name alone.
import { eventCause } from '@vafa/contracts';
import { useT } from '../../i18n/useT.ts';

const eventOf = (source: string) => /^system:event:(.+)$/.exec(source)?.[1];

export function EntryEventCause({ source }: { source: string }) {
  const t = useT();
  const cause = eventCause(source);
  if (!cause) return null;
  return <span data-testid="loyalty-entry-cause">{t(`memberPortal.cause.${cause}`)}</span>;
}

/** The note to show: an event entry's "<program> · <topic code>" without its code. */
export function entryNote(entry: { source: string; reason: string | null }): string | null {
  const event = eventOf(entry.source);
  if (!event || entry.reason === null) return entry.reason;
  const suffix = ` · ${event}`;
  return entry.reason.endsWith(suffix) ? entry.reason.slice(0, -suffix.length) : entry.reason;
}
