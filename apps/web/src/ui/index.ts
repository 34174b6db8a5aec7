export * from './components.tsx';
export * from './icons.tsx';
export * from './data-table.tsx';
export * from './copy-button.tsx';
// The chart component is light; it loads echarts itself with import() when a chart is drawn.
export { Chart, type ChartProps, type ChartSeries, type ChartTone, type ChartX } from './chart.tsx';
// Date fields and the progress bar are imported from their own modules (./date-fields.tsx,
// ./progress.tsx) by the screens that need them, keeping them out of the first screen's bundle.
