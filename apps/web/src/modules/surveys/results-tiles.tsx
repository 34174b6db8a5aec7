// Score tiles: NPS/eNPS, CSAT %, CES and rating means, each with its 95 % interval, n, the skips
// and a warning below the small-sample threshold.
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { formatNumber } from '../../lib/format.ts';
import { Badge, UserText } from '../../ui/index.ts';
import type { MetricEstimate } from './results-api.ts';
import { formatMargin, formatMetric, formatPercent, localText, type Metric } from './results-format.ts';
import type { ScoredQuestion as Scored } from './results-questions.ts';

/** A number isolated left to right inside a sentence (U+2066 … U+2069), so its sign stays before it. */
const ltr = (value: string) => `\u2066${value}\u2069`;

function headline(q: Scored): { metric: Metric; estimate: MetricEstimate | null } {
  switch (q.type) {
    case 'nps':
    case 'enps':
      return { metric: 'nps', estimate: q.score };
    case 'csat':
      return { metric: 'csat', estimate: q.score };
    case 'ces':
      return { metric: 'ces', estimate: q.score };
    case 'rating':
      return { metric: 'mean', estimate: q.mean };
  }
}

export function ScoreTile({ question, smallSample }: { question: Scored; smallSample: number }) {
  const t = useT();
  const prefs = usePrefs();
  const { metric, estimate } = headline(question);
  const n = formatNumber(question.n, prefs);
  const f = (v: number) => formatMetric(v, metric, prefs);
  return (
    <article className="score-tile" data-testid={`score-${question.questionId}`}>
      <header>
        <span className="score-kind">{t(`surveys.results.kind.${question.type}`)}</span>
        <h3><UserText>{localText(question.title, prefs.language)}</UserText></h3>
      </header>
      {estimate ? (
        <>
          <p className="score-value">
            <bdi>{f(estimate.value)}</bdi>
            <span className="score-margin">{t('surveys.results.plusMinus', { margin: formatMargin(estimate.margin, prefs) })}</span>
          </p>
          {/* Each bound isolated left-to-right as the headline's <bdi> is: in a right-to-left line a bare «+22» shows as «22+». */}
          <p className="score-interval muted">{t('surveys.results.interval', { low: ltr(f(estimate.low)), high: ltr(f(estimate.high)) })}</p>
        </>
      ) : (
        <p className="score-value score-none">{t('surveys.results.noAnswers')}</p>
      )}
      <p className="score-n">
        {t('surveys.results.n', { n })}
        {question.skipped > 0 && <span className="muted"> · {t('surveys.results.skipped', { count: formatNumber(question.skipped, prefs) })}</span>}
      </p>
      {question.n > 0 && question.n < smallSample && <Badge tone="warn">{t('surveys.results.smallSample', { min: formatNumber(smallSample, prefs) })}</Badge>}
      <TileDetail question={question} />
    </article>
  );
}

function TileDetail({ question }: { question: Scored }) {
  const t = useT();
  const prefs = usePrefs();
  if (question.n === 0) return null;
  const share = (count: number) => formatPercent((100 * count) / question.n, prefs);
  switch (question.type) {
    case 'nps':
    case 'enps':
      return (
        <dl className="score-parts">
          <div><dt>{t('surveys.results.promoters')}</dt><dd>{share(question.promoters)}</dd></div>
          <div><dt>{t('surveys.results.passives')}</dt><dd>{share(question.passives)}</dd></div>
          <div><dt>{t('surveys.results.detractors')}</dt><dd>{share(question.detractors)}</dd></div>
        </dl>
      );
    case 'csat':
      return <p className="muted score-note">{t('surveys.results.csatNote', { points: formatNumber(question.points, prefs), mean: question.mean ? formatMetric(question.mean.value, 'mean', prefs) : '—' })}</p>;
    case 'ces':
      return <p className="muted score-note">{t('surveys.results.cesNote', { agree: question.agree ? formatPercent(question.agree.value, prefs) : '—' })}</p>;
    case 'rating':
      return <p className="muted score-note">{t('surveys.results.ratingNote', { min: formatNumber(question.min, prefs), max: formatNumber(question.max, prefs) })}</p>;
  }
}

