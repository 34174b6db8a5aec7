// The Pareto chart's drawing on Apache ECharts: bars of cases per root cause (largest first) on a
// count axis and the cumulative share as a line on a 0–100 % axis. Mirrored by hand in RTL: the
// categories run right to left and the two value axes swap sides. Loaded with import() by
// complaint-pareto.tsx only, so echarts stays out of every other chunk.
import { BarChart, LineChart, type BarSeriesOption, type LineSeriesOption } from 'echarts/charts';
import { GridComponent, MarkLineComponent, TooltipComponent, type GridComponentOption, type MarkLineComponentOption, type TooltipComponentOption } from 'echarts/components';
import { use, type ComposeOption } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { mountChart, type ChartMount } from '../../ui/chart-engine.ts';

use([BarChart, LineChart, GridComponent, TooltipComponent, MarkLineComponent, SVGRenderer]);

type Option = ComposeOption<BarSeriesOption | LineSeriesOption | GridComponentOption | TooltipComponentOption | MarkLineComponentOption>;

export interface ParetoModel {
  rtl: boolean;
  labels: string[];
  counts: number[];
  /** 0..100 */
  cumulative: number[];
  barColours: string[];
  lineColour: string;
  countName: string;
  cumulativeName: string;
  formatCount: (n: number) => string;
  formatPercent: (n: number) => string;
  isolate: (text: string) => string;
  theme: { text: string; muted: string; grid: string; surface: string; border: string; font: string; danger: string };
  /** drawn smaller on a phone: shorter labels */
  narrow: boolean;
  animate: boolean;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function optionOf(m: ParetoModel): Option {
  const labelText = { color: m.theme.muted, fontFamily: m.theme.font, fontSize: 12 };
  const countSide = m.rtl ? 'right' : 'left';
  const shareSide = m.rtl ? 'left' : 'right';
  return {
    animation: m.animate,
    textStyle: { fontFamily: m.theme.font, color: m.theme.text },
    grid: { top: 16, bottom: 4, left: 8, right: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    tooltip: {
      trigger: 'axis', confine: true, renderMode: 'html', axisPointer: { type: 'shadow' },
      backgroundColor: m.theme.surface, borderColor: m.theme.border,
      textStyle: { color: m.theme.text, fontFamily: m.theme.font, fontSize: 13 },
      extraCssText: `direction: ${m.rtl ? 'rtl' : 'ltr'}; text-align: start;`,
      formatter: (params) => {
        const list = Array.isArray(params) ? params : [params];
        const i = list[0]?.dataIndex ?? 0;
        return `<div class="chart-tip-title">${escapeHtml(m.labels[i] ?? '')}</div>`
          + `<div class="chart-tip-row"><span>${escapeHtml(m.countName)}</span><b>${escapeHtml(m.formatCount(m.counts[i] ?? 0))}</b></div>`
          + `<div class="chart-tip-row"><span>${escapeHtml(m.cumulativeName)}</span><b>${escapeHtml(m.formatPercent(m.cumulative[i] ?? 0))}</b></div>`;
      },
    },
    xAxis: {
      type: 'category', data: m.labels.map((_, i) => String(i)), inverse: m.rtl,
      axisTick: { alignWithLabel: true }, axisLine: { lineStyle: { color: m.theme.border } },
      axisLabel: {
        ...labelText, interval: 0, margin: 10, width: m.narrow ? 56 : 96, overflow: 'truncate',
        formatter: (_v: string, i: number) => m.isolate(m.labels[i] ?? ''), rotate: m.narrow && m.labels.length > 4 ? (m.rtl ? -35 : 35) : 0,
      },
    },
    yAxis: [
      { type: 'value', position: countSide, minInterval: 1, splitLine: { lineStyle: { color: m.theme.grid } }, axisLabel: { ...labelText, formatter: (v: number) => m.isolate(m.formatCount(v)) } },
      { type: 'value', position: shareSide, min: 0, max: 100, interval: 25, splitLine: { show: false }, axisLabel: { ...labelText, formatter: (v: number) => m.isolate(m.formatPercent(v)) } },
    ],
    series: [
      {
        type: 'bar', name: m.countName, yAxisIndex: 0, barMaxWidth: 48,
        data: m.counts.map((value, i) => ({ value, itemStyle: { color: m.barColours[i], borderRadius: [3, 3, 0, 0] } })),
      },
      {
        type: 'line', name: m.cumulativeName, yAxisIndex: 1, data: m.cumulative, color: m.lineColour, symbol: 'circle', symbolSize: 7, lineStyle: { width: 2 },
        // The 80 % line of the Pareto rule: causes left of where the curve crosses it are "the vital few".
        markLine: { silent: true, symbol: 'none', label: { show: false }, lineStyle: { type: 'dashed', color: m.theme.danger, width: 1 }, data: [{ yAxis: 80 }] },
      },
    ],
  };
}

export type ParetoHandle = ChartMount<ParetoModel>;

export function createPareto(host: HTMLElement): ParetoHandle {
  return mountChart(host, optionOf);
}
