// Message status, reason and origin as the message log and the customer timeline show them.
import { Link } from 'react-aria-components';
import type { MessageKey } from '../../i18n/index.ts';
import { useT } from '../../i18n/useT.ts';
import type { ChannelName, Status } from './api.ts';
import { AlertIcon, Badge, UserText } from '../../ui/index.ts';

const TONE: Record<Status, 'neutral' | 'good' | 'bad' | 'info' | 'warn'> = {
  queued: 'neutral', sending: 'info', sent: 'good', delivered: 'good', failed: 'warn', dead: 'bad', suppressed: 'neutral',
};

const KNOWN_STATUSES = new Set<string>(Object.keys(TONE));

export function MessageStatusBadge({ status }: { status: string }) {
  const t = useT();
  if (!KNOWN_STATUSES.has(status)) return <Badge><bdi>{status}</bdi></Badge>;
  const known = status as Status;
  return (
    <span className={`message-status status-${known}`} data-status={known}>
      <Badge tone={TONE[known]}>{known === 'dead' && <AlertIcon size={14} />}{t(`messages.status.${known}`)}</Badge>
    </span>
  );
}

export function ChannelLabel({ channel }: { channel: string }) {
  const t = useT();
  return (channel === 'email' || channel === 'sms' || channel === 'webhook') ? <>{t(`messages.channel.${channel as ChannelName}`)}</> : <bdi>{channel}</bdi>;
}

const KNOWN_REASONS = new Set([
  'no_consent', 'unsubscribed', 'quiet_hours', 'frequency_cap', 'rate_limited', 'unknown_customer', 'customer_erased', 'customer_merged',
  'email_not_configured', 'sms_not_configured', 'webhook_endpoint_missing', 'smtp_connection', 'max_attempts', 'send_error',
  'outbound_refused', 'outbound_unreachable', 'outbound_timeout', 'tls_failed', 'smtp_auth_failed', 'smtp_protocol',
]);

/** A dispatcher reason code in words; provider status codes keep their number; unknown codes show as they are. */
export function useReasonText(): (reason: string | null | undefined) => string | null {
  const t = useT();
  return (reason) => {
    if (!reason) return null;
    if (KNOWN_REASONS.has(reason)) return t(`messages.reason.${reason}` as MessageKey);
    const smtp = /^smtp_(\d{3})$/.exec(reason);
    if (smtp) return t('messages.reason.smtp', { code: smtp[1]! });
    const http = /^(?:webhook|sms)_(\d{3})$/.exec(reason);
    if (http) return t('messages.reason.http', { code: http[1]! });
    return reason;
  };
}

const str = (origin: Record<string, unknown>, key: string) => {
  const value = origin[key];
  return typeof value === 'string' && value.length > 0 ? value : null;
};

/** Where a message came from: the rule, template or follow-up that decided it, as links. */
export function MessageOrigin({ origin }: { origin: Record<string, unknown> }) {
  const t = useT();
  const ruleId = str(origin, 'ruleId');
  const templateId = str(origin, 'templateId');
  const followupId = str(origin, 'followupId');
  const parts = [];
  if (ruleId) parts.push(<Link key="rule" href={`/engagement/automations/${ruleId}`}>{t('messages.origin.rule')}</Link>);
  if (templateId) parts.push(<Link key="template" href={`/engagement/templates/${templateId}`}>{t('messages.origin.template')}</Link>);
  if (followupId) parts.push(<Link key="followup" href={`/engagement/followups/${followupId}`}>{t('messages.origin.followup')}</Link>);
  if (parts.length === 0) {
    const kind = str(origin, 'kind') ?? str(origin, 'source');
    if (kind === 'test' || origin.test === true) return <span className="muted">{t('messages.origin.test')}</span>;
    if (str(origin, 'actorId')) return <span className="muted">{t('messages.origin.manual')}</span>;
    return <span className="muted">{t('common.none')}</span>;
  }
  return <span className="origin-links">{parts}</span>;
}

/** A recipient (address, number or URL) is Latin text inside an RTL page: isolate it left to right. */
export function Recipient({ value }: { value: string }) {
  return <span className="recipient"><UserText ltr>{value}</UserText></span>;
}
