// /complaints/reports: the ISO 10002 clause 8 analysis of a period (picked in the reader's
// calendar), narrowed by team, category or channel: volume, SLA compliance per target, reopen
// rate, time to acknowledge and to resolve, complainant satisfaction when recorded, the Pareto of
// root causes with their SERVQUAL dimensions, and the volume by period.
import { parseDate, type CalendarDate } from '@internationalized/date';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { formatNumber, localeTag, type DisplayPrefs } from '../../lib/format.ts';
import { useDebounced } from '../../lib/hooks.ts';
import { Chart, ErrorState, Select, Skeleton, TextField } from '../../ui/index.ts';
import { DatePicker } from '../../ui/date-fields.tsx';
import { CHANNELS, type Channel } from './api.ts';
import { ComplaintTabs } from './complaint-tabs.tsx';
import { insightsApi, insightsKeys, type Granularity, type ReportFilters } from './complaint-insights-api.ts';
import { settingsApi, settingsKeys } from './complaint-settings-api.ts';
import { DIMENSION_TONE, formatShare, ParetoChart } from './complaint-pareto.tsx';
import { useMinutesText } from './settings-parts.tsx';
import { iso, presetPeriod, PRESETS, type Preset } from './report-period.ts';
import './complaint-settings.css';

const ANY = 'any';

