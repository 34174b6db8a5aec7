// The customer page's prepaid credit, inside the points card: paid and bonus credit, the latest
// operations (purchases, spends, refunds), and, for managers, refunding a purchase in full with a
// reason (refused by the server when some of its credit was already spent). Nothing shows for a
// customer who never bought credit.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { CreditMemberView, CreditOperationView } from '@vafa/contracts';
import { useState } from 'react';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { request } from '../../lib/api.ts';
import { formatInstant, formatMoney } from '../../lib/format.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { Badge, Button, Dialog, TextField, UserText, useToast } from '../../ui/index.ts';
import { newIdempotencyKey } from './loyalty-format.ts';

type CreditEntry = CreditMemberView['entries'][number];
const creditKey = (customerId: string) => ['loyalty', 'credit', customerId] as const;

export function CustomerCredit({ customerId, canRefund }: { customerId: string; canRefund: boolean }) {
  const t = useT();
  const prefs = usePrefs();
  const credit = useQuery({ queryKey: creditKey(customerId), queryFn: () => request<CreditMemberView>('GET', `/api/loyalty/members/${customerId}/credit`) });
  const [refunding, setRefunding] = useState<CreditEntry | null>(null);
  const view = credit.data;
  if (!view || view.entries.length === 0) return null;
  const money = (minor: number) => formatMoney(minor, view.balance.currency, prefs, prefs.irrDisplay);
  const refunded = new Set(view.entries.map((e) => e.refundsEntryId).filter((id) => id !== null));
  return (
    <div className="loyalty-dates" data-testid="customer-credit">
      <h3>{t('loyalty.credit.memberTitle')}</h3>
      <p>{t('loyalty.credit.memberBalance', { total: money(view.balance.totalMinor), bonus: money(view.balance.bonusMinor) })}</p>
      <ul className="coupon-list">
        {view.entries.map((e) => (
          <li key={e.id} className="coupon-item">
            <span>
              <Badge tone={e.kind === 'purchase' ? 'good' : e.kind === 'refund' ? 'warn' : 'neutral'}>{t(`loyalty.credit.kind.${e.kind}`)}</Badge>{' '}
              <bdi>{money(Math.abs(e.paidMinor + e.bonusMinor))}</bdi>{' '}
              <span className="muted">{e.kind === 'refund' && e.reason ? <><UserText>{e.reason}</UserText> · </> : null}{formatInstant(e.createdAt, prefs, false)}</span>
            </span>
            {canRefund && e.kind === 'purchase' && !refunded.has(e.id) && (
              <Button variant="ghost" onPress={() => setRefunding(e)}>{t('loyalty.credit.refund')}</Button>
            )}
          </li>
        ))}
      </ul>
      {refunding && <RefundDialog customerId={customerId} entry={refunding} amount={money(refunding.paidMinor)} onClose={() => setRefunding(null)} />}
    </div>
  );
}

function RefundDialog({ customerId, entry, amount, onClose }: { customerId: string; entry: CreditEntry; amount: string; onClose: () => void }) {
  const t = useT();
  const toast = useToast();
  const client = useQueryClient();
  const submit = useSubmit();
  const [reason, setReason] = useState('');
  const [key] = useState(newIdempotencyKey);
  const handle = async () => {
    const ok = await submit.run(() => request<CreditOperationView>('POST', `/api/loyalty/credit-entries/${entry.id}/refund`, { reason: reason.trim() }, undefined, { 'Idempotency-Key': key }));
    if (ok) {
      void client.invalidateQueries({ queryKey: creditKey(customerId) });
      toast(t('loyalty.credit.refunded'));
      onClose();
    }
  };
  return (
    <Dialog title={t('loyalty.credit.refundTitle')} isOpen onOpenChange={(open) => !open && onClose()} size="small">
      <form className="form" onSubmit={(e) => { e.preventDefault(); void handle(); }} data-testid="credit-refund-form">
        <p>{t('loyalty.credit.refundIntro', { amount })}</p>
        <TextField label={t('loyalty.member.reason')} value={reason} onChange={setReason} isRequired autoFocus errorMessage={submit.error?.fieldErrors.reason} />
        {submit.error && !submit.error.fieldErrors.reason && <p className="field-error" role="alert">{submit.error.message}</p>}
        <div className="form-actions">
          <Button type="submit" variant="primary" isDisabled={submit.pending || reason.trim().length < 3}>{t('loyalty.credit.refund')}</Button>
          <Button onPress={onClose}>{t('common.cancel')}</Button>
        </div>
      </form>
    </Dialog>
  );
}
