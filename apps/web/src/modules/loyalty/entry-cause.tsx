// What a points entry was for, when the system booked it for an event and the staff history's
// note alone does not say it in the reader's language: a review the shop reported.
import { useT } from '../../i18n/useT.ts';

export function EntryEventCause({ source }: { source: string }) {
  const t = useT();
  if (source !== 'system:event:review') return null;
  return <span data-testid="loyalty-entry-cause">{t('memberPortal.cause.review')}</span>;
}
