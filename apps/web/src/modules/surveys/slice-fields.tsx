// The slice controls the responses screen shares with the results: the period (entered in the
// reader's calendar, sent as ISO days of the workspace), the customer segment and the journey
// stage. The server reads them as the results do (segments when the response completed, the
// survey's stage, workspace days), so a slice lists the answers its figures count.
import { GregorianCalendar, parseDate, toCalendar, type CalendarDate } from '@internationalized/date';
import { useQuery } from '@tanstack/react-query';
import type { ResultsFilter } from '@vafa/contracts';
import { useT } from '../../i18n/useT.ts';
import { api } from '../../lib/api.ts';
import { Select } from '../../ui/index.ts';
import { DatePicker } from '../../ui/date-fields.tsx';

export type Slice = Pick<ResultsFilter, 'from' | 'to' | 'segmentId' | 'stage'>;

const STAGES = ['pre-sale', 'sale', 'after-sale', 'non-sale', 'none'] as const;
const ALL = 'all';

const toIso = (d: CalendarDate | null) => (d ? toCalendar(d, new GregorianCalendar()).toString() : undefined);
const fromIso = (iso: string | undefined) => (iso ? parseDate(iso) : null);

/** Whether any slice control is set. */
export const hasSlice = (slice: Slice) => Boolean(slice.from || slice.to || slice.segmentId || slice.stage);

export function SliceFields({ slice, onChange }: { slice: Slice; onChange: (patch: Partial<Slice>) => void }) {
  const t = useT();
  const segments = useQuery({ queryKey: ['segments'], queryFn: api.segments });
  return (
    <>
      <div className="slice-period">
        <DatePicker label={t('surveys.results.from')} value={fromIso(slice.from)} onChange={(d) => onChange({ from: toIso(d) })} maxValue={fromIso(slice.to) ?? undefined} />
        <DatePicker label={t('surveys.results.to')} value={fromIso(slice.to)} onChange={(d) => onChange({ to: toIso(d) })} minValue={fromIso(slice.from) ?? undefined} />
      </div>
      <Select
        label={t('surveys.results.by.segment')}
        options={[{ id: ALL, label: t('surveys.results.allCustomers') }, ...(segments.data?.items ?? []).map((s) => ({ id: s.id, label: s.name }))]}
        value={slice.segmentId ?? ALL}
        onChange={(v) => onChange({ segmentId: v === ALL ? undefined : v })}
      />
      <Select
        label={t('surveys.results.by.stage')}
        options={[{ id: ALL, label: t('surveys.results.allStages') }, ...STAGES.map((s) => ({ id: s, label: s === 'none' ? t('surveys.results.stageNone') : t(`timeline.stage.${s}`) }))]}
        value={slice.stage ?? ALL}
        onChange={(v) => onChange({ stage: v === ALL ? undefined : (v as Slice['stage']) })}
      />
    </>
  );
}
