// Prepaid credit at the counter: selling a package on sale to the customer in front of you (its
// price becomes paid credit, its bonus bonus credit) and spending their credit at a checkout
// (paid first, then bonus soonest-expiring first; the server refuses more than they hold). The
// payment's reference, when staff type one, keys the sale so the till and the screen never count
// it twice; otherwise one Idempotency-Key per dialog does.
import { useQueryClient } from '@tanstack/react-query';
import type { CreditOperationView, CreditPackageView } from '@vafa/contracts';
import { useState } from 'react';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { request } from '../../lib/api.ts';
import { formatMoney } from '../../lib/format.ts';
import { moneyUnitName, parseMoney } from '../../lib/money.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { Button, Dialog, Select, TextField, useToast } from '../../ui/index.ts';
import { localName, newIdempotencyKey } from './loyalty-format.ts';

export const creditKey = (customerId: string) => ['loyalty', 'credit', customerId] as const;
/** What a till's payment reference may be (as the server's ExternalRef): printable ASCII, no spaces. */
const REFERENCE = /^[\x21-\x7E]{1,200}$/;

export function CreditSaleDialog({ customerId, packages, onClose }: { customerId: string; packages: CreditPackageView[]; onClose: () => void }) {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const client = useQueryClient();
  const submit = useSubmit();
  const [packageId, setPackageId] = useState<string | null>(packages.length === 1 ? packages[0]!.id : null);
  const [reference, setReference] = useState('');
  const [key] = useState(newIdempotencyKey);
  const chosen = packages.find((p) => p.id === packageId) ?? null;
  const money = (minor: number, currency: string) => formatMoney(minor, currency, prefs, prefs.irrDisplay);
  const ref = reference.trim();
  const badReference = ref !== '' && !REFERENCE.test(ref);
  const handle = async () => {
    if (!chosen || badReference) return;
    const body = { packageId: chosen.id, ...(ref ? { externalId: ref } : {}) };
    const ok = await submit.run(() => request<CreditOperationView>('POST', `/api/loyalty/members/${customerId}/credit/purchases`, body, undefined, { 'Idempotency-Key': key }));
    if (ok) {
      void client.invalidateQueries({ queryKey: creditKey(customerId) });
      toast(t('loyalty.creditSale.done', { name: localName(chosen.name, prefs.language) }));
      onClose();
    }
  };
  return (
    <Dialog title={t('loyalty.creditSale.title')} isOpen onOpenChange={(open) => !open && onClose()} size="small">
      <form className="form" onSubmit={(e) => { e.preventDefault(); void handle(); }} data-testid="credit-sale-form">
        <Select label={t('loyalty.creditSale.package')} value={packageId} onChange={setPackageId}
          options={packages.map((p) => ({ id: p.id, label: localName(p.name, prefs.language) }))} errorMessage={submit.error?.fieldErrors.packageId} />
        {chosen && (
          <p data-testid="credit-sale-summary">
            {t('loyalty.creditSale.summary', { price: money(chosen.priceMinor, chosen.currency), credit: money(chosen.creditMinor, chosen.currency), bonus: money(chosen.bonusMinor, chosen.currency) })}
          </p>
        )}
        <TextField label={t('loyalty.creditSale.reference')} value={reference} onChange={setReference} dir="ltr"
          description={t('loyalty.creditSale.referenceHelp')}
          errorMessage={badReference ? t('loyalty.creditSale.referenceInvalid') : submit.error?.fieldErrors.externalId} />
        {submit.error && !submit.error.fieldErrors.packageId && !submit.error.fieldErrors.externalId && <p className="field-error" role="alert">{submit.error.message}</p>}
        <div className="form-actions">
          <Button type="submit" variant="primary" isDisabled={submit.pending || !chosen || badReference}>{t('loyalty.creditSale.submit')}</Button>
          <Button onPress={onClose}>{t('common.cancel')}</Button>
        </div>
      </form>
    </Dialog>
  );
}

export function CreditSpendDialog({ customerId, currency, total, onClose }: { customerId: string; currency: string; total: number; onClose: () => void }) {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const client = useQueryClient();
  const submit = useSubmit();
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [key] = useState(newIdempotencyKey);
  const money = (minor: number) => formatMoney(minor, currency, prefs, prefs.irrDisplay);
  const parsed = amount.trim() === '' ? null : parseMoney(amount, currency, prefs.irrDisplay);
  const minor = parsed !== null && 'minor' in parsed && parsed.minor > 0 ? parsed.minor : null;
  const amountError = parsed === null ? undefined
    : minor === null ? t('loyalty.games.error.amount')
    : minor > total ? t('loyalty.creditSpend.over', { amount: money(total) }) : undefined;
  const handle = async () => {
    if (minor === null || amountError) return;
    const body = { amountMinor: minor, ...(reason.trim() ? { reason: reason.trim() } : {}) };
    const ok = await submit.run(() => request<CreditOperationView>('POST', `/api/loyalty/members/${customerId}/credit/spends`, body, undefined, { 'Idempotency-Key': key }));
    if (ok) {
      void client.invalidateQueries({ queryKey: creditKey(customerId) });
      toast(t('loyalty.creditSpend.done', { amount: money(minor) }));
      onClose();
    }
  };
  // The server states a shortfall in minor units; ours says it in the reader's unit.
  const problem = submit.error?.code === 'insufficient_credit' ? t('loyalty.creditSpend.over', { amount: money(total) }) : submit.error?.message;
  return (
    <Dialog title={t('loyalty.creditSpend.title')} isOpen onOpenChange={(open) => !open && onClose()} size="small">
      <form className="form" onSubmit={(e) => { e.preventDefault(); void handle(); }} data-testid="credit-spend-form">
        <p>{t('loyalty.creditSpend.intro', { amount: money(total) })}</p>
        <TextField label={t('loyalty.creditSpend.amount', { unit: moneyUnitName(currency, prefs.irrDisplay, prefs.language) })} value={amount} onChange={setAmount}
          inputMode="numeric" autoFocus errorMessage={amountError ?? submit.error?.fieldErrors.amountMinor} />
        <TextField label={t('loyalty.member.reason')} value={reason} onChange={setReason} errorMessage={submit.error?.fieldErrors.reason} />
        {submit.error && !submit.error.fieldErrors.amountMinor && !submit.error.fieldErrors.reason && <p className="field-error" role="alert">{problem}</p>}
        <div className="form-actions">
          <Button type="submit" variant="primary" isDisabled={submit.pending || minor === null || Boolean(amountError)}>{t('loyalty.creditSpend.submit')}</Button>
          <Button onPress={onClose}>{t('common.cancel')}</Button>
        </div>
      </form>
    </Dialog>
  );
}
