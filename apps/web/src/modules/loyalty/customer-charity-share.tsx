// The customer page's automatic share of each purchase to a charity, inside the points card: the
// member's choice (which charity, what percent of each purchase's points once they are spendable)
// and, for staff who may change points (loyalty:write, as the routes check), set, change or stop it.
// A charity that stopped taking donations since is said so: nothing is given while it is closed.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { formatNumber, localiseDigits } from '../../lib/format.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { Badge, Button, ConfirmDialog, Dialog, Select, TextField, useToast } from '../../ui/index.ts';
import { loyaltyApi, loyaltyKeys, type Charity } from './api.ts';
import { charitiesApi, charityKeys, type CharityShare } from './charities-api.ts';
import { charityState, parseWhole, shareChoices } from './charity-form.ts';
import { localName, newIdempotencyKey } from './loyalty-format.ts';
import './charities.css';

export function CustomerCharityShare({ customerId, canChange }: { customerId: string; canChange: boolean }) {
  const t = useT();
  const prefs = usePrefs();
  const share = useQuery({ queryKey: charityKeys.share(customerId), queryFn: () => charitiesApi.share(customerId) });
  const charities = useQuery({ queryKey: loyaltyKeys.charities, queryFn: loyaltyApi.charities });
  const [editing, setEditing] = useState(false);
  const [stopping, setStopping] = useState(false);
  const list = charities.data?.items ?? [];
  const current = share.data?.share ?? null;
  const chosen = current ? list.find((c) => c.id === current.charityId) : undefined;
  // Nothing to say to someone who cannot set it when there is no charity and no choice.
  if (share.isPending || charities.isPending || share.isError) return null;
  if (!current && list.every((c) => charityState(c) !== 'active') && !canChange) return null;
  return (
    <div className="loyalty-dates charity-share" data-testid="charity-share">
      <h3>{t('loyalty.share.title')}</h3>
      {current ? (
        <>
          <p>{t('loyalty.share.current', { percent: formatNumber(current.percent, prefs), charity: `\u2068${chosen ? localName(chosen.name, prefs.language) : '…'}\u2069` })}</p>
          {chosen && charityState(chosen) !== 'active' && <p><Badge tone="warn">{t('loyalty.share.closed')}</Badge></p>}
        </>
      ) : <p className="muted">{t('loyalty.share.none')}</p>}
      {canChange && (
        <div className="charity-share-actions">
          <Button onPress={() => setEditing(true)} isDisabled={shareChoices(list, current?.charityId ?? null).length === 0}>
            {t(current ? 'loyalty.share.change' : 'loyalty.share.set')}
          </Button>
          {current && <Button variant="ghost" onPress={() => setStopping(true)}>{t('loyalty.share.stop')}</Button>}
        </div>
      )}
      {canChange && !current && list.every((c) => charityState(c) !== 'active') && <p className="muted">{t('loyalty.share.noCharities')}</p>}
      {editing && <ShareDialog customerId={customerId} current={current} charities={shareChoices(list, current?.charityId ?? null)} onClose={() => setEditing(false)} />}
      {stopping && <StopShare customerId={customerId} onClose={() => setStopping(false)} />}
    </div>
  );
}

function useRefreshShare(customerId: string) {
  const queries = useQueryClient();
  return () => queries.invalidateQueries({ queryKey: charityKeys.share(customerId) });
}

function ShareDialog({ customerId, current, charities, onClose }: { customerId: string; current: CharityShare | null; charities: Charity[]; onClose: () => void }) {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const refresh = useRefreshShare(customerId);
  const submit = useSubmit();
  const [key] = useState(newIdempotencyKey);
  const [charityId, setCharityId] = useState<string | null>(current?.charityId ?? charities.find((c) => charityState(c) === 'active')?.id ?? null);
  const [percent, setPercent] = useState(current ? localiseDigits(String(current.percent), prefs.digits) : '');
  const [tried, setTried] = useState(false);
  const parsed = parseWhole(percent);
  const percentError = (percent.trim() !== '' || tried) && (parsed === null || Number.isNaN(parsed) || parsed < 1 || parsed > 100)
    ? t('loyalty.share.percentInvalid', { min: formatNumber(1, prefs), max: formatNumber(100, prefs) }) : undefined;
  const handle = async () => {
    setTried(true);
    if (percentError || parsed === null || Number.isNaN(parsed) || parsed < 1 || parsed > 100 || !charityId) return;
    const ok = await submit.run(() => charitiesApi.setShare(customerId, { charityId, percent: parsed }, key));
    if (!ok) return;
    await refresh();
    toast(t('loyalty.share.saved'));
    onClose();
  };
  const fieldErrors = submit.error?.fieldErrors ?? {};
  return (
    <Dialog title={t(current ? 'loyalty.share.changeTitle' : 'loyalty.share.setTitle')} isOpen onOpenChange={(open) => !open && onClose()} size="small">
      <form className="form" onSubmit={(e) => { e.preventDefault(); void handle(); }} noValidate>
        <Select label={t('loyalty.share.charity')} value={charityId} onChange={setCharityId} errorMessage={fieldErrors.charityId}
          options={charities.map((c) => ({ id: c.id, label: localName(c.name, prefs.language) }))} />
        <TextField label={t('loyalty.share.percent')} value={percent} onChange={setPercent} inputMode="numeric" dir="ltr" isRequired autoFocus
          description={t('loyalty.share.percentHelp')} errorMessage={percentError ?? fieldErrors.percent} />
        {submit.error && !fieldErrors.charityId && !fieldErrors.percent && <p className="field-error" role="alert">{submit.error.message}</p>}
        <div className="form-actions">
          <Button type="submit" variant="primary" isDisabled={submit.pending || !charityId}>{t('common.save')}</Button>
          <Button onPress={onClose}>{t('common.cancel')}</Button>
        </div>
      </form>
    </Dialog>
  );
}

function StopShare({ customerId, onClose }: { customerId: string; onClose: () => void }) {
  const t = useT();
  const toast = useToast();
  const refresh = useRefreshShare(customerId);
  const submit = useSubmit();
  const [key] = useState(newIdempotencyKey);
  const handle = async () => {
    const ok = await submit.run(() => charitiesApi.stopShare(customerId, key));
    if (!ok) return;
    await refresh();
    toast(t('loyalty.share.stopped'));
    onClose();
  };
  return (
    <ConfirmDialog
      title={t('loyalty.share.stopTitle')}
      body={<>{t('loyalty.share.stopBody')}{submit.error && <span className="field-error" role="alert"> {submit.error.message}</span>}</>}
      confirmLabel={t('loyalty.share.stop')}
      isOpen
      isPending={submit.pending}
      onOpenChange={(open) => !open && onClose()}
      onConfirm={() => void handle()}
    />
  );
}
