// Engagement entries on a customer's timeline: messages (channel, delivery status, why not sent)
// and follow-ups (status, outcome, a link to work it).
import type { TouchpointView } from '@vafa/contracts';
import { Link } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { formatInstant } from '../../lib/format.ts';
import { Badge } from '../../ui/index.ts';
import { FollowupReason } from './followup-parts.tsx';
import { MessageStatusBadge, useReasonText } from './message-parts.tsx';

export const ENGAGEMENT_KINDS = ['message.email', 'message.sms', 'message.webhook', 'followup.opened'];

const text = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : null);

export function EngagementTimelineDetail({ item }: { item: Pick<TouchpointView, 'kind' | 'channel' | 'data' | 'customerId'> }) {
  const t = useT();
  const prefs = usePrefs();
  const reasonText = useReasonText();
  if (item.kind.startsWith('message.')) {
    const status = text(item.data.status);
    const reason = reasonText(text(item.data.reason));
    const messageId = text(item.data.messageId);
    return (
      <div className="timeline-message" data-testid="timeline-message">
        {status && <MessageStatusBadge status={status} />}
        {reason && <span className={status === 'dead' || status === 'failed' ? 'reason-bad' : 'muted'}>{reason}</span>}
        {messageId && <Link href={`/engagement/messages?customer=${item.customerId}`}>{t('messages.forCustomer')}</Link>}
      </div>
    );
  }
  if (item.kind === 'followup.opened') {
    const id = text(item.data.followupId);
    const status = text(item.data.status);
    const outcome = text(item.data.outcome);
    const due = text(item.data.dueAt);
    const known = (o: string | null): o is 'reached' | 'no_answer' | 'resolved' | 'escalated' => o === 'reached' || o === 'no_answer' || o === 'resolved' || o === 'escalated';
    return (
      <div className="timeline-message" data-testid="timeline-followup">
        {text(item.data.reason) && <FollowupReason reason={text(item.data.reason)!} />}
        {status === 'done' ? <Badge tone="good">{known(outcome) ? t(`followups.outcome.${outcome}`) : t('followups.status.done')}</Badge> : <Badge tone="info">{t('followups.status.open')}</Badge>}
        {status !== 'done' && known(outcome) && <Badge tone="warn">{t(`followups.outcome.${outcome}`)}</Badge>}
        {status !== 'done' && due && <span className="muted">{t('followups.col.due')}: {formatInstant(due, prefs)}</span>}
        {id && <Link href={`/engagement/followups/${id}`}>{t('timeline.openFollowup')}</Link>}
      </div>
    );
  }
  return null;
}
