// A partner's payable corrected by finance (POST /api/loyalty/partners/:id/corrections): which side's
// debt changes, by how many points more or fewer, and why; the partner's earlier corrections with
// who wrote them. Opened from a settlement line; the settlement counts the correction in its month.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { PartnerCorrectionList, PartnerCorrectionView } from '@vafa/contracts';
import { useRef, useState } from 'react';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { request } from '../../lib/api.ts';
import { formatInstant, formatNumber, toLatinDigits } from '../../lib/format.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { Button, Dialog, ErrorState, Select, Skeleton, TextField, UserText, useToast } from '../../ui/index.ts';
import { localName, newIdempotencyKey } from './loyalty-format.ts';
import { parsePoints, partnerKeys, type Settlement } from './partners-api.ts';

const SIDES = ['partner_owes', 'workspace_owes'] as const;
const DIRECTIONS = ['more', 'less'] as const;

const correctionsKey = (partnerId: string) => ['loyalty', 'partners', partnerId, 'corrections'] as const;

export function CorrectionDialog({ partner, money, onClose }: {
  partner: Pick<Settlement['items'][number], 'partnerId' | 'partnerName'>;
  /** minor units (digits, no sign) in the settlement's currency, as the reader reads money */
  money: (minor: string) => string;
  onClose: () => void;
}) {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const queries = useQueryClient();
  const submit = useSubmit();
  const key = useRef(newIdempotencyKey());
  const [side, setSide] = useState<(typeof SIDES)[number]>('workspace_owes');
  const [direction, setDirection] = useState<(typeof DIRECTIONS)[number]>('less');
  const [points, setPoints] = useState('');
  const [reason, setReason] = useState('');
  const list = useQuery({
    queryKey: correctionsKey(partner.partnerId),
    queryFn: () => request<PartnerCorrectionList>('GET', `/api/loyalty/partners/${partner.partnerId}/corrections`),
  });
  const value = parsePoints(points, toLatinDigits);
  const fe = submit.error?.fieldErrors ?? {};
  const name = localName(partner.partnerName, prefs.language);
  const handle = async () => {
    const ok = await submit.run(async () => {
      await request<PartnerCorrectionView>('POST', `/api/loyalty/partners/${partner.partnerId}/corrections`,
        { side, points: direction === 'more' ? value! : -value!, reason: reason.trim() }, undefined, { 'Idempotency-Key': key.current });
    });
    if (ok) {
      await queries.invalidateQueries({ queryKey: partnerKeys.all });
      toast(t('loyalty.partners.corrected'));
      onClose();
    }
  };
  return (
    <Dialog title={t('loyalty.partners.correctTitle', { partner: name })} isOpen onOpenChange={(open) => !open && onClose()} size="large">
      <form className="form partners-form" onSubmit={(e) => { e.preventDefault(); void handle(); }} data-testid="partner-correction-form">
        <p className="muted">{t('loyalty.partners.correctIntro')}</p>
        <Select label={t('loyalty.partners.correctSide')} value={side} onChange={setSide}
          options={SIDES.map((s) => ({ id: s, label: t(`loyalty.partners.side.${s}`) }))} />
        <Select label={t('loyalty.partners.correctDirection')} value={direction} onChange={setDirection}
          options={DIRECTIONS.map((d) => ({ id: d, label: t(`loyalty.partners.direction.${d}`) }))} />
        <TextField label={t('loyalty.partners.correctPoints')} value={points} onChange={setPoints} inputMode="numeric" dir="ltr" isRequired
          errorMessage={points.trim() !== '' && value === null ? t('loyalty.partners.wholePoints') : fe.points} />
        <TextField label={t('loyalty.partners.correctReason')} value={reason} onChange={setReason} isRequired errorMessage={fe.reason} />
        {submit.error && Object.keys(fe).length === 0 && <p className="field-error" role="alert">{submit.error.message}</p>}
        <div className="form-actions">
          <Button type="submit" variant="primary" isDisabled={submit.pending || value === null || reason.trim().length < 3}>{t('loyalty.partners.correctSave')}</Button>
          <Button onPress={onClose}>{t('common.cancel')}</Button>
        </div>
      </form>
      <h3>{t('loyalty.partners.correctionsTitle')}</h3>
      {list.isPending ? <Skeleton lines={2} /> : list.isError ? <ErrorState detail={list.error.message} onRetry={() => void list.refetch()} /> : list.data.items.length === 0
        ? <p className="muted">{t('loyalty.partners.noCorrections')}</p>
        : (
          <ul className="partners-corrections" data-testid="partner-corrections">
            {list.data.items.map((c) => (
              <li key={c.entryId}>
                <strong>{t(`loyalty.partners.side.${c.side}`)}</strong>{' '}
                <bdi>{t(c.points > 0 ? 'loyalty.partners.correctedMore' : 'loyalty.partners.correctedLess', {
                  points: formatNumber(Math.abs(c.points), prefs), amount: money(c.amountMinor.replace(/^-/, '')),
                })}</bdi>
                {' · '}<UserText>{c.reason}</UserText>
                <span className="muted"> · {formatInstant(c.createdAt, prefs)}</span>
              </li>
            ))}
          </ul>
        )}
    </Dialog>
  );
}
