// The member portal's coupons card: the member's discount codes (copy, used or not), a negative
// balance owed by a return, the discount coupons on offer with a button to get a code (points
// taken and a code given in one step), and the rewards the member's tier cannot take yet, with
// the tier they need. Its own fetch; nothing shows when there is nothing to show.
import { useParams } from '@tanstack/react-router';
import type { CouponRedemptionWithEntry, MemberCatalogueView, MemberCouponsView } from '@vafa/contracts';
import { useCallback, useEffect, useState } from 'react';
import { useT } from '../../i18n/useT.ts';
import { ApiError, type Problem } from '../../lib/api.ts';
import { formatInstant, formatNumber, type DisplayPrefs } from '../../lib/format.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { Badge, Button, CopyButton } from '../../ui/index.ts';
import { localName, newIdempotencyKey } from '../loyalty/loyalty-format.ts';
import './member-coupons.css';

type Display = Pick<DisplayPrefs, 'language' | 'digits' | 'calendar' | 'timeZone'>;

async function portalCall<T>(workspace: string, language: string, method: 'GET' | 'POST', path: string, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(`/api/public/loyalty/${encodeURIComponent(workspace)}${path}`, {
    method, credentials: 'same-origin', headers: { ...headers, 'Accept-Language': language, Accept: 'application/json' },
  });
  const data: unknown = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, data as Partial<Problem>);
  return data as T;
}

export function MemberCoupons({ display, available, onChanged }: { display: Display; available: number; onChanged: () => void }) {
  const t = useT();
  const { workspace } = useParams({ strict: false }) as { workspace?: string };
  const [view, setView] = useState<MemberCouponsView | null>(null);
  const [catalogue, setCatalogue] = useState<MemberCatalogueView | null>(null);
  const load = useCallback(() => {
    if (!workspace) return;
    void portalCall<MemberCouponsView>(workspace, display.language, 'GET', '/me/coupons').then(setView).catch(() => undefined);
    void portalCall<MemberCatalogueView>(workspace, display.language, 'GET', '/me/catalogue').then(setCatalogue).catch(() => undefined);
  }, [workspace, display.language]);
  useEffect(load, [load]);
  if (!workspace || !view) return null;

  const n = (v: number) => formatNumber(v, display);
  const points = (v: number) => t('memberPortal.points', { count: v, points: n(v) });
  const locked = new Map(view.locked.map((l) => [l.rewardId, l.tierNeeded]));
  const offers = (catalogue?.rewards ?? []).filter((r) => r.kind === 'discount_coupon');
  if (view.items.length === 0 && offers.length === 0 && view.locked.length === 0 && view.owed === 0) return null;

  return (
    <section className="portal-card" aria-labelledby="mp-coupons" data-testid="member-coupons">
      <h2 id="mp-coupons">{t('memberPortal.coupons.title')}</h2>
      {view.owed > 0 && <p className="member-owed" data-testid="member-owed">{t('memberPortal.coupons.owed', { points: points(view.owed) })}</p>}
      {view.items.length > 0 ? (
        <ul className="member-coupon-list">
          {view.items.map((c) => (
            <li key={c.id} className="member-coupon">
              <span className="member-coupon-name" dir="auto">{localName(c.rewardName, display.language)}</span>
              <bdi className="member-coupon-code" dir="ltr">{c.code}</bdi>
              <span className="member-coupon-meta">
                {c.usedAt ? <Badge tone="neutral">{t('memberPortal.coupons.used')}</Badge> : <CopyButton text={c.code} />}
                <span className="muted">{formatInstant(c.createdAt, display, false)}</span>
              </span>
            </li>
          ))}
        </ul>
      ) : <p className="muted">{t('memberPortal.coupons.none')}</p>}
      {offers.length > 0 && (
        <>
          <h3>{t('memberPortal.coupons.offersTitle')}</h3>
          <ul className="member-coupon-list">
            {offers.map((r) => (
              <CouponOffer key={r.id} workspace={workspace} display={display} reward={r} available={available} lockedTier={locked.get(r.id)}
                onRedeemed={() => { load(); onChanged(); }} />
            ))}
          </ul>
        </>
      )}
      {view.locked.filter((l) => !offers.some((o) => o.id === l.rewardId)).length > 0 && catalogue && (
        <>
          <h3>{t('memberPortal.coupons.lockedTitle')}</h3>
          <ul className="member-coupon-list">
            {view.locked.filter((l) => !offers.some((o) => o.id === l.rewardId)).map((l) => {
              const reward = catalogue.rewards.find((r) => r.id === l.rewardId);
              if (!reward) return null;
              return (
                <li key={l.rewardId} className="member-coupon">
                  <span className="member-coupon-name" dir="auto">{localName(reward.name, display.language)}</span>
                  <Badge tone="warn">{l.tierNeeded ? t('memberPortal.coupons.needsTier', { tier: localName(l.tierNeeded, display.language) }) : t('memberPortal.coupons.notForYou')}</Badge>
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}

function CouponOffer({ workspace, display, reward, available, lockedTier, onRedeemed }: {
  workspace: string; display: Display; reward: MemberCatalogueView['rewards'][number]; available: number;
  lockedTier: MemberCouponsView['locked'][number]['tierNeeded'] | undefined; onRedeemed: () => void;
}) {
  const t = useT();
  const submit = useSubmit();
  const [key, setKey] = useState(newIdempotencyKey);
  const [got, setGot] = useState<string | null>(null);
  const isLocked = lockedTier !== undefined;
  const n = (v: number) => formatNumber(v, display);
  const handlePress = async () => {
    const ok = await submit.run(async () => {
      const r = await portalCall<CouponRedemptionWithEntry>(workspace, display.language, 'POST', `/me/rewards/${reward.id}/coupon`, { 'Idempotency-Key': key });
      setGot(r.code);
    });
    if (ok) {
      setKey(newIdempotencyKey());
      onRedeemed();
    }
  };
  return (
    <li className="member-coupon">
      <span className="member-coupon-name" dir="auto">{localName(reward.name, display.language)}</span>
      <strong>{t('memberPortal.points', { count: reward.pointsCost, points: n(reward.pointsCost) })}</strong>
      {isLocked ? (
        <Badge tone="warn">{lockedTier ? t('memberPortal.coupons.needsTier', { tier: localName(lockedTier, display.language) }) : t('memberPortal.coupons.notForYou')}</Badge>
      ) : (
        <Button variant="primary" onPress={() => void handlePress()} isDisabled={submit.pending || available < reward.pointsCost}>
          {available < reward.pointsCost ? t('memberPortal.coupons.notEnough') : t('memberPortal.coupons.get')}
        </Button>
      )}
      {got && <p className="member-coupon-got" role="status">{t('memberPortal.coupons.got')} <bdi dir="ltr" className="member-coupon-code">{got}</bdi></p>}
      {submit.error && <p className="field-error" role="alert">{submit.error.message}</p>}
    </li>
  );
}