export default function ComplaintReportsPage() {
  const t = useT();
  const prefs = usePrefs();
  const [preset, setPreset] = useState<Preset>('last3Months');
  const initial = useMemo(() => presetPeriod('last3Months', prefs.calendar, prefs.timeZone), []);
  const [from, setFrom] = useState<CalendarDate | null>(parseDate(initial.from));
  const [to, setTo] = useState<CalendarDate | null>(parseDate(initial.to));
  const [granularity, setGranularity] = useState<Granularity>(initial.granularity);
  const [team, setTeam] = useState(ANY);
  const [category, setCategory] = useState('');
  const [channel, setChannel] = useState<Channel | typeof ANY>(ANY);
  const categoryText = useDebounced(category.trim(), 400);
  const teams = useQuery({ queryKey: settingsKeys.teams, queryFn: settingsApi.teams, staleTime: 300_000 });

  const choosePreset = (p: Preset) => {
    setPreset(p);
    if (p === 'custom') return;
    const period = presetPeriod(p, prefs.calendar, prefs.timeZone);
    setFrom(parseDate(period.from));
    setTo(parseDate(period.to));
    setGranularity(period.granularity);
  };
  const ordered = from && to && from.compare(to) <= 0;
  const filters: ReportFilters | null = ordered ? {
    from: iso(from), to: iso(to), granularity,
    ...(team !== ANY ? { team } : {}), ...(categoryText ? { category: categoryText } : {}), ...(channel !== ANY ? { channel } : {}),
  } : null;
  const volume = useReport('volume', insightsApi.volume, filters);
  const reopen = useReport('reopen', insightsApi.reopen, filters);
  const times = useReport('times', insightsApi.times, filters);
  const sla = useReport('sla', insightsApi.sla, filters);
  const csat = useReport('csat', insightsApi.satisfaction, filters);
  const causes = useReport('causes', insightsApi.rootCauses, filters);
  const failed = [volume, reopen, times, sla, csat, causes].find((q) => q.isError);

  return (
    <div className="page complaint-reports-page">
      <header className="page-header">
        <div>
          <h1>{t('complaints.reports.title')}</h1>
          <p className="muted page-intro">{t('complaints.reports.intro')}</p>
        </div>
      </header>
      <ComplaintTabs current="reports" />
      <div className="report-filters" role="group" aria-label={t('complaints.reports.filters')}>
        <Select label={t('complaints.reports.period')} value={preset} onChange={choosePreset}
          options={PRESETS.map((p) => ({ id: p, label: t(`complaints.reports.preset.${p}`) }))} />
        <DatePicker label={t('complaints.reports.from')} value={from} onChange={(v) => { setFrom(v); setPreset('custom'); }}
          errorMessage={from && to && !ordered ? t('complaints.reports.fromAfterTo') : undefined} />
        <DatePicker label={t('complaints.reports.to')} value={to} onChange={(v) => { setTo(v); setPreset('custom'); }} />
        <Select label={t('complaints.reports.granularity')} value={granularity} onChange={setGranularity}
          options={(['day', 'week', 'month'] as const).map((g) => ({ id: g, label: t(`complaints.reports.by.${g}`) }))} />
        <Select label={t('complaints.reports.team')} value={team} onChange={setTeam}
          options={[{ id: ANY, label: t('complaints.reports.anyTeam') }, ...(teams.data?.items ?? []).map((tm) => ({ id: tm.key, label: tm.name }))]} />
        <TextField label={t('complaints.reports.category')} value={category} onChange={setCategory} type="search" />
        <Select label={t('complaints.reports.channel')} value={channel} onChange={setChannel}
          options={[{ id: ANY, label: t('complaints.reports.anyChannel') }, ...CHANNELS.map((c) => ({ id: c, label: t(`complaints.channel.${c}`) }))]} />
      </div>
      {failed ? <ErrorState detail={failed.error?.message} onRetry={() => void failed.refetch()} /> : (
        <>
          <section className="report-tiles" aria-label={t('complaints.reports.figures')}>
            <Tile label={t('complaints.reports.received')} value={volume.data && formatNumber(volume.data.totals.received, prefs)}
              detail={volume.data && t('complaints.reports.closedCount', { count: formatNumber(volume.data.totals.closed, prefs) })} testId="tile-received" />
            {(['acknowledge', 'firstResponse', 'resolve'] as const).map((target) => {
              const figures = sla.data?.totals.find((f) => f.target === target);
              return (
                <Tile key={target} label={t(`complaints.reports.slaTarget.${target}`)} testId={`tile-sla-${target}`}
                  value={sla.data && (figures?.compliance == null ? t('complaints.reports.notMeasured') : formatShare(figures.compliance, prefs))}
                  detail={figures && figures.measured > 0 ? t('complaints.reports.slaDetail', { met: formatNumber(figures.met, prefs), measured: formatNumber(figures.measured, prefs), breached: formatNumber(figures.breached + figures.metLate, prefs) }) : undefined} />
              );
            })}
            <Tile label={t('complaints.reports.reopenRate')} testId="tile-reopen"
              value={reopen.data && (reopen.data.totals.rate === null ? t('complaints.reports.notMeasured') : formatShare(reopen.data.totals.rate, prefs))}
              detail={reopen.data && reopen.data.totals.closed > 0 ? t('complaints.reports.reopenDetail', { reopened: formatNumber(reopen.data.totals.reopened, prefs), closed: formatNumber(reopen.data.totals.closed, prefs) }) : undefined} />
            <DurationTile label={t('complaints.reports.timeToAcknowledge')} figures={times.data?.totals.acknowledge} loading={times.isPending} prefs={prefs} testId="tile-ack" />
            <DurationTile label={t('complaints.reports.timeToResolve')} figures={times.data?.totals.resolve} loading={times.isPending} prefs={prefs} testId="tile-resolve" />
            {csat.data?.available && csat.data.totals && (
              <Tile label={t('complaints.reports.satisfaction')} testId="tile-csat"
                value={csat.data.totals.satisfiedShare === null ? t('complaints.reports.notMeasured') : formatShare(csat.data.totals.satisfiedShare, prefs)}
                detail={csat.data.totals.responses > 0 && t('complaints.reports.satisfactionDetail', { count: formatNumber(csat.data.totals.responses, prefs), average: csat.data.totals.average === null ? '—' : new Intl.NumberFormat(localeTag(prefs), { maximumFractionDigits: 1 }).format(csat.data.totals.average) })} />
            )}
          </section>
          <section className="card settings-card">
            <h2>{t('complaints.reports.pareto.title')}</h2>
            <p className="muted settings-intro">{t('complaints.reports.pareto.intro')}</p>
            {causes.isPending ? <Skeleton lines={6} /> : causes.data && <ParetoChart report={causes.data} />}
            {causes.data && causes.data.dimensions.length > 0 && (
              <div className="dimension-shares">
                <h3>{t('complaints.reports.dimensions')}</h3>
                <ul>
                  {causes.data.dimensions.map((d) => (
                    <li key={d.dimension ?? 'none'}>
                      <span>{d.dimension ? t(`complaints.settings.dimension.${d.dimension}`) : t('complaints.reports.noDimension')}</span>
                      <span className="dimension-bar" aria-hidden="true"><span style={{ inlineSize: `${Math.round(d.share * 100)}%`, background: `var(--${d.dimension ? DIMENSION_TONE[d.dimension] : 'border-strong'})` }} /></span>
                      <span className="dimension-figure"><span>{formatShare(d.share, prefs)}</span> <span className="muted">{t('complaints.reports.caseCount', { count: formatNumber(d.count, prefs) })}</span></span>
                    </li>
                  ))}
                </ul>
              </div>
            )}
          </section>
          <section className="card settings-card">
            <h2>{t('complaints.reports.trend')}</h2>
            {volume.isPending ? <Skeleton lines={6} /> : volume.data && (
              <Chart
                label={t('complaints.reports.trend')}
                x={{ days: volume.data.buckets.map((b) => b.start) }}
                series={[
                  { name: t('complaints.reports.received'), values: volume.data.buckets.map((b) => b.received), kind: 'bar', tone: 'primary' },
                  { name: t('complaints.reports.closed'), values: volume.data.buckets.map((b) => b.closed), kind: 'line', tone: 'warn' },
                ]}
                integers
                emptyText={t('complaints.reports.noCases')}
                xHeading={t(`complaints.reports.bucket.${granularity}`)}
                testId="volume-trend"
              />
            )}
          </section>
        </>
      )}
    </div>
  );
}

