// Who a distribution would reach now and, for SMS, what it costs: the text each language
// group reads, its parts (Persian and Arabic are UCS-2: 70 characters, 67 per part when split)
// times the recipients. The server counts; this only lays it out.
import { useQuery } from '@tanstack/react-query';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { formatNumber } from '../../lib/format.ts';
import { useDebounced } from '../../lib/hooks.ts';
import { Skeleton } from '../../ui/index.ts';
import { distributionApi, type PreviewInput } from './distribution-api.ts';

export function DistributionPreview({ surveyId, input }: { surveyId: string; input: PreviewInput | null }) {
  const t = useT();
  const prefs = usePrefs();
  const asked = useDebounced(input, 400);
  const preview = useQuery({
    queryKey: ['surveys', 'distribution-preview', surveyId, asked],
    queryFn: () => distributionApi.preview(surveyId, asked!),
    enabled: asked !== null,
    placeholderData: (previous) => previous,
  });
  const n = (value: number) => formatNumber(value, prefs);
  if (!asked) return <p className="muted">{t('surveys.distribution.preview.pickAudience')}</p>;
  if (preview.isPending) return <Skeleton lines={3} label={t('surveys.distribution.preview.title')} />;
  if (preview.isError) return <p className="form-error" role="alert">{preview.error.message}</p>;
  const p = preview.data;
  return (
    <div className="distribution-preview" aria-live="polite" aria-busy={preview.isFetching} data-testid="distribution-preview">
      <dl className="preview-counts">
        <div><dt>{t('surveys.distribution.preview.audience')}</dt><dd>{n(p.audience)}</dd></div>
        <div><dt>{t('surveys.distribution.preview.recent')}</dt><dd>{n(p.recentlyContacted)}</dd></div>
        <div><dt>{t('surveys.distribution.preview.unreachable')}</dt><dd>{n(p.unreachable)}</dd></div>
        {asked.channel !== 'sms' && <div><dt>{t('surveys.distribution.preview.email')}</dt><dd>{n(p.recipients.email)}</dd></div>}
        {asked.channel !== 'email' && <div><dt>{t('surveys.distribution.preview.sms')}</dt><dd>{n(p.recipients.sms)}</dd></div>}
      </dl>
      {p.sms.length > 0 && (
        <div className="sms-cost">
          <h3>{t('surveys.distribution.preview.smsTitle')}</h3>
          <ul className="sms-cost-list">
            {p.sms.map((s) => (
              <li key={s.language}>
                <h4 className="sms-cost-language">{t(`language.${s.language}`)}</h4>
                <p className="sms-cost-line">{t('surveys.distribution.preview.partsTimes', { parts: s.parts, recipients: n(s.recipients), total: n(s.parts * s.recipients) })}</p>
                <p className="muted sms-encoding">{t(`surveys.distribution.preview.encoding.${s.encoding}`, { units: n(s.units) })}</p>
                <blockquote className="sms-sample" lang={s.language} dir={s.language === 'en' ? 'ltr' : 'rtl'} data-allow-latin>{s.text}</blockquote>
              </li>
            ))}
          </ul>
          <p className="sms-total"><strong>{t('surveys.distribution.preview.total', { parts: p.smsParts })}</strong></p>
        </div>
      )}
    </div>
  );
}
