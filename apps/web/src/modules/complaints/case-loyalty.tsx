// The complainant's loyalty standing on the staff case page: points to spend, pending and tier
// points, the soonest expiry, their tier in each programme, and what this case's goodwill gave
// them as loyalty booked it (points credited, a coupon given). For roles that read loyalty (as
// access.ts on the server); a refusal or an anonymous complainant shows nothing.
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useSession } from '../../app/session.ts';
import { useT } from '../../i18n/useT.ts';
import { ApiError, type Session } from '../../lib/api.ts';
import { formatInstant, formatMoney, formatNumber } from '../../lib/format.ts';
import { Badge, ErrorState, Skeleton, UserText } from '../../ui/index.ts';
import { caseContextApi, caseContextKeys, type CaseLoyalty } from './case-context-api.ts';
import type { ComplaintDetail } from './api.ts';
import './case-context.css';

/** loyalty:read, as the server's access.ts gives it (every role today). */
const LOYALTY_READERS: readonly Session['role'][] = ['owner', 'admin', 'manager', 'agent', 'analyst', 'finance'];
export const canReadLoyalty = (role: Session['role']) => LOYALTY_READERS.includes(role);

export function CaseLoyaltyCard({ complaint }: { complaint: Pick<ComplaintDetail, 'id' | 'customerId' | 'updatedAt'> }) {
  const t = useT();
  const session = useSession();
  const allowed = canReadLoyalty(session.role) && Boolean(complaint.customerId);
  const loyalty = useQuery({
    queryKey: [...caseContextKeys.loyalty(complaint.id), complaint.updatedAt],
    queryFn: () => caseContextApi.loyalty(complaint.id),
    enabled: allowed,
    retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
  });
  if (!allowed) return null;
  if (loyalty.isError && loyalty.error instanceof ApiError && (loyalty.error.status === 403 || loyalty.error.status === 404)) return null;
  return (
    <section className="card case-loyalty" aria-labelledby="cc-loyalty" data-testid="case-loyalty">
      <h2 id="cc-loyalty">{t('complaints.context.loyaltyTitle')}</h2>
      {loyalty.isPending ? <Skeleton lines={3} /> : loyalty.isError ? <ErrorState detail={loyalty.error.message} onRetry={() => void loyalty.refetch()} /> : (
        <LoyaltyBody view={loyalty.data} />
      )}
    </section>
  );
}

function LoyaltyBody({ view }: { view: CaseLoyalty }) {
  const t = useT();
  const prefs = usePrefs();
  const n = (value: number) => formatNumber(value, prefs);
  const member = view.member;
  return (
    <>
      {member ? (
        <>
          <dl className="case-loyalty-balances" data-testid="case-loyalty-balances">
            <div><dt>{t('loyalty.member.available')}</dt><dd className="case-loyalty-big" data-testid="case-loyalty-available">{n(member.available)}</dd></div>
            <div><dt>{t('loyalty.member.pending')}</dt><dd>{n(member.pending)}</dd></div>
            <div><dt>{t('loyalty.member.qualifying')}</dt><dd>{n(member.qualifying)}</dd></div>
          </dl>
          {member.nextExpiry && (
            <p className="muted">{t('loyalty.member.expiresOn', { points: n(member.nextExpiry.points), date: formatInstant(member.nextExpiry.expiresAt, prefs, false) })}</p>
          )}
          {member.tiers.length > 0 && (
            <dl className="facts case-loyalty-tiers" data-testid="case-loyalty-tiers">
              {member.tiers.map((p) => (
                <div key={p.programId} className="case-loyalty-tier">
                  <dt><UserText>{p.programName}</UserText></dt>
                  <dd>{p.tier ? <Badge tone="info"><UserText>{p.tier.name[prefs.language] || p.tier.name.en}</UserText></Badge> : t('complaints.context.noTier')}</dd>
                </div>
              ))}
            </dl>
          )}
        </>
      ) : (
        <p className="muted">{t('complaints.context.noMember')}</p>
      )}
      <h3 className="subhead">{t('complaints.context.goodwillTitle')}</h3>
      {view.goodwill.length === 0 ? <p className="muted">{t('complaints.context.noGoodwill')}</p> : (
        <ul className="case-goodwill" data-testid="case-goodwill">
          {view.goodwill.map((g) => (
            <li key={g.occasion} data-occasion={g.occasion}>
              <div className="case-goodwill-head">
                <strong>{t(`complaints.context.occasion.${g.occasion}`)}</strong>
                <time className="muted" dateTime={g.decidedAt}>{formatInstant(g.decidedAt, prefs, 'short')}</time>
              </div>
              <p>
                {g.kind === 'points'
                  ? t('complaints.context.gesturePoints', { points: n(g.amount) })
                  : t('complaints.context.gestureCoupon', { amount: formatMoney(g.amount, g.currency ?? 'IRR', prefs, prefs.irrDisplay) })}
              </p>
              <p className="case-goodwill-booked">
                {g.kind === 'points'
                  ? (g.pointsCredited > 0 ? <Badge tone="good">{t('complaints.context.pointsCredited', { points: n(g.pointsCredited) })}</Badge> : <span className="muted">{t('complaints.context.pointsNotCredited')}</span>)
                  : <Badge tone={g.coupon === 'given' ? 'good' : g.coupon === 'cancelled' ? 'warn' : 'neutral'}>{t(`complaints.context.coupon.${g.coupon}`)}</Badge>}
              </p>
            </li>
          ))}
        </ul>
      )}
      {view.customerId && <p><Link href={`/customers/${view.customerId}`}>{t('complaints.context.openPoints')}</Link></p>}
    </>
  );
}
