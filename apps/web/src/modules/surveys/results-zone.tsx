// The SERVQUAL zone of tolerance: per dimension and item, the band between the mean adequate
// and desired levels on the 1–9 scale with the mean perceived level marked, and the shares of
// respondents below, within and above their own zone. Drawn in HTML with logical positions, so
// the scale runs from the reading start (1 on the right in Persian and Arabic).
import type { ServqualDimension } from '@vafa/contracts';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { formatNumber } from '../../lib/format.ts';
import { Badge, UserText } from '../../ui/index.ts';
import type { Results } from './results-api.ts';
import { formatMetric, formatPercent, formatSigned, localText } from './results-format.ts';
import type { ServqualQuestion } from './results-questions.ts';

type Figures = ServqualQuestion['figures'];
const at = (v: number) => `${((v - 1) / 8) * 100}%`;
const ZONE_TONE = { below: 'bad', within: 'neutral', above: 'good' } as const;

function ZoneRow({ name, figures, strong }: { name: string; figures: Figures; strong?: boolean }) {
  const t = useT();
  const prefs = usePrefs();
  if (figures.n === 0 || figures.adequate === null || figures.desired === null || figures.perceived === null) {
    return (
      <li className="zone-row">
        <span className={strong ? 'zone-name zone-dimension' : 'zone-name'}><UserText>{name}</UserText></span>
        <span className="muted">{t('surveys.results.noAnswers')}</span>
      </li>
    );
  }
  const low = Math.min(figures.adequate, figures.desired);
  const high = Math.max(figures.adequate, figures.desired);
  const mean = (v: number) => formatMetric(v, 'mean', prefs);
  const description = t('surveys.results.zone.row', {
    adequate: mean(figures.adequate), desired: mean(figures.desired), perceived: mean(figures.perceived),
    msa: formatSigned(figures.msa!, prefs), mss: formatSigned(figures.mss!, prefs),
  });
  return (
    <li className="zone-row" data-zone={figures.zone}>
      <div className="zone-head">
        <span className={strong ? 'zone-name zone-dimension' : 'zone-name'}><UserText>{name}</UserText></span>
        {figures.zone && <Badge tone={ZONE_TONE[figures.zone]}>{t(`surveys.results.zone.${figures.zone}`)}</Badge>}
      </div>
      <div className="zone-track" role="img" aria-label={description}>
        <span className="zone-band" style={{ insetInlineStart: at(low), inlineSize: `calc(${at(high)} - ${at(low)})` }} />
        <span className="zone-marker" style={{ insetInlineStart: at(figures.perceived) }} />
      </div>
      <p className="zone-figures muted">
        {description}
        {figures.shares && ` · ${t('surveys.results.zone.shares', {
          below: formatPercent(figures.shares.below, prefs), within: formatPercent(figures.shares.within, prefs), above: formatPercent(figures.shares.above, prefs),
          n: formatNumber(figures.n, prefs),
        })}`}
      </p>
    </li>
  );
}

export function ResultsZone({ results }: { results: Results }) {
  const t = useT();
  const prefs = usePrefs();
  const items = results.questions.filter((q): q is ServqualQuestion => q.type === 'servqual');
  if (items.length === 0) return null;
  const scale = Array.from({ length: 9 }, (_, i) => i + 1);
  return (
    <section className="results-section" aria-labelledby="results-zone">
      <h2 id="results-zone">{t('surveys.results.zone.title')}</h2>
      <p className="muted">{t('surveys.results.zone.intro')}</p>
      <div className="zone-key" aria-hidden="true">
        <span><span className="zone-key-band" />{t('surveys.results.zone.band')}</span>
        <span><span className="zone-key-marker" />{t('surveys.results.zone.perceived')}</span>
      </div>
      {results.servqualDimensions.map((d) => (
        <div key={d.dimension} className="zone-group">
          <div className="zone-scale" aria-hidden="true">{scale.map((v) => <span key={v} style={{ insetInlineStart: at(v) }}>{formatNumber(v, prefs)}</span>)}</div>
          <ul className="zone-list">
            <ZoneRow name={t(`surveys.results.dimension.${d.dimension as ServqualDimension}`)} figures={d} strong />
            {items.filter((q) => q.dimension === d.dimension).map((q) => <ZoneRow key={q.questionId} name={localText(q.title, prefs.language)} figures={q.figures} />)}
          </ul>
        </div>
      ))}
    </section>
  );
}
