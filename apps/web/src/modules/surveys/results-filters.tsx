// The results' filters: the period (entered in the reader's calendar, sent as ISO days), channel,
// segment and journey stage. Every section of the screen reads the same filter.
import { GregorianCalendar, parseDate, toCalendar, type CalendarDate } from '@internationalized/date';
import { useQuery } from '@tanstack/react-query';
import type { SurveyChannel } from '@vafa/contracts';
import { useT } from '../../i18n/useT.ts';
import { api } from '../../lib/api.ts';
import { Button, Select } from '../../ui/index.ts';
import { DatePicker } from '../../ui/date-fields.tsx';
import type { ResultsFilter } from './results-api.ts';

const CHANNELS: SurveyChannel[] = ['link', 'email', 'sms', 'widget', 'kiosk', 'api'];
const STAGES = ['pre-sale', 'sale', 'after-sale', 'non-sale', 'none'] as const;
const ALL = 'all';

const toIso = (d: CalendarDate | null) => (d ? toCalendar(d, new GregorianCalendar()).toString() : undefined);
const fromIso = (iso: string | undefined) => (iso ? parseDate(iso) : null);

export function ResultsFilters({ filter, onChange }: { filter: ResultsFilter; onChange: (next: ResultsFilter) => void }) {
  const t = useT();
  const segments = useQuery({ queryKey: ['segments'], queryFn: api.segments });
  const set = (patch: Partial<ResultsFilter>) => onChange({ ...filter, ...patch });
  const pick = <K extends string>(value: K) => (value === ALL ? undefined : value);
  const active = Object.values(filter).some((v) => v !== undefined);
  return (
    <form className="results-filters" aria-label={t('surveys.results.filters')} onSubmit={(e) => e.preventDefault()}>
      <DatePicker label={t('surveys.results.from')} value={fromIso(filter.from)} onChange={(d) => set({ from: toIso(d) })} maxValue={fromIso(filter.to) ?? undefined} />
      <DatePicker label={t('surveys.results.to')} value={fromIso(filter.to)} onChange={(d) => set({ to: toIso(d) })} minValue={fromIso(filter.from) ?? undefined} />
      <Select
        label={t('surveys.results.by.channel')}
        options={[{ id: ALL, label: t('surveys.results.allChannels') }, ...CHANNELS.map((c) => ({ id: c, label: t(`surveys.channel.${c}`) }))]}
        value={filter.channel ?? ALL}
        onChange={(v) => set({ channel: pick(v) as SurveyChannel | undefined })}
      />
      <Select
        label={t('surveys.results.by.segment')}
        options={[{ id: ALL, label: t('surveys.results.allCustomers') }, ...(segments.data?.items ?? []).map((s) => ({ id: s.id, label: s.name }))]}
        value={filter.segmentId ?? ALL}
        onChange={(v) => set({ segmentId: pick(v) })}
      />
      <Select
        label={t('surveys.results.by.stage')}
        options={[{ id: ALL, label: t('surveys.results.allStages') }, ...STAGES.map((s) => ({ id: s, label: s === 'none' ? t('surveys.results.stageNone') : t(`timeline.stage.${s}`) }))]}
        value={filter.stage ?? ALL}
        onChange={(v) => set({ stage: pick(v) as ResultsFilter['stage'] })}
      />
      {active && <Button variant="ghost" onPress={() => onChange({})}>{t('surveys.results.clearFilters')}</Button>}
    </form>
  );
}
