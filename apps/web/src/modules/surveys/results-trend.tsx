// A scored question's figure over time with its 95 % interval as a band and the significant
// changes from the previous period marked. Months are the workspace calendar's months.
import { useState } from 'react';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { formatNumber } from '../../lib/format.ts';
import { Chart, ErrorState, Select, Skeleton } from '../../ui/index.ts';
import { useTrend, type ResultsFilter, type TrendInterval } from './results-api.ts';
import { bucketLabel, formatMetric, formatSigned, localText } from './results-format.ts';
import type { ScoredQuestion } from './results-questions.ts';

const INTERVALS: TrendInterval[] = ['day', 'week', 'month'];

export function ResultsTrend({ surveyId, questions, filter }: { surveyId: string; questions: ScoredQuestion[]; filter: ResultsFilter }) {
  const t = useT();
  const prefs = usePrefs();
  const [questionId, setQuestionId] = useState<string | undefined>(questions[0]?.questionId);
  const [interval, setInterval] = useState<TrendInterval>('month');
  const chosen = questions.some((q) => q.questionId === questionId) ? questionId : questions[0]?.questionId;
  const trend = useTrend(surveyId, chosen, interval, filter);
  if (questions.length === 0) return null;
  const data = trend.data;
  const metric = data?.metric ?? 'nps';
  const label = t('surveys.results.trend.title');
  const changes = data?.points.filter((p) => p.change?.significant) ?? [];
  return (
    <section className="results-section" aria-labelledby="results-trend">
      <h2 id="results-trend">{label}</h2>
      <div className="results-controls">
        <Select
          label={t('surveys.results.question')}
          options={questions.map((q) => ({ id: q.questionId, label: localText(q.title, prefs.language) }))}
          value={chosen ?? null}
          onChange={setQuestionId}
        />
        <Select
          label={t('surveys.results.trend.interval')}
          options={INTERVALS.map((id) => ({ id, label: t(`surveys.results.trend.${id}`) }))}
          value={interval}
          onChange={setInterval}
        />
      </div>
      {trend.isError && <ErrorState detail={(trend.error as Error).message} onRetry={() => void trend.refetch()} />}
      {!data && trend.isLoading && <Skeleton lines={6} label={label} />}
      {data && (
        <>
          <Chart
            label={label}
            testId="results-trend"
            xHeading={t(`surveys.results.trend.${interval}`)}
            x={{ categories: data.points.map((p) => ({ key: p.start, label: bucketLabel(p.start, interval, data.calendar, prefs) })) }}
            series={[{
              name: t(`surveys.results.metric.${metric}`),
              kind: 'line',
              tone: 'primary',
              values: data.points.map((p) => p.value?.value ?? null),
              band: { low: data.points.map((p) => p.value?.low ?? null), high: data.points.map((p) => p.value?.high ?? null) },
              marked: data.points.map((p) => Boolean(p.change?.significant)),
            }]}
            formatValue={(v) => formatMetric(v, metric, prefs)}
            emptyText={t('surveys.results.trend.empty')}
          />
          <p className="muted results-legend-note">{t('surveys.results.trend.legend')}</p>
          {changes.length > 0 && (
            <ul className="results-changes">
              {changes.map((p) => (
                <li key={p.start}>
                  {t(p.change!.direction === 'up' ? 'surveys.results.trend.rose' : 'surveys.results.trend.fell', {
                    period: bucketLabel(p.start, interval, data.calendar, prefs, true),
                    change: formatSigned(metric === 'nps' ? Math.round(p.change!.value) : p.change!.value, prefs, metric === 'nps' ? 0 : 1),
                    n: formatNumber(p.n, prefs),
                  })}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
