// The workspace's recontact limit (days between any two surveys to one customer) and SMS
// replies. Admins change them and see where the SMS provider should forward replies; others read.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { usePrefs } from '../../app/prefs.tsx';
import { useFieldError, useT } from '../../i18n/useT.ts';
import { localiseDigits, toLatinDigits } from '../../lib/format.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { Button, Skeleton, Switch, TextField, useToast } from '../../ui/index.ts';
import { distributionApi, distributionKeys, useSurveyPolicy } from './distribution-api.ts';
import { LinkBox } from './distribution-links.tsx';

export function RecontactPolicy({ isAdmin }: { isAdmin: boolean }) {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const client = useQueryClient();
  const policy = useSurveyPolicy();
  const inbound = useQuery({ queryKey: distributionKeys.smsInbound, queryFn: distributionApi.smsInbound, enabled: isAdmin });
  const [days, setDays] = useState('');
  const [smsReplies, setSmsReplies] = useState(false);
  const { error, pending, run } = useSubmit();
  const fieldError = useFieldError(error);
  useEffect(() => {
    if (policy.data) {
      setDays(String(policy.data.recontactDays));
      setSmsReplies(policy.data.smsReplies);
    }
  }, [policy.data]);

  const handleSave = () => void run(async () => {
    const saved = await distributionApi.savePolicy({ recontactDays: Number(toLatinDigits(days.trim()) || Number.NaN), smsReplies });
    client.setQueryData(distributionKeys.policy, saved);
    toast(t('common.saved'));
  });

  return (
    <section className="card distribution-card" aria-labelledby="recontact-policy">
      <h2 id="recontact-policy">{t('surveys.distribution.policy.title')}</h2>
      <p className="muted">{t('surveys.distribution.policy.body')}</p>
      {policy.isPending && <Skeleton lines={2} label={t('surveys.distribution.policy.title')} />}
      {policy.data && !isAdmin && (
        <p>{policy.data.recontactDays > 0 ? t('surveys.distribution.policy.current', { days: policy.data.recontactDays }) : t('surveys.distribution.policy.off')}</p>
      )}
      {policy.data && isAdmin && (
        <form className="policy-form" onSubmit={(e) => { e.preventDefault(); handleSave(); }}>
          <TextField label={t('surveys.distribution.policy.days')} description={t('surveys.distribution.policy.daysHint')} inputMode="numeric"
            value={localiseDigits(days, prefs.digits)} onChange={(v) => setDays(toLatinDigits(v))} errorMessage={fieldError('recontactDays')} />
          <Switch isSelected={smsReplies} onChange={setSmsReplies}>{t('surveys.distribution.policy.smsReplies')}</Switch>
          {smsReplies && inbound.data?.url && (
            <div className="policy-inbound">
              <p className="muted">{t('surveys.distribution.policy.inbound')}</p>
              <LinkBox label={t('surveys.distribution.policy.inboundLabel')} link={inbound.data.url} />
            </div>
          )}
          {smsReplies && inbound.data && !inbound.data.url && <p className="muted">{t('surveys.distribution.policy.noSms')}</p>}
          {error && <p className="form-error" role="alert">{error.message}</p>}
          <div className="form-actions"><Button type="submit" variant="primary" isPending={pending}>{t('common.save')}</Button></div>
        </form>
      )}
    </section>
  );
}
