// Giving a member's points to another member from the customer page (a family pooling points, a
// gift asked for at the counter): pick the receiver by name, phone or e-mail, the points and why.
// The server moves only spendable points, soonest-expiring first, with their own expiries, and
// refuses more than the member has; a press retried after a timeout is the same transfer (one
// Idempotency-Key per dialog).
import { useQueryClient } from '@tanstack/react-query';
import type { LoyaltyTransferView } from '@vafa/contracts';
import { useState } from 'react';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { request, type Customer } from '../../lib/api.ts';
import { formatNumber } from '../../lib/format.ts';
import { parseLocalisedNumber } from '../../lib/money.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { Button, Dialog, TextField, useToast } from '../../ui/index.ts';
import { CustomerPicker } from '../engagement/index.ts';
import { loyaltyKeys } from './api.ts';
import { newIdempotencyKey } from './loyalty-format.ts';

export function TransferDialog({ customerId, available, onClose }: { customerId: string; available: number; onClose: () => void }) {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const client = useQueryClient();
  const submit = useSubmit();
  const [receiver, setReceiver] = useState<Customer | null>(null);
  const [points, setPoints] = useState('');
  const [reason, setReason] = useState('');
  const [key] = useState(newIdempotencyKey);
  const parsed = parseLocalisedNumber(points);
  const pointsError = points.trim() === '' ? undefined
    : parsed === null || !Number.isInteger(parsed) || parsed < 1 ? t('loyalty.member.pointsInvalid')
    : parsed > available ? t('loyalty.member.pointsOver', { available: formatNumber(available, prefs) }) : undefined;
  const toSelf = receiver?.id === customerId;
  const handle = async () => {
    if (!receiver || toSelf || parsed === null || pointsError) return;
    const body = { toCustomerId: receiver.id, points: parsed, ...(reason.trim() ? { reason: reason.trim() } : {}) };
    const ok = await submit.run(() => request<LoyaltyTransferView>('POST', `/api/loyalty/members/${customerId}/transfers`, body, undefined, { 'Idempotency-Key': key }));
    if (ok) {
      for (const id of [customerId, receiver.id]) {
        void client.invalidateQueries({ queryKey: loyaltyKeys.balance(id) });
        void client.invalidateQueries({ queryKey: loyaltyKeys.history(id) });
      }
      toast(t('loyalty.transfer.done', { points: formatNumber(parsed, prefs), name: receiver.name ?? t('customer.unnamed') }));
      onClose();
    }
  };
  const fieldless = submit.error && !submit.error.fieldErrors.points && !submit.error.fieldErrors.reason && !submit.error.fieldErrors.toCustomerId;
  return (
    <Dialog title={t('loyalty.transfer.title')} isOpen onOpenChange={(open) => !open && onClose()} size="small">
      <form className="form" onSubmit={(e) => { e.preventDefault(); void handle(); }} data-testid="loyalty-transfer-form">
        <p>{t('loyalty.transfer.intro', { available: formatNumber(available, prefs) })}</p>
        <CustomerPicker label={t('loyalty.transfer.receiver')} value={receiver} onChange={setReceiver} />
        {toSelf && <p className="field-error" role="alert">{t('loyalty.transfer.toSelf')}</p>}
        {submit.error?.fieldErrors.toCustomerId && <p className="field-error" role="alert">{submit.error.fieldErrors.toCustomerId}</p>}
        <TextField label={t('loyalty.member.points')} value={points} onChange={setPoints} inputMode="numeric" dir="ltr"
          errorMessage={pointsError ?? submit.error?.fieldErrors.points} />
        <TextField label={t('loyalty.transfer.reason')} value={reason} onChange={setReason}
          description={t('loyalty.member.reasonHelp')} errorMessage={submit.error?.fieldErrors.reason} />
        {fieldless && <p className="field-error" role="alert">{submit.error!.message}</p>}
        <div className="form-actions">
          <Button type="submit" variant="primary" isDisabled={submit.pending || !receiver || toSelf || parsed === null || Boolean(pointsError)}>
            {t('loyalty.transfer.submit')}
          </Button>
          <Button onPress={onClose}>{t('common.cancel')}</Button>
        </div>
      </form>
    </Dialog>
  );
}
