// The responses list's filters: finished or half-finished, the results' slice (period in the
// workspace calendar, segment, journey stage), channel, a band of the survey's headline score
// (detractors, passives, promoters for NPS; the bottom, middle and top of other scales), only
// those with something written, and those an analyst gave a tag.
import { useEffect, useState } from 'react';
import { Input, Label, TextField as AriaTextField } from 'react-aria-components';
import type { Question, SurveyChannel } from '@vafa/contracts';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { formatNumber } from '../../lib/format.ts';
import { Button, Checkbox, Select } from '../../ui/index.ts';
import type { ResponseFilter } from './responses-api.ts';
import { hasSlice, SliceFields } from './slice-fields.tsx';

const CHANNELS: SurveyChannel[] = ['link', 'email', 'sms', 'widget', 'kiosk', 'api'];
const ALL = 'all';

export interface ScoreBand {
  id: 'low' | 'middle' | 'high';
  min: number;
  max: number;
}

/** Three bands of the headline question's scale, as the results read them. */
export function scoreBands(question: Question | undefined): ScoreBand[] {
  switch (question?.type) {
    case 'nps':
    case 'enps':
      return [{ id: 'low', min: 0, max: 6 }, { id: 'middle', min: 7, max: 8 }, { id: 'high', min: 9, max: 10 }];
    case 'csat':
      return ([{ id: 'low', min: 1, max: 2 }, { id: 'middle', min: 3, max: question.points - 2 }, { id: 'high', min: question.points - 1, max: question.points }] satisfies ScoreBand[]).filter((b) => b.min <= b.max);
    case 'ces':
      return [{ id: 'low', min: 1, max: 3 }, { id: 'middle', min: 4, max: 4 }, { id: 'high', min: 5, max: 7 }];
    case 'rating': {
      const third = Math.max(1, Math.floor((question.max - question.min + 1) / 3));
      const bands: ScoreBand[] = [{ id: 'low', min: question.min, max: question.min + third - 1 }, { id: 'middle', min: question.min + third, max: question.max - third }, { id: 'high', min: question.max - third + 1, max: question.max }];
      return bands.filter((b) => b.min <= b.max);
    }
    default:
      return [];
  }
}

export function ResponsesFilters({ filter, onChange, headline }: { filter: ResponseFilter; onChange: (next: ResponseFilter) => void; headline: Question | undefined }) {
  const t = useT();
  const prefs = usePrefs();
  const set = (patch: Partial<ResponseFilter>) => onChange({ ...filter, ...patch });
  const bands = scoreBands(headline);
  const isNps = headline?.type === 'nps' || headline?.type === 'enps';
  const band = bands.find((b) => b.min === filter.scoreMin && b.max === filter.scoreMax);
  const bandLabel = (b: ScoreBand) => {
    const range = t('surveys.responses.range', { min: formatNumber(b.min, prefs), max: formatNumber(b.max, prefs) });
    return isNps ? `${t(`surveys.responses.nps.${b.id}`)} (${range})` : `${t(`surveys.responses.band.${b.id}`)} (${range})`;
  };
  const active = isFiltered(filter);
  return (
    <form className="responses-filters" aria-label={t('surveys.responses.filters')} onSubmit={(e) => e.preventDefault()}>
      <Select
        label={t('surveys.responses.status')}
        options={[{ id: 'complete', label: t('surveys.responses.status.complete') }, { id: 'partial', label: t('surveys.responses.status.partial') }]}
        value={filter.status}
        onChange={(status) => set({ status })}
      />
      <SliceFields slice={filter} onChange={set} />
      <Select
        label={t('surveys.responses.channel')}
        options={[{ id: ALL, label: t('surveys.results.allChannels') }, ...CHANNELS.map((c) => ({ id: c, label: t(`surveys.channel.${c}`) }))]}
        value={filter.channel ?? ALL}
        onChange={(v) => set({ channel: v === ALL ? undefined : (v as SurveyChannel) })}
      />
      {bands.length > 0 && (
        <Select
          label={t('surveys.responses.score')}
          options={[{ id: ALL, label: t('surveys.responses.anyScore') }, ...bands.map((b) => ({ id: b.id, label: bandLabel(b) }))]}
          value={band?.id ?? ALL}
          onChange={(v) => {
            const picked = bands.find((b) => b.id === v);
            set({ scoreMin: picked?.min, scoreMax: picked?.max });
          }}
        />
      )}
      <TagFilter value={filter.tag} onApply={(tag) => set({ tag })} />
      <Checkbox isSelected={filter.hasText === true} onChange={(on) => set({ hasText: on ? true : undefined })}>{t('surveys.responses.withText')}</Checkbox>
      {active && <Button variant="ghost" onPress={() => onChange({ status: 'complete' })}>{t('surveys.results.clearFilters')}</Button>}
    </form>
  );
}

/** Whether the list shows less than every finished response. */
export const isFiltered = (filter: ResponseFilter) =>
  filter.status !== 'complete' || filter.channel !== undefined || filter.scoreMin !== undefined || filter.hasText !== undefined || filter.tag !== undefined || hasSlice(filter);

/** A tag typed whole; applied on Enter or on leaving the field, so each keystroke asks nothing. */
function TagFilter({ value, onApply }: { value: string | undefined; onApply: (tag: string | undefined) => void }) {
  const t = useT();
  const [draft, setDraft] = useState(value ?? '');
  useEffect(() => setDraft(value ?? ''), [value]);
  const apply = () => {
    const tag = draft.trim().replace(/\s+/g, ' ').slice(0, 60) || undefined;
    if (tag !== value) onApply(tag);
  };
  return (
    <AriaTextField
      className="field"
      value={draft}
      onChange={setDraft}
      type="search"
      autoComplete="off"
      onBlur={apply}
      onKeyDown={(e) => { if (e.key === 'Enter') apply(); }}
    >
      <Label className="field-label">{t('surveys.responses.tagFilter')}</Label>
      <Input className="input" dir="auto" enterKeyHint="search" />
    </AriaTextField>
  );
}
