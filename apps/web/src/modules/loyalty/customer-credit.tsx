// The customer page's prepaid credit, inside the points card: paid and bonus credit, the bonus
// about to expire (what is left of each purchase's bonus and its date in the workspace calendar;
// paid credit never expires), the latest operations (purchases, spends, refunds, expiries), and, for managers, refunding what is left of a purchase
// with a reason, all of it or an amount (the server refuses more than is left unspent). Staff at
// the counter (loyalty:write) sell a package on sale and spend credit at a checkout. Nothing shows
// for a customer who never bought credit unless the viewer may sell a package that is on sale.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { CreditMemberView, CreditOperationView, CreditPackageList } from '@vafa/contracts';
import { useState } from 'react';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { request } from '../../lib/api.ts';
import { formatInstant, formatMoney } from '../../lib/format.ts';
import { moneyUnitName, parseMoney } from '../../lib/money.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { Badge, Button, Dialog, TextField, UserText, useToast } from '../../ui/index.ts';
import { CreditSaleDialog, CreditSpendDialog, creditKey } from './customer-credit-sale.tsx';
import { newIdempotencyKey } from './loyalty-format.ts';

type CreditEntry = CreditMemberView['entries'][number];

export function CustomerCredit({ customerId, canRefund, canSell }: { customerId: string; canRefund: boolean; canSell: boolean }) {
  const t = useT();
  const prefs = usePrefs();
  const credit = useQuery({ queryKey: creditKey(customerId), queryFn: () => request<CreditMemberView>('GET', `/api/loyalty/members/${customerId}/credit`) });
  const packages = useQuery({
    queryKey: ['loyalty', 'credit-packages'],
    queryFn: () => request<CreditPackageList>('GET', '/api/loyalty/credit-packages'),
    enabled: canSell,
  });
  const [refunding, setRefunding] = useState<CreditEntry | null>(null);
  const [selling, setSelling] = useState(false);
  const [spending, setSpending] = useState(false);
  const view = credit.data;
  const onSale = (packages.data?.items ?? []).filter((p) => p.active);
  if (!view || (view.entries.length === 0 && onSale.length === 0)) return null;
  const money = (minor: number) => formatMoney(minor, view.balance.currency, prefs, prefs.irrDisplay);
  // Paid money left of each purchase: its own less its refunds (negative paid).
  const left = new Map(view.entries.filter((e) => e.kind === 'purchase').map((e) => [e.id, e.paidMinor]));
  for (const e of view.entries) if (e.refundsEntryId !== null && left.has(e.refundsEntryId)) left.set(e.refundsEntryId, left.get(e.refundsEntryId)! + e.paidMinor);
  return (
    <div className="loyalty-dates" data-testid="customer-credit">
      <h3>{t('loyalty.credit.memberTitle')}</h3>
      <p>{t('loyalty.credit.memberBalance', { total: money(view.balance.totalMinor), bonus: money(view.balance.bonusMinor) })}</p>
      {canSell && (
        <div className="loyalty-card-actions">
          {onSale.length > 0 && <Button onPress={() => setSelling(true)}>{t('loyalty.creditSale.open')}</Button>}
          {view.balance.totalMinor > 0 && <Button onPress={() => setSpending(true)}>{t('loyalty.creditSpend.open')}</Button>}
        </div>
      )}
      {view.expiringBonus.length > 0 && (
        <>
          <h4>{t('loyalty.credit.expiringTitle')}</h4>
          <ul className="coupon-list" data-testid="credit-expiring-bonus">
            {view.expiringBonus.map((lot) => (
              <li key={lot.id} className="coupon-item">
                <span>{t('loyalty.credit.expiringLine', { amount: money(lot.remainingMinor), date: formatInstant(lot.expiresAt, prefs, false) })}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      <ul className="coupon-list">
        {view.entries.map((e) => (
          <li key={e.id} className="coupon-item">
            <span>
              <Badge tone={e.kind === 'purchase' ? 'good' : e.kind === 'refund' || e.kind === 'expire' ? 'warn' : 'neutral'}>{t(`loyalty.credit.kind.${e.kind}`)}</Badge>{' '}
              <bdi>{money(Math.abs(e.paidMinor + e.bonusMinor))}</bdi>{' '}
              <span className="muted">{e.kind === 'refund' && e.reason ? <><UserText>{e.reason}</UserText> · </> : null}{formatInstant(e.createdAt, prefs, false)}</span>
            </span>
            {canRefund && e.kind === 'purchase' && (left.get(e.id) ?? 0) > 0 && (
              <Button variant="ghost" onPress={() => setRefunding(e)}>{t('loyalty.credit.refund')}</Button>
            )}
          </li>
        ))}
      </ul>
      {selling && <CreditSaleDialog customerId={customerId} packages={onSale} onClose={() => setSelling(false)} />}
      {spending && <CreditSpendDialog customerId={customerId} currency={view.balance.currency} total={view.balance.totalMinor} onClose={() => setSpending(false)} />}
      {refunding && (
        <RefundDialog customerId={customerId} entry={refunding} currency={view.balance.currency} remaining={money(left.get(refunding.id) ?? 0)} onClose={() => setRefunding(null)} />
      )}
    </div>
  );
}

function RefundDialog({ customerId, entry, currency, remaining, onClose }: { customerId: string; entry: CreditEntry; currency: string; remaining: string; onClose: () => void }) {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const client = useQueryClient();
  const submit = useSubmit();
  const [reason, setReason] = useState('');
  const [amount, setAmount] = useState('');
  const [key] = useState(newIdempotencyKey);
  // Empty: all that is left; else an amount in the unit the workspace shows money in.
  const parsed = amount.trim() === '' ? null : parseMoney(amount, currency, prefs.irrDisplay);
  const badAmount = parsed !== null && !('minor' in parsed && parsed.minor > 0);
  const body = parsed !== null && 'minor' in parsed ? { reason: reason.trim(), amountMinor: parsed.minor } : { reason: reason.trim() };
  // The server names what is left in minor units (rials, not the unit shown); ours says it in the reader's words.
  const problem = submit.error?.code === 'credit_refund_exceeds_remainder' ? t('loyalty.credit.refundTooMuch') : submit.error?.message;
  const handle = async () => {
    const ok = await submit.run(() => request<CreditOperationView>('POST', `/api/loyalty/credit-entries/${entry.id}/refund`, body, undefined, { 'Idempotency-Key': key }));
    if (ok) {
      void client.invalidateQueries({ queryKey: creditKey(customerId) });
      toast(t('loyalty.credit.refunded'));
      onClose();
    }
  };
  return (
    <Dialog title={t('loyalty.credit.refundTitle')} isOpen onOpenChange={(open) => !open && onClose()} size="small">
      <form className="form" onSubmit={(e) => { e.preventDefault(); void handle(); }} data-testid="credit-refund-form">
        <p>{t('loyalty.credit.refundIntro', { amount: remaining })}</p>
        <TextField label={t('loyalty.member.reason')} value={reason} onChange={setReason} isRequired autoFocus errorMessage={submit.error?.fieldErrors.reason} />
        <TextField label={t('loyalty.credit.refundAmount', { unit: moneyUnitName(currency, prefs.irrDisplay, prefs.language) })} value={amount} onChange={setAmount}
          inputMode="numeric" description={t('loyalty.credit.refundAmountHelp', { amount: remaining })}
          errorMessage={badAmount ? t('loyalty.games.error.amount') : submit.error?.fieldErrors.amountMinor} />
        {submit.error && !submit.error.fieldErrors.reason && !submit.error.fieldErrors.amountMinor && <p className="field-error" role="alert">{problem}</p>}
        <div className="form-actions">
          <Button type="submit" variant="primary" isDisabled={submit.pending || reason.trim().length < 3 || badAmount}>{t('loyalty.credit.refund')}</Button>
          <Button onPress={onClose}>{t('common.cancel')}</Button>
        </div>
      </form>
    </Dialog>
  );
}
