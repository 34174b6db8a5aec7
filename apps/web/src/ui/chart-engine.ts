// Apache ECharts behind one small interface. Only chart.tsx imports this file, and only with a
// dynamic import(), so echarts lands in its own chunk, loaded when a chart is first on screen.
// Tree-shaken: bar and line charts, grid and tooltip, drawn as SVG. The legend is HTML (chart.tsx):
// it wraps on a phone and flows right to left by itself.
import { BarChart, LineChart, type BarSeriesOption, type LineSeriesOption } from 'echarts/charts';
import { GridComponent, TooltipComponent, type GridComponentOption, type TooltipComponentOption } from 'echarts/components';
import { init, use, type ComposeOption, type ECharts, type EChartsCoreOption } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

use([BarChart, LineChart, GridComponent, TooltipComponent, SVGRenderer]);

type Option = ComposeOption<BarSeriesOption | LineSeriesOption | GridComponentOption | TooltipComponentOption>;

/** Everything the drawing needs, already in the reader's language, digits and calendar. */
export interface ChartModel {
  rtl: boolean;
  /** one key per point (unique), oldest or first first */
  keys: string[];
  axisLabels: string[];
  tooltipTitles: string[];
  series: {
    name: string; kind: 'line' | 'bar'; values: (number | null)[]; colour: string;
    /** drawn as a shaded band behind the series */
    band?: { low: (number | null)[]; high: (number | null)[] };
    /** points drawn larger */
    marked?: boolean[];
  }[];
  stacked: boolean;
  integers: boolean;
  /** a value as text, for the y axis and the tooltip (not yet isolated) */
  formatValue: (value: number) => string;
  /** wraps text drawn inside the SVG so right-to-left labels keep their order */
  isolate: (text: string) => string;
  theme: { text: string; muted: string; grid: string; surface: string; border: string; font: string };
  animate: boolean;
}

