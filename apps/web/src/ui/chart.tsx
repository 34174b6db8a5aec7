// A bar or line chart on Apache ECharts, mirrored in right-to-left languages, speaking the
// reader's digits and calendar. This file is light; echarts itself (chart-engine.ts) is loaded
// with import() when a chart first has something to draw, so it stays out of the first screen.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useIntl } from 'react-intl';
import { usePrefs } from '../app/prefs.tsx';
import { formatNumber, isRtl } from '../lib/format.ts';
import type { ChartHandle, ChartModel } from './chart-engine.ts';
import { dayAxisLabel, dayTitle, isEmptyChart, isolate, seriesFigures } from './chart-text.ts';
import './chart.css';

export type ChartTone = 'primary' | 'info' | 'good' | 'warn' | 'danger' | 'muted' | 'neutral';
/** The CSS variable behind each tone (neutral: the strong border grey). */
const TONE_VARIABLE: Record<ChartTone, string> = { primary: 'primary', info: 'info', good: 'good', warn: 'warn', danger: 'danger', muted: 'muted', neutral: 'border-strong' };

export interface ChartSeries {
  /** shown in the legend, the tooltip and the data table */
  name: string;
  /** one value per point of the x axis; null is a gap */
  values: readonly (number | null)[];
  kind?: 'line' | 'bar';
  tone?: ChartTone;
  /** an interval around a line (e.g. a 95 % confidence interval), shaded behind it; null is a gap */
  band?: { low: readonly (number | null)[]; high: readonly (number | null)[] };
  /** points to single out (e.g. a significant change), drawn larger; the caller says why in its label */
  marked?: readonly boolean[];
}

/** Days (Gregorian YYYY-MM-DD or instants, oldest first) or named categories with their labels. */
export type ChartX = { days: readonly string[] } | { categories: readonly { key: string; label: string }[] };

export interface ChartProps {
  /** what the chart shows; its accessible name and the data table's caption */
  label: string;
  x: ChartX;
  series: readonly ChartSeries[];
  /** stack the series on one another (bars or areas) */
  stacked?: boolean;
  /** values are counts: whole-number ticks only */
  integers?: boolean;
  /** a value as text (y axis, tooltip, table); default: a number in the reader's digits */
  formatValue?: (value: number) => string;
  /** shown instead of the chart when there is nothing but zeros */
  emptyText?: string;
  /** heading of the data table's first column (default: "Day" or "Item") */
  xHeading?: string;
  testId?: string;
}

const TONES: ChartTone[] = ['primary', 'info', 'warn', 'good', 'danger', 'muted'];
const toneVariable = (series: ChartSeries, index: number) => TONE_VARIABLE[series.tone ?? TONES[index % TONES.length]!];

type Engine = typeof import('./chart-engine.ts');
let enginePromise: Promise<Engine> | null = null;
/** Once loaded, a chart mounted later draws in its first effect, without a loading frame. */
let loadedEngine: Engine | null = null;
const loadEngine = () => (enginePromise ??= import('./chart-engine.ts').then(
  (engine) => (loadedEngine = engine),
  (error: unknown) => {
    enginePromise = null; // a later chart may try again (e.g. after the network came back)
    throw error;
  },
));

