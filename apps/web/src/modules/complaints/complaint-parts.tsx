// Pieces the queue and the case page share: state, severity and channel in words, the tracking
// code in the reader's digits, and the live SLA timer.
import { useEffect, useState } from 'react';
import { usePrefs } from '../../app/prefs.tsx';
import type { Session } from '../../lib/api.ts';
import { useT } from '../../i18n/useT.ts';
import { Badge } from '../../ui/index.ts';
import type { Channel, Severity, Sla, State } from './api.ts';
import { formatBusinessMinutes, formatTrackingCode, remainingNow } from './complaint-format.ts';

type Role = Session['role'];
/** Take lifecycle steps and record cases (complaints:work). */
export const canWorkComplaints = (role: Role) => role !== 'analyst';
/** Assign cases to members and teams (complaints:manage). */
export const canManageComplaints = (role: Role) => role === 'owner' || role === 'admin' || role === 'manager';

const STATE_TONE: Record<State, 'neutral' | 'good' | 'bad' | 'info' | 'warn'> = {
  received: 'warn', acknowledged: 'info', assessed: 'info', under_investigation: 'info', resolution_proposed: 'info',
  resolution_communicated: 'info', closed: 'good', reopened: 'warn', escalated: 'bad', waiting_for_customer: 'neutral',
};

export function StateBadge({ state }: { state: State }) {
  const t = useT();
  return <Badge tone={STATE_TONE[state]}>{t(`complaints.state.${state}`)}</Badge>;
}

export function SeverityBadge({ severity }: { severity: Severity }) {
  const t = useT();
  const tone = severity === 'critical' ? 'bad' : severity === 'high' ? 'warn' : 'neutral';
  return <Badge tone={tone}>{t(`complaints.severity.${severity}`)}</Badge>;
}

export function ChannelName({ channel }: { channel: Channel }) {
  const t = useT();
  return <>{t(`complaints.channel.${channel}`)}</>;
}

/** The code in groups of four, in the reader's digits, isolated so the groups keep their order in RTL. */
export function TrackingCode({ code, className }: { code: string; className?: string }) {
  const prefs = usePrefs();
  return <bdi dir="ltr" translate="no" className={`tracking-code ${className ?? ''}`.trim()}>{formatTrackingCode(code, prefs.digits)}</bdi>;
}

/** The current time, renewed every `ms` while mounted: the SLA timers count down with it. */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/**
 * A case's SLA: a badge for breached / at risk / paused / met, and the business time left (or
 * over) counted down in the browser from the server's figures while business hours are open.
 */
export function SlaTimer({ sla, now, compact }: { sla: Sla; now: number; compact?: boolean }) {
  const t = useT();
  const prefs = usePrefs();
  if (sla.state === 'none') return <span className="muted">{t('complaints.sla.none')}</span>;
  if (sla.state === 'met') return <Badge tone="good">{t('complaints.sla.met')}</Badge>;
  // The running target due first carries the case's remaining time.
  const running = Object.values(sla.targets).filter((c) => c.remainingMinutes !== null && (c.state === 'running' || c.state === 'paused' || c.state === 'breached'));
  const clock = running.sort((a, b) => (a.remainingMinutes ?? 0) - (b.remainingMinutes ?? 0))[0];
  const left = clock?.remainingMinutes == null ? null : remainingNow(clock.remainingMinutes, sla.evaluatedAt, sla.ticking && clock.state !== 'paused', now);
  const breached = sla.state === 'breached' || (left !== null && left < 0);
  const atRisk = !breached && (sla.state === 'at_risk' || (clock?.warningAt ? Date.parse(clock.warningAt) <= now : false));
  const tone = breached ? 'bad' : atRisk ? 'warn' : sla.state === 'paused' ? 'neutral' : 'info';
  const word = breached ? t('complaints.sla.breached') : atRisk ? t('complaints.sla.at_risk') : sla.state === 'paused' ? t('complaints.sla.paused') : null;
  const time = left === null ? null : breached ? t('complaints.sla.overBy', { time: formatBusinessMinutes(-left, prefs) }) : t('complaints.sla.left', { time: formatBusinessMinutes(left, prefs) });
  return (
    <span className={`sla-timer sla-${breached ? 'breached' : atRisk ? 'at-risk' : sla.state}${compact ? ' sla-compact' : ''}`} data-testid="sla-timer">
      {word && <Badge tone={tone}>{word}</Badge>}
      {time && <span className="sla-time">{time}</span>}
      {!sla.ticking && sla.state !== 'paused' && left !== null && !breached && <span className="muted sla-still">{t('complaints.sla.outsideHours')}</span>}
    </span>
  );
}