/** One report of the period; the last figures stay on screen while new filters load. */
function useReport<T>(name: string, call: (f: ReportFilters) => Promise<T>, filters: ReportFilters | null) {
  return useQuery({ queryKey: insightsKeys.report(name, filters!), queryFn: () => call(filters!), enabled: filters !== null, placeholderData: (previous) => previous });
}

function Tile({ label, value, detail, testId }: { label: string; value?: string | null | false; detail?: string | false; testId?: string }) {
  return (
    <article className="report-tile" data-testid={testId}>
      <h2 className="report-tile-label">{label}</h2>
      <p className="report-tile-value">{value || <span className="skeleton-line report-tile-wait" aria-hidden="true" />}</p>
      {detail && <p className="report-tile-detail muted">{detail}</p>}
    </article>
  );
}

function DurationTile({ label, figures, loading, prefs, testId }: {
  label: string; figures?: { count: number; medianMinutes: number | null; p90Minutes: number | null }; loading: boolean; prefs: DisplayPrefs; testId: string;
}) {
  const t = useT();
  const minutesText = useMinutesText();
  const duration = (m: number) => (m >= 1440 ? t('complaints.reports.days', { d: new Intl.NumberFormat(localeTag(prefs), { maximumFractionDigits: 1 }).format(m / 1440) }) : minutesText(Math.round(m), prefs));
  if (loading || !figures) return <Tile label={label} testId={testId} />;
  if (figures.medianMinutes === null) return <Tile label={label} value={t('complaints.reports.notMeasured')} testId={testId} />;
  return (
    <Tile label={label} testId={testId} value={t('complaints.reports.median', { time: duration(figures.medianMinutes) })}
      detail={t('complaints.reports.p90', { time: duration(figures.p90Minutes ?? figures.medianMinutes), count: formatNumber(figures.count, prefs) })} />
  );
}