export function Chart({ label, x, series, stacked = false, integers = false, formatValue, emptyText, xHeading, testId }: ChartProps) {
  const intl = useIntl();
  const prefs = usePrefs();
  const rtl = isRtl(prefs.language);
  const host = useRef<HTMLDivElement>(null);
  const [engine, setEngine] = useState<Engine | null>(loadedEngine);
  const [failed, setFailed] = useState(false);

  const isDays = 'days' in x;
  // Callers build x and series inline; redraw when their content changes, not their identity.
  const xSig = JSON.stringify(x);
  const seriesSig = JSON.stringify(series);
  const keys = useMemo(() => ('days' in x ? [...x.days] : x.categories.map((c) => c.key)), [xSig]);
  const stableSeries = useMemo(() => series, [seriesSig]);
  const axisLabels = useMemo(() => ('days' in x ? x.days.map((d) => dayAxisLabel(d, prefs)) : x.categories.map((c) => c.label)), [xSig, prefs]);
  const titles = useMemo(() => ('days' in x ? x.days.map((d) => dayTitle(d, prefs)) : x.categories.map((c) => c.label)), [xSig, prefs]);
  const empty = isEmptyChart(keys.length, stableSeries);
  // An inline formatValue is a new function each render: key it by what it writes for our values.
  const format = formatValue ?? ((value: number) => formatNumber(value, prefs));
  const formatSig = JSON.stringify(stableSeries.map((s) => s.values.map((v) => (v === null ? null : format(v)))));
  const valueText = useMemo(() => format, [formatSig, prefs]);

  useEffect(() => {
    if (empty || engine) return;
    let live = true;
    loadEngine().then((loaded) => live && setEngine(loaded), () => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [empty, engine]);

  const handle = useRef<ChartHandle | null>(null);
  useEffect(() => {
    if (!engine || !host.current) return;
    const created = engine.createChart(host.current);
    handle.current = created;
    return () => {
      handle.current = null;
      created.dispose();
    };
  }, [engine, empty]);

  useEffect(() => {
    if (!handle.current || !host.current) return;
    const css = getComputedStyle(host.current);
    const variable = (name: string) => css.getPropertyValue(`--${name}`).trim();
    const model: ChartModel = {
      rtl,
      keys,
      axisLabels,
      tooltipTitles: titles,
      series: stableSeries.map((s, i) => ({
        name: s.name, kind: s.kind ?? 'bar', values: [...s.values], colour: variable(toneVariable(s, i)),
        ...(s.band ? { band: { low: [...s.band.low], high: [...s.band.high] } } : {}),
        ...(s.marked ? { marked: [...s.marked] } : {}),
      })),
      stacked,
      integers,
      formatValue: valueText,
      isolate: (text) => isolate(text, rtl),
      theme: { text: variable('text'), muted: variable('muted'), grid: variable('surface-2'), surface: variable('surface'), border: variable('border'), font: css.fontFamily },
      animate: !window.matchMedia?.('(prefers-reduced-motion: reduce)').matches,
    };
    handle.current.draw(model);
  }, [engine, empty, rtl, keys, axisLabels, titles, stableSeries, stacked, integers, valueText]);

  const summary = useMemo(() => {
    const totals = intl.formatList(stableSeries.map((s) => {
      const figures = seriesFigures(s.values);
      return intl.formatMessage({ id: 'chart.seriesTotal' }, { name: s.name, total: valueText(figures.total), max: valueText(figures.max) });
    }), { type: 'conjunction' });
    if (isDays && titles.length > 0) return intl.formatMessage({ id: 'chart.summaryDays' }, { label, first: titles[0], last: titles.at(-1), totals });
    return intl.formatMessage({ id: 'chart.summary' }, { label, totals });
  }, [intl, stableSeries, valueText, isDays, titles, label]);

  if (empty) {
    return (
      <div className="chart chart-empty" data-testid={testId} data-state="empty">
        <p>{emptyText ?? intl.formatMessage({ id: 'chart.empty' })}</p>
      </div>
    );
  }

  return (
    <figure className="chart" data-testid={testId} data-state={engine ? 'drawn' : failed ? 'failed' : 'loading'} data-first-label={axisLabels[0]}>
      {/* In HTML: it wraps on a phone, and in RTL the first series is read first, on the right. */}
      <ul className="chart-legend">
        {stableSeries.map((s, i) => (
          <li key={s.name}>
            <span className="chart-swatch" aria-hidden="true" style={{ background: `var(--${toneVariable(s, i)})` }} />
            {s.name}
          </li>
        ))}
      </ul>
      {failed
        ? <p className="chart-failed" role="status">{intl.formatMessage({ id: 'chart.unavailable' })}</p>
        // dir=ltr: the SVG keeps left-to-right geometry; mirroring is done in the option (see chart-text.ts isolate).
        : <div ref={host} className="chart-canvas" dir="ltr" role="img" aria-label={summary} />}
      <details className="chart-data" open={failed || undefined}>
        <summary>{intl.formatMessage({ id: 'chart.showNumbers' })}</summary>
        {/* It scrolls (a long period), so it must be reachable by keyboard. */}
        <div className="chart-table-scroll" tabIndex={0} role="region" aria-label={label}>
          <table className="simple-table">
            <caption className="visually-hidden">{label}</caption>
            <thead>
              <tr>
                <th scope="col">{xHeading ?? intl.formatMessage({ id: isDays ? 'chart.day' : 'chart.item' })}</th>
                {series.map((s) => <th key={s.name} scope="col" className="col-num">{s.name}</th>)}
              </tr>
            </thead>
            <tbody>
              {keys.map((key, i) => (
                <tr key={key}>
                  <th scope="row">{titles[i]}</th>
                  {series.map((s) => {
                    const value = s.values[i];
                    const low = s.band?.low[i];
                    const high = s.band?.high[i];
                    const range = low !== null && low !== undefined && high !== null && high !== undefined ? ` (${valueText(low)} – ${valueText(high)})` : '';
                    return <td key={s.name} className="col-num">{value === null || value === undefined ? '—' : `${valueText(value)}${range}`}{s.marked?.[i] ? ' *' : ''}</td>;
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
