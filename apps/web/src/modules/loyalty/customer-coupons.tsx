// The customer page's coupons, inside the points card: the member's discount-coupon codes (used,
// cancelled), points owed by a return (a negative balance), and, for managers, marking a code
// used or cancelling a redemption (points back; the code back to the pool unless it was used).
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { formatInstant, formatNumber } from '../../lib/format.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { Badge, Button, Dialog, TextField, UserText, useToast } from '../../ui/index.ts';
import { loyaltyKeys } from './api.ts';
import { couponKeys, couponsApi, type CouponRedemption } from './coupons-api.ts';
import { localName, newIdempotencyKey } from './loyalty-format.ts';
import './coupons.css';

export function CustomerCoupons({ customerId, canManage }: { customerId: string; canManage: boolean }) {
  const t = useT();
  const prefs = usePrefs();
  const coupons = useQuery({ queryKey: couponKeys.memberCoupons(customerId), queryFn: () => couponsApi.memberCoupons(customerId) });
  const owed = useQuery({ queryKey: couponKeys.owed(customerId), queryFn: () => couponsApi.owed(customerId) });
  const [cancelling, setCancelling] = useState<CouponRedemption | null>(null);
  const items = coupons.data?.items ?? [];
  return (
    <>
      {(owed.data?.owed ?? 0) > 0 && (
        <p className="loyalty-owed" data-testid="loyalty-owed">{t('loyalty.coupons.owed', { points: formatNumber(owed.data!.owed, prefs) })}</p>
      )}
      {items.length > 0 && (
        <div className="loyalty-dates" data-testid="customer-coupons">
          <h3>{t('loyalty.coupons.memberTitle')}</h3>
          <ul className="coupon-list">
            {items.map((c) => (
              <li key={c.id} className="coupon-item">
                <span>
                  <UserText ltr><span className="coupon-code">{c.code}</span></UserText>{' '}
                  <span className="muted"><UserText>{localName(c.rewardName, prefs.language)}</UserText> · {formatInstant(c.createdAt, prefs, false)}</span>
                </span>
                <span className="coupon-item-actions">
                  {c.status === 'cancelled'
                    ? <Badge tone="neutral">{t('loyalty.coupons.cancelled')}</Badge>
                    : c.usedAt ? <Badge tone="info">{t('loyalty.coupons.used')}</Badge> : <Badge tone="good">{t('loyalty.coupons.unused')}</Badge>}
                  {canManage && c.status === 'active' && <UseButton customerId={customerId} redemption={c} />}
                  {canManage && c.status === 'active' && <Button variant="ghost" onPress={() => setCancelling(c)}>{t('loyalty.coupons.cancel')}</Button>}
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {cancelling && <CancelDialog customerId={customerId} redemption={cancelling} onClose={() => setCancelling(null)} />}
    </>
  );
}

function useRefresh(customerId: string) {
  const client = useQueryClient();
  return () => Promise.all([
    client.invalidateQueries({ queryKey: couponKeys.memberCoupons(customerId) }),
    client.invalidateQueries({ queryKey: loyaltyKeys.balance(customerId) }),
    client.invalidateQueries({ queryKey: loyaltyKeys.history(customerId) }),
  ]);
}

function UseButton({ customerId, redemption }: { customerId: string; redemption: CouponRedemption }) {
  const t = useT();
  const refresh = useRefresh(customerId);
  const submit = useSubmit();
  if (redemption.usedAt) return null;
  const handlePress = async () => {
    const key = newIdempotencyKey();
    if (await submit.run(() => couponsApi.markUsed(redemption.id, key))) await refresh();
  };
  return <Button variant="ghost" onPress={() => void handlePress()} isDisabled={submit.pending}>{t('loyalty.coupons.markUsed')}</Button>;
}

function CancelDialog({ customerId, redemption, onClose }: { customerId: string; redemption: CouponRedemption; onClose: () => void }) {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const refresh = useRefresh(customerId);
  const [reason, setReason] = useState('');
  const [key] = useState(newIdempotencyKey);
  const submit = useSubmit();
  // A gift (a complaint's goodwill coupon) spent no points, so none go back.
  const gift = redemption.entryId === null;
  const handleSubmit = async () => {
    if (!reason.trim()) return;
    if (await submit.run(() => couponsApi.cancel(redemption.id, reason.trim(), key))) {
      toast(gift ? t('loyalty.coupons.cancelledGiftToast') : t('loyalty.coupons.cancelledToast', { points: formatNumber(redemption.points, prefs) }));
      await refresh();
      onClose();
    }
  };
  return (
    <Dialog title={t('loyalty.coupons.cancelTitle')} isOpen onOpenChange={(open) => { if (!open) onClose(); }}>
      <form className="coupon-form" onSubmit={(e) => { e.preventDefault(); void handleSubmit(); }}>
        <p>{gift
          ? t(redemption.usedAt ? 'loyalty.coupons.cancelGiftUsed' : 'loyalty.coupons.cancelGiftUnused')
          : t(redemption.usedAt ? 'loyalty.coupons.cancelUsed' : 'loyalty.coupons.cancelUnused', { points: formatNumber(redemption.points, prefs) })}</p>
        <TextField label={t('loyalty.coupons.reason')} value={reason} onChange={setReason} autoFocus />
        {submit.error && <p className="field-error" role="alert">{submit.error.message}</p>}
        <div className="coupon-actions">
          <Button type="submit" variant="primary" isDisabled={!reason.trim() || submit.pending}>{t('loyalty.coupons.cancelConfirm')}</Button>
          <Button onPress={onClose}>{t('loyalty.coupons.keep')}</Button>
        </div>
      </form>
    </Dialog>
  );
}
