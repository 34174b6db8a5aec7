// A survey's distributions: what each sends, to whom, when, its state, and each recent wave's
// sent and answered counts; pause, resume and cancel for those who may change them.
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { MessageKey } from '../../i18n/index.ts';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { formatInstant, formatNumber, localiseDigits } from '../../lib/format.ts';
import { Badge, Button, ConfirmDialog, DataTable, UserText, useToast, type DataTableColumn } from '../../ui/index.ts';
import { distributionApi, distributionKeys, useDistributions, type Distribution, type DistributionAction } from './distribution-api.ts';
import { weekdayNames } from './distribution-schedule.ts';

const DONE: Record<DistributionAction, MessageKey> = {
  pause: 'surveys.distribution.pausedToast', resume: 'surveys.distribution.resumedToast', cancel: 'surveys.distribution.cancelledToast',
};

const TONE: Record<Distribution['status'], 'info' | 'good' | 'neutral' | 'warn' | 'bad'> = {
  scheduled: 'info', running: 'good', done: 'neutral', paused: 'warn', cancelled: 'bad',
};

function useScheduleText(calendar: string | undefined) {
  const t = useT();
  const prefs = usePrefs();
  return (d: Distribution): string => {
    const s = d.schedule;
    if (s.type === 'once') return s.at ? t('surveys.distribution.schedule.onceAt', { when: formatInstant(s.at, prefs) }) : t('surveys.distribution.schedule.once');
    const time = localiseDigits(s.time, prefs.digits);
    if (s.every === 'week') return t('surveys.distribution.schedule.week', { weekday: weekdayNames(prefs.locale)[s.day] ?? '', time });
    // Months are the workspace calendar's; the next run below is shown in the reader's.
    return t(`surveys.distribution.schedule.${s.every}` as MessageKey, { day: formatNumber(s.day, prefs), time, calendar: calendar ? t(`calendar.${calendar}` as MessageKey) : '' });
  };
}

export function DistributionList({ surveyId, canWrite, calendar }: { surveyId: string; canWrite: boolean; calendar: string | undefined }) {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const client = useQueryClient();
  const distributions = useDistributions(surveyId);
  const scheduleText = useScheduleText(calendar);
  const [cancelling, setCancelling] = useState<Distribution | null>(null);
  const n = (value: number) => formatNumber(value, prefs);

  const change = async (d: Distribution, action: DistributionAction) => {
    try {
      await distributionApi.change(surveyId, d.id, action);
      await client.invalidateQueries({ queryKey: distributionKeys.list(surveyId) });
      toast(t(DONE[action]));
    } catch (err) {
      toast(err instanceof Error ? err.message : t('common.errorTitle'), 'bad');
    }
  };

  const audienceText = (d: Distribution) => ('all' in d.audience ? t('surveys.distribution.audience.all')
    : 'segmentId' in d.audience ? t('surveys.distribution.audience.segment')
      : t('surveys.distribution.audience.customers', { count: d.audience.customerIds.length }));

  const columns: DataTableColumn<Distribution>[] = [
    { id: 'name', header: t('surveys.distribution.list.name'), isPrimary: true, cell: (d) => <UserText>{d.name}</UserText> },
    { id: 'status', header: t('surveys.distribution.list.status'), cell: (d) => <Badge tone={TONE[d.status]}>{t(`surveys.distribution.status.${d.status}`)}</Badge> },
    {
      id: 'to', header: t('surveys.distribution.list.to'),
      // The reader's comma ("،" in Persian and Arabic; a middle dot would read as a Persian zero).
      cell: (d) => [
        t(`surveys.distribution.channel.${d.channel}`), audienceText(d),
        ...(d.samplingPercent < 100 ? [t('surveys.distribution.list.sample', { percent: n(d.samplingPercent) })] : []),
      ].join(prefs.language === 'en' ? ', ' : '، '),
    },
    { id: 'schedule', header: t('surveys.distribution.list.schedule'), cell: (d) => scheduleText(d) },
    {
      id: 'waves', header: t('surveys.distribution.list.waves'),
      cell: (d) => (d.waveStats.length === 0 ? <span className="muted">{t('surveys.distribution.noWaves')}</span> : (
        <ul className="wave-list">
          {d.waveStats.slice(0, 3).map((w) => (
            <li key={w.wave}>{t('surveys.distribution.waveLine', { wave: n(w.wave), sent: n(w.sent), responded: n(w.responded) })}</li>
          ))}
        </ul>
      )),
    },
    { id: 'next', header: t('surveys.distribution.list.next'), className: 'col-date', cell: (d) => (d.nextRunAt ? formatInstant(d.nextRunAt, prefs) : t('common.none')) },
  ];
  if (canWrite) {
    columns.push({
      id: 'actions', header: t('common.actions'),
      cell: (d) => (
        <div className="row-actions">
          {(d.status === 'scheduled' || d.status === 'running') && <Button onPress={() => void change(d, 'pause')}>{t('surveys.distribution.pause')}</Button>}
          {d.status === 'paused' && <Button onPress={() => void change(d, 'resume')}>{t('surveys.distribution.resume')}</Button>}
          {d.status !== 'cancelled' && <Button variant="ghost" onPress={() => setCancelling(d)}>{t('surveys.distribution.cancel')}</Button>}
        </div>
      ),
    });
  }

  return (
    <section className="distribution-list" aria-labelledby="distributions-title">
      <h2 id="distributions-title">{t('surveys.distribution.list.title')}</h2>
      <DataTable
        label={t('surveys.distribution.list.title')}
        columns={columns}
        rows={distributions.data?.items ?? []}
        rowKey={(d) => d.id}
        isLoading={distributions.isPending}
        error={distributions.isError ? { detail: distributions.error.message, onRetry: () => void distributions.refetch() } : null}
        empty={{ title: t('surveys.distribution.list.empty'), body: t('surveys.distribution.list.emptyBody') }}
      />
      <ConfirmDialog title={t('surveys.distribution.cancelTitle')} body={t('surveys.distribution.cancelBody')} confirmLabel={t('surveys.distribution.cancel')}
        isOpen={cancelling !== null} onOpenChange={(open) => !open && setCancelling(null)} onConfirm={() => { if (cancelling) void change(cancelling, 'cancel'); setCancelling(null); }} danger />
    </section>
  );
}
