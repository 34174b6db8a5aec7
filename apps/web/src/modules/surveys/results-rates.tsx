// Per channel: responses and their share, and for personal invitations sent through it, how many
// were answered; then the response rate per invitation wave.
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { formatNumber } from '../../lib/format.ts';
import { DataTable, type DataTableColumn } from '../../ui/index.ts';
import type { Results } from './results-api.ts';
import { formatPercent } from './results-format.ts';

interface ChannelRow {
  channel: string;
  count: number;
  sent: number;
  responded: number;
  rate: number | null;
}

/** Channels with answers and channels with invitations, in one row each. */
function channelRows(results: Results): ChannelRow[] {
  const rows = new Map<string, ChannelRow>();
  const row = (channel: string) => rows.get(channel) ?? rows.set(channel, { channel, count: 0, sent: 0, responded: 0, rate: null }).get(channel)!;
  for (const c of results.responses.byChannel) row(c.channel).count = c.count;
  for (const r of results.responseRates.byChannel) Object.assign(row(r.channel), { sent: r.sent, responded: r.responded, rate: r.rate });
  return [...rows.values()].sort((a, b) => b.count - a.count || b.sent - a.sent || a.channel.localeCompare(b.channel));
}

export function ResultsRates({ results }: { results: Results }) {
  const t = useT();
  const prefs = usePrefs();
  const channelName = (c: string) => (c === 'automation' ? t('surveys.results.channelAutomation') : t(`surveys.channel.${c as 'link'}`));
  const n = (v: number) => formatNumber(v, prefs);
  const { total } = results.responseRates;
  const invited = total.sent > 0;
  const columns: DataTableColumn<ChannelRow>[] = [
    { id: 'channel', header: t('surveys.results.by.channel'), isPrimary: true, cell: (r) => channelName(r.channel) },
    { id: 'count', header: t('surveys.results.answers'), align: 'end', cell: (r) => n(r.count) },
    { id: 'share', header: t('surveys.results.share'), align: 'end', cell: (r) => formatPercent((100 * r.count) / Math.max(1, results.responses.total), prefs) },
    ...(invited ? [
      { id: 'sent', header: t('surveys.results.rates.sent'), align: 'end', cell: (r: ChannelRow) => n(r.sent) },
      { id: 'rate', header: t('surveys.results.rates.rate'), align: 'end', cell: (r: ChannelRow) => (r.rate === null ? '—' : formatPercent(r.rate, prefs)) },
    ] as DataTableColumn<ChannelRow>[] : []),
  ];
  type Wave = Results['responseRates']['byWave'][number];
  const waveColumns: DataTableColumn<Wave>[] = [
    { id: 'wave', header: t('surveys.results.rates.wave'), isPrimary: true, cell: (r) => t('surveys.results.rates.waveN', { wave: n(r.wave) }) },
    { id: 'sent', header: t('surveys.results.rates.sent'), align: 'end', cell: (r) => n(r.sent) },
    { id: 'responded', header: t('surveys.results.rates.responded'), align: 'end', cell: (r) => n(r.responded) },
    { id: 'rate', header: t('surveys.results.rates.rate'), align: 'end', cell: (r) => (r.rate === null ? '—' : formatPercent(r.rate, prefs)) },
  ];
  return (
    <section className="results-section" aria-labelledby="results-rates">
      <h2 id="results-rates">{t('surveys.results.rates.title')}</h2>
      <p className="muted">
        {invited
          ? t('surveys.results.rates.total', { rate: formatPercent(total.rate ?? 0, prefs), responded: n(total.responded), sent: n(total.sent) })
          : t('surveys.results.rates.none')}
      </p>
      <DataTable label={t('surveys.results.rates.byChannel')} columns={columns} rows={channelRows(results)} rowKey={(r) => r.channel} empty={{ title: t('surveys.results.noAnswers') }} />
      {invited && results.responseRates.byWave.length > 1 && (
        <DataTable label={t('surveys.results.rates.byWave')} columns={waveColumns} rows={results.responseRates.byWave} rowKey={(r) => String(r.wave)} />
      )}
    </section>
  );
}
