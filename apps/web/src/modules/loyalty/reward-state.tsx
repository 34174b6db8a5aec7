// What a reward is to members right now (archived, paused, not yet on offer, ended, on offer) and
// the days it is on offer, for the reward list and the reward's page. Kept apart from the form's
// date handling so the list does not load the calendar library.
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { formatInstant } from '../../lib/format.ts';
import { Badge } from '../../ui/index.ts';

interface RewardTimes {
  archived: boolean;
  active: boolean;
  /** inclusive */
  validFrom: string | null;
  /** exclusive: the instant the offer ends */
  validUntil: string | null;
}

export type RewardOfferState = 'archived' | 'paused' | 'scheduled' | 'ended' | 'active';

/** Archived and paused come first; then the window decides. */
export function rewardOfferState(reward: RewardTimes, now: Date): RewardOfferState {
  if (reward.archived) return 'archived';
  if (!reward.active) return 'paused';
  if (reward.validFrom && Date.parse(reward.validFrom) > now.getTime()) return 'scheduled';
  if (reward.validUntil && Date.parse(reward.validUntil) <= now.getTime()) return 'ended';
  return 'active';
}

const TONE = { archived: 'neutral', paused: 'warn', scheduled: 'warn', ended: 'neutral', active: 'good' } as const;

export function RewardStateBadge({ reward }: { reward: RewardTimes }) {
  const t = useT();
  const prefs = usePrefs();
  const state = rewardOfferState(reward, new Date());
  const label = state === 'scheduled'
    ? t('loyalty.rewards.scheduled', { day: formatInstant(reward.validFrom!, prefs, false) })
    : t(`loyalty.rewards.${state}`);
  return <Badge tone={TONE[state]}>{label}</Badge>;
}

/** "from 1 Farvardin to 13 Farvardin": the first and the last day on offer; nothing when open at both ends. */
export function RewardWindowText({ reward }: { reward: RewardTimes }) {
  const t = useT();
  const prefs = usePrefs();
  const from = reward.validFrom ? formatInstant(reward.validFrom, prefs, false) : null;
  // validUntil is the first instant no longer on offer: the last day is the one before it.
  const until = reward.validUntil ? formatInstant(new Date(Date.parse(reward.validUntil) - 1).toISOString(), prefs, false) : null;
  if (from && until) return <>{t('loyalty.rewards.windowBoth', { from, until })}</>;
  if (from) return <>{t('loyalty.rewards.windowFrom', { from })}</>;
  if (until) return <>{t('loyalty.rewards.windowUntil', { until })}</>;
  return null;
}
