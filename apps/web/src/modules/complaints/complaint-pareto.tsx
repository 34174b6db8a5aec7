// The Pareto of root causes: bars of cases per cause, largest first, coloured by SERVQUAL
// dimension, with the cumulative share as a line on its own 0–100 % axis. The numbers are also a
// table (for screen readers, and for anyone who wants them).
import { useEffect, useMemo, useRef, useState } from 'react';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { formatNumber, isRtl, localeTag } from '../../lib/format.ts';
import type { RootCauseReport } from '@vafa/contracts';
import type { ParetoHandle } from './pareto-engine.ts';
import type { Dimension } from './complaint-settings-api.ts';

/** Five hues told apart at a glance (the cumulative line is red, apart from all of them). */
export const DIMENSION_TONE: Record<Dimension, string> = { reliability: 'primary', responsiveness: 'info', assurance: 'warn', empathy: 'muted', tangibles: 'border-strong' };
type Engine = typeof import('./pareto-engine.ts');

export function formatShare(share: number, prefs: ReturnType<typeof usePrefs>): string {
  return new Intl.NumberFormat(localeTag(prefs), { style: 'percent', maximumFractionDigits: 1 }).format(share);
}

export function ParetoChart({ report }: { report: RootCauseReport }) {
  const t = useT();
  const prefs = usePrefs();
  const rtl = isRtl(prefs.language);
  const host = useRef<HTMLDivElement>(null);
  const handle = useRef<ParetoHandle | null>(null);
  const [engine, setEngine] = useState<Engine | null>(null);
  const [failed, setFailed] = useState(false);
  const [narrow, setNarrow] = useState(() => window.matchMedia?.('(max-width: 640px)').matches ?? false);
  const labelOf = (item: RootCauseReport['items'][number]) => item.labels?.[prefs.language] ?? t('complaints.reports.unknownCause');
  const dimensionOf = (d: Dimension | null) => (d ? t(`complaints.settings.dimension.${d}`) : t('complaints.reports.noDimension'));
  const items = report.items;

  useEffect(() => {
    if (items.length === 0) return;
    let live = true;
    import('./pareto-engine.ts').then((e) => live && setEngine(e), () => live && setFailed(true));
    const query = window.matchMedia?.('(max-width: 640px)');
    const listen = () => setNarrow(query.matches);
    query?.addEventListener('change', listen);
    return () => {
      live = false;
      query?.removeEventListener('change', listen);
    };
  }, [items.length]);

  useEffect(() => {
    if (!engine || !host.current) return;
    const created = engine.createPareto(host.current);
    handle.current = created;
    return () => {
      handle.current = null;
      created.dispose();
    };
  }, [engine]);

  const signature = JSON.stringify(items) + prefs.language + prefs.digits + String(narrow);
  useEffect(() => {
    if (!handle.current || !host.current) return;
    const css = getComputedStyle(host.current);
    const variable = (name: string) => css.getPropertyValue(`--${name}`).trim();
    handle.current.draw({
      rtl,
      labels: items.map(labelOf),
      counts: items.map((i) => i.count),
      cumulative: items.map((i) => Math.round(i.cumulativeShare * 1000) / 10),
      barColours: items.map((i) => variable(i.dimension ? DIMENSION_TONE[i.dimension] : 'border-strong')),
      lineColour: variable('danger'),
      countName: t('complaints.reports.pareto.cases'),
      cumulativeName: t('complaints.reports.pareto.cumulative'),
      formatCount: (n) => formatNumber(n, prefs),
      formatPercent: (n) => formatShare(n / 100, prefs),
      isolate: (text) => (rtl ? `\u2067${text}\u2069` : text),
      theme: { text: variable('text'), muted: variable('muted'), grid: variable('surface-2'), surface: variable('surface'), border: variable('border'), font: css.fontFamily, danger: variable('danger') },
      narrow,
      animate: !window.matchMedia?.('(prefers-reduced-motion: reduce)').matches,
    });
  }, [engine, signature]);

  const summary = useMemo(() => {
    const top = items[0];
    return top ? t('complaints.reports.pareto.summary', { total: formatNumber(report.total, prefs), top: labelOf(top), share: formatShare(top.share, prefs), causes: formatNumber(items.length, prefs) }) : '';
  }, [signature]);

  if (items.length === 0) return <p className="muted chart-empty-text">{t('complaints.reports.pareto.empty')}</p>;
  const dimensions = [...new Set(items.map((i) => i.dimension))];
  return (
    <figure className="pareto" data-testid="pareto" data-state={engine ? 'drawn' : failed ? 'failed' : 'loading'}>
      <ul className="chart-legend pareto-legend">
        {dimensions.map((d) => (
          <li key={d ?? 'none'}><span className="chart-swatch" aria-hidden="true" style={{ background: `var(--${d ? DIMENSION_TONE[d] : 'border-strong'})` }} />{dimensionOf(d)}</li>
        ))}
        <li><span className="pareto-line-swatch" aria-hidden="true" />{t('complaints.reports.pareto.cumulative')}</li>
      </ul>
      {failed ? <p className="chart-failed" role="status">{t('chart.unavailable')}</p> : <div ref={host} className="pareto-canvas" dir="ltr" role="img" aria-label={summary} />}
      <details className="chart-data">
        <summary>{t('chart.showNumbers')}</summary>
        <div className="chart-table-scroll" tabIndex={0} role="region" aria-label={t('complaints.reports.pareto.title')}>
          <table className="simple-table pareto-table">
            <thead>
              <tr>
                <th scope="col">{t('complaints.reports.pareto.cause')}</th>
                <th scope="col">{t('complaints.reports.pareto.dimension')}</th>
                <th scope="col" className="col-num">{t('complaints.reports.pareto.cases')}</th>
                <th scope="col" className="col-num">{t('complaints.reports.pareto.share')}</th>
                <th scope="col" className="col-num">{t('complaints.reports.pareto.cumulative')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr key={i.code} data-code={i.code}>
                  <th scope="row">{labelOf(i)}</th>
                  <td>{dimensionOf(i.dimension)}</td>
                  <td className="col-num">{formatNumber(i.count, prefs)}</td>
                  <td className="col-num">{formatShare(i.share, prefs)}</td>
                  <td className="col-num">{formatShare(i.cumulativeShare, prefs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