/** A drawn chart: redraw it with a new model, or take it down. */
export interface ChartMount<M> { draw(model: M): void; dispose(): void }
export type ChartHandle = ChartMount<ChartModel>;

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function optionOf(m: ChartModel): Option {
  const labelText = { color: m.theme.muted, fontFamily: m.theme.font, fontSize: 12 };
  return {
    animation: m.animate,
    animationDurationUpdate: 250,
    textStyle: { fontFamily: m.theme.font, color: m.theme.text },
    grid: { top: 12, bottom: 4, left: 4, right: 4, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    tooltip: {
      trigger: 'axis',
      confine: true,
      renderMode: 'html',
      axisPointer: { type: m.series.some((s) => s.kind === 'bar') ? 'shadow' : 'line' },
      backgroundColor: m.theme.surface,
      borderColor: m.theme.border,
      textStyle: { color: m.theme.text, fontFamily: m.theme.font, fontSize: 13 },
      extraCssText: `direction: ${m.rtl ? 'rtl' : 'ltr'}; text-align: start; box-shadow: 0 8px 24px rgb(16 24 40 / 0.16);`,
      formatter: (params) => {
        // In the model's series order, whatever order they were drawn in.
        const order = (name: string | undefined) => m.series.findIndex((s) => s.name === name);
        const list = (Array.isArray(params) ? params : [params]).slice().sort((a, b) => order(a.seriesName) - order(b.seriesName));
        const index = list[0]?.dataIndex ?? 0;
        const rows = list.filter((p) => order(p.seriesName) >= 0).map((p) => {
          const band = m.series[order(p.seriesName)]?.band;
          const low = band?.low[p.dataIndex];
          const high = band?.high[p.dataIndex];
          const raw = typeof p.value === 'number' ? p.value : (p.value as { value?: unknown } | undefined)?.value;
          const range = typeof low === 'number' && typeof high === 'number' ? ` (${m.formatValue(low)} – ${m.formatValue(high)})` : '';
          const value = typeof raw === 'number' ? m.formatValue(raw) + range : '—';
          return `<div class="chart-tip-row">${typeof p.marker === 'string' ? p.marker : ''}<span>${escapeHtml(p.seriesName ?? '')}</span><b>${escapeHtml(value)}</b></div>`;
        });
        return `<div class="chart-tip-title">${escapeHtml(m.tooltipTitles[index] ?? '')}</div>${rows.join('')}`;
      },
    },
    xAxis: {
      type: 'category',
      data: m.keys,
      // Time runs in the reading direction: right to left in Persian and Arabic.
      inverse: m.rtl,
      axisTick: { alignWithLabel: true },
      axisLine: { lineStyle: { color: m.theme.border } },
      // A little below the axis: the first day's label would otherwise touch the y axis's 0.
      axisLabel: { ...labelText, margin: 12, hideOverlap: true, formatter: (_value: string, index: number) => m.isolate(m.axisLabels[index] ?? '') },
    },
    yAxis: {
      type: 'value',
      position: m.rtl ? 'right' : 'left',
      minInterval: m.integers ? 1 : undefined,
      splitLine: { lineStyle: { color: m.theme.grid } },
      axisLabel: { ...labelText, formatter: (value: number) => m.isolate(m.formatValue(value)) },
    },
    // Side-by-side bars are placed left to right in series order; in RTL the first stands rightmost.
    series: [
      ...m.series.flatMap(bandSeries),
      ...(m.rtl && !m.stacked ? [...m.series].reverse() : m.series).map((s): BarSeriesOption | LineSeriesOption => {
        // A marked point is a larger diamond; the rest keep the series' symbol.
        const data = s.marked ? s.values.map((v, i) => (s.marked![i] && v !== null ? { value: v, symbol: 'diamond', symbolSize: 14 } : v)) : s.values;
        const common = { name: s.name, data, color: s.colour, stack: m.stacked ? 'total' : undefined, emphasis: { focus: 'series' as const } };
        return s.kind === 'line'
          ? { ...common, type: 'line', symbol: 'circle', symbolSize: 6, showSymbol: m.keys.length <= 31 || Boolean(s.marked), lineStyle: { width: 2 }, areaStyle: m.stacked ? { opacity: 0.25 } : undefined }
          : { ...common, type: 'bar', barMaxWidth: 18, itemStyle: { borderRadius: m.stacked ? 0 : [3, 3, 0, 0] } };
      }),
    ],
  };
}

/**
 * A band is two invisible lines stacked: the low edge, then high − low filled above it. They are
 * silent and nameless (the tooltip and legend speak of the series they belong to).
 */
function bandSeries(s: ChartModel['series'][number], index: number): LineSeriesOption[] {
  if (!s.band) return [];
  const { low, high } = s.band;
  const stack = `band-${index}`;
  // stackStrategy 'all': a negative low edge (an NPS below 0) still carries the band above it
  const edge = { type: 'line' as const, stack, stackStrategy: 'all' as const, symbol: 'none', silent: true, lineStyle: { opacity: 0 }, tooltip: { show: false }, z: 1 };
  return [
    { ...edge, name: '', data: low },
    { ...edge, name: '', data: high.map((h, i) => (h === null || low[i] === null ? null : h - low[i]!)), areaStyle: { color: s.colour, opacity: 0.16 } },
  ];
}

/**
 * Draws `optionOf(model)` into `host` (SVG), follows the host's size, and re-lays text once the
 * web font has loaded. Shared with every chart of its own kind (the complaints Pareto), which
 * registers its own ECharts parts and imports this with them in its chunk.
 */
export function mountChart<M>(host: HTMLElement, optionOf: (model: M) => EChartsCoreOption): ChartMount<M> {
  const chart: ECharts = init(host, undefined, { renderer: 'svg' });
  let last: M | null = null;
  let frame = 0;
  const observer = new ResizeObserver(() => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => chart.resize());
  });
  observer.observe(host);
  // Labels are measured with the font at hand; Vazirmatn may arrive after the first draw.
  void document.fonts?.ready.then(() => {
    if (!chart.isDisposed() && last) chart.setOption(optionOf(last), { notMerge: true });
  });
  return {
    draw(model) {
      last = model;
      chart.setOption(optionOf(model), { notMerge: true });
    },
    dispose() {
      cancelAnimationFrame(frame);
      observer.disconnect();
      chart.dispose();
    },
  };
}

/** The trend and bar charts of chart.tsx. */
export function createChart(host: HTMLElement): ChartHandle {
  return mountChart(host, optionOf);
}
