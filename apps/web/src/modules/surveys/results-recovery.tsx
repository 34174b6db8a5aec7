// "Did fixing it change the score?": customers whose negative answer was followed up or handled as
// a case and who answered again, per scored kind: the score before and after, the share that
// recovered (no longer negative) and that ended on top, and the mean change per customer with its
// 95 % interval. The figures are the server's (recovery.service over the metrics library).
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { formatNumber } from '../../lib/format.ts';
import { Badge, ErrorState, Skeleton } from '../../ui/index.ts';
import { useRecovery, type RecoveryMetric } from './recovery-api.ts';
import { formatMargin, formatMetric, formatPercent, formatSigned, type Metric } from './results-format.ts';
import './results-recovery.css';

const SMALL = 30;

export function ResultsRecovery({ surveyId }: { surveyId: string }) {
  const t = useT();
  const prefs = usePrefs();
  const recovery = useRecovery(surveyId);
  const n = (v: number) => formatNumber(v, prefs);
  return (
    <section className="results-section results-recovery" aria-labelledby="results-recovery" data-testid="results-recovery">
      <h2 id="results-recovery">{t('surveys.recovery.title')}</h2>
      {recovery.isPending && <Skeleton lines={3} label={t('surveys.recovery.title')} />}
      {recovery.isError && <ErrorState detail={recovery.error.message} onRetry={() => void recovery.refetch()} />}
      {recovery.data && recovery.data.loops.paired === 0 && (
        <div className="recovery-empty">
          <p>{t('surveys.recovery.empty')}</p>
          <p className="muted">{t('surveys.recovery.howTo')}</p>
        </div>
      )}
      {recovery.data && recovery.data.loops.paired > 0 && (
        <>
          <p className="recovery-lead">
            {t('surveys.recovery.lead', { paired: n(recovery.data.loops.paired), followups: n(recovery.data.loops.followup), cases: n(recovery.data.loops.case) })}
          </p>
          {recovery.data.metrics.length === 0 && <p className="muted">{t('surveys.recovery.noCommon')}</p>}
          <div className="recovery-tiles">{recovery.data.metrics.map((m) => <RecoveryTile key={`${m.type}:${m.points ?? ''}`} metric={m} />)}</div>
          <p className="muted recovery-caveat">{t('surveys.recovery.caveat')}</p>
        </>
      )}
    </section>
  );
}

const METRIC: Record<RecoveryMetric['type'], Metric> = { nps: 'nps', csat: 'csat', ces: 'ces' };

function RecoveryTile({ metric }: { metric: RecoveryMetric }) {
  const t = useT();
  const prefs = usePrefs();
  const f = (v: number) => formatMetric(v, METRIC[metric.type], prefs);
  const n = (v: number) => formatNumber(v, prefs);
  const change = metric.type === 'nps' ? metric.scoreChange : metric.meanChange;
  return (
    <article className="score-tile recovery-tile" data-testid={`recovery-${metric.type}`}>
      <header>
        <span className="score-kind">{t(`surveys.results.kind.${metric.type}`)}</span>
        <h3>{t(`surveys.recovery.kindTitle.${metric.type}`, { points: n(metric.points ?? 0) })}</h3>
      </header>
      <p className="recovery-shift" data-testid={`recovery-${metric.type}-shift`}>
        <span><span className="muted">{t('surveys.recovery.before')}</span> <bdi>{metric.before ? f(metric.before.value) : '—'}</bdi></span>
        <span aria-hidden="true" className="recovery-arrow">{prefs.language === 'en' ? '→' : '←'}</span>
        <span><span className="muted">{t('surveys.recovery.after')}</span> <bdi>{metric.after ? f(metric.after.value) : '—'}</bdi></span>
      </p>
      {change && (
        <p className="score-interval" data-testid={`recovery-${metric.type}-change`}>
          <span>{t(metric.type === 'nps' ? 'surveys.recovery.npsChange' : 'surveys.recovery.meanChange')}</span>{' '}
          <bdi className="recovery-change">{formatSigned(change.value, prefs, metric.type === 'nps' ? 0 : 1)} ± {formatMargin(change.margin, prefs)}</bdi>
        </p>
      )}
      <dl className="score-parts recovery-parts">
        {metric.recovered && (
          <div data-testid={`recovery-${metric.type}-recovered`}>
            <dt>{t(`surveys.recovery.recovered.${metric.type}`)}</dt>
            <dd>{formatPercent(metric.recovered.value, prefs)} <span className="muted">{t('surveys.recovery.ofCount', { count: n(metric.recovered.count), n: n(metric.recovered.n) })}</span></dd>
          </div>
        )}
        {metric.improved && (
          <div>
            <dt>{t(`surveys.recovery.improved.${metric.type}`)}</dt>
            <dd>{formatPercent(metric.improved.value, prefs)} <span className="muted">{t('surveys.recovery.ofCount', { count: n(metric.improved.count), n: n(metric.improved.n) })}</span></dd>
          </div>
        )}
      </dl>
      <p className="score-n">{t('surveys.recovery.pairs', { n: n(metric.n) })}</p>
      {metric.n < SMALL && <Badge tone="warn">{t('surveys.recovery.small', { min: n(SMALL) })}</Badge>}
    </article>
  );
}
