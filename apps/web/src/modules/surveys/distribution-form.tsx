// Sending a survey by e-mail or SMS: channel, audience, sampling, when (now, once at a time, or
// again and again in the workspace calendar), reminders, and beside it who it reaches and what
// the SMS costs. Numbers are typed in any digits and shown in the user's.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { CalendarDate } from '@internationalized/date';
import { useState } from 'react';
import { usePrefs } from '../../app/prefs.tsx';
import type { MessageKey } from '../../i18n/index.ts';
import { useFieldError, useT } from '../../i18n/useT.ts';
import { api, type Workspace } from '../../lib/api.ts';
import { formatNumber, localiseDigits, toLatinDigits } from '../../lib/format.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { DatePicker } from '../../ui/date-fields.tsx';
import { TimeField } from '../../ui/time-field.tsx';
import { Button, Select, Switch, TextField, useToast } from '../../ui/index.ts';
import { distributionApi, distributionKeys, type DistributionInput, type PreviewInput } from './distribution-api.ts';
import { DistributionPreview } from './distribution-preview.tsx';
import { instantOf, weekOrder, weekdayNames } from './distribution-schedule.ts';

type Channel = 'preferred' | 'email' | 'sms';
type When = 'now' | 'at' | 'recurring';
type Every = 'week' | 'month' | 'quarter';

interface FormState {
  name: string;
  channel: Channel;
  audience: 'all' | 'segment';
  segmentId: string;
  sampling: string;
  when: When;
  atDay: CalendarDate | null;
  atTime: string;
  every: Every;
  weekday: string;
  monthDay: string;
  time: string;
  remind: boolean;
  afterHours: string;
  max: string;
}

const BLANK: FormState = {
  name: '', channel: 'preferred', audience: 'all', segmentId: '', sampling: '100', when: 'now', atDay: null, atTime: '10:00',
  every: 'month', weekday: '6', monthDay: '1', time: '10:00', remind: false, afterHours: '48', max: '1',
};

const toNumber = (value: string) => Number(toLatinDigits(value.trim()) || Number.NaN);

function NumberField({ label, value, onChange, description, errorMessage }: { label: string; value: string; onChange: (v: string) => void; description?: string; errorMessage?: string }) {
  const prefs = usePrefs();
  return <TextField label={label} value={localiseDigits(value, prefs.digits)} onChange={(v) => onChange(toLatinDigits(v))} inputMode="numeric" description={description} errorMessage={errorMessage} />;
}

export function DistributionForm({ surveyId, workspace }: { surveyId: string; workspace: Workspace | undefined }) {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const client = useQueryClient();
  const [form, setForm] = useState<FormState>(BLANK);
  const { error, pending, run } = useSubmit();
  const [missing, setMissing] = useState<string | null>(null);
  const fieldError = useFieldError(error);
  const segments = useQuery({ queryKey: ['segments'], queryFn: api.segments });
  const set = (patch: Partial<FormState>) => setForm((f) => ({ ...f, ...patch }));

  const audience: DistributionInput['audience'] | null = form.audience === 'all' ? { all: true } : form.segmentId ? { segmentId: form.segmentId } : null;
  const sampling = toNumber(form.sampling);
  const previewInput: PreviewInput | null = audience && Number.isInteger(sampling) && sampling >= 1 && sampling <= 100
    ? { channel: form.channel, audience, samplingPercent: sampling } : null;

  const schedule = (): DistributionInput['schedule'] | null => {
    if (form.when === 'now') return { type: 'once' };
    if (form.when === 'at') return form.atDay && form.atTime ? { type: 'once', at: instantOf(form.atDay, form.atTime, prefs.timeZone) } : null;
    return { type: 'recurring', every: form.every, day: toNumber(form.every === 'week' ? form.weekday : form.monthDay), time: form.time };
  };

  const handleSubmit = () => {
    const when = schedule();
    setMissing(!audience ? t('surveys.distribution.pickSegment') : !when ? t('surveys.distribution.pickTime') : null);
    if (!audience || !when) return;
    void send(audience, when);
  };
  const send = (target: DistributionInput['audience'], when: DistributionInput['schedule']) => run(async () => {
    await distributionApi.create(surveyId, {
      ...(form.name.trim() ? { name: form.name.trim() } : {}),
      channel: form.channel,
      audience: target,
      samplingPercent: sampling,
      schedule: when,
      reminder: form.remind ? { afterHours: toNumber(form.afterHours), max: toNumber(form.max) } : null,
    });
    await client.invalidateQueries({ queryKey: distributionKeys.list(surveyId) });
    toast(t(form.when === 'now' ? 'surveys.distribution.sent' : 'surveys.distribution.scheduled'));
    setForm(BLANK);
  });

  const weekdays = weekdayNames(prefs.locale);
  const calendarName = workspace ? t(`calendar.${workspace.calendar}` as MessageKey) : '';
  const days = Array.from({ length: 31 }, (_, i) => String(i + 1));

  return (
    <section className="card distribution-card" aria-labelledby="send-survey">
      <h2 id="send-survey">{t('surveys.distribution.send.title')}</h2>
      <p className="muted">{t('surveys.distribution.send.body')}</p>
      <div className="distribution-send">
        <form className="distribution-form" onSubmit={(e) => { e.preventDefault(); handleSubmit(); }}>
          <TextField label={t('surveys.distribution.name')} description={t('surveys.distribution.nameHint')} value={form.name} onChange={(name) => set({ name })} errorMessage={fieldError('name')} />
          <Select label={t('surveys.distribution.channel')} value={form.channel} onChange={(channel: Channel) => set({ channel })}
            options={(['preferred', 'email', 'sms'] as const).map((id) => ({ id, label: t(`surveys.distribution.channel.${id}`) }))} />
          <div className="form-row">
            <Select label={t('surveys.distribution.audience')} value={form.audience} onChange={(value: 'all' | 'segment') => set({ audience: value })}
              options={[{ id: 'all', label: t('surveys.distribution.audience.all') }, { id: 'segment', label: t('surveys.distribution.audience.segment') }]} />
            {form.audience === 'segment' && (
              <Select label={t('surveys.distribution.segment')} value={form.segmentId || null} onChange={(segmentId) => set({ segmentId })} errorMessage={fieldError('audience')}
                options={(segments.data?.items ?? []).map((s) => ({ id: s.id, label: s.name }))} placeholder={segments.data?.items.length === 0 ? t('surveys.distribution.noSegments') : undefined} />
            )}
          </div>
          <NumberField label={t('surveys.distribution.sampling')} description={t('surveys.distribution.samplingHint')} value={form.sampling} onChange={(v) => set({ sampling: v })} errorMessage={fieldError('samplingPercent')} />

          <div className="distribution-fieldset">
            <Select label={t('surveys.distribution.when')} value={form.when} onChange={(when: When) => set({ when })}
              options={(['now', 'at', 'recurring'] as const).map((id) => ({ id, label: t(`surveys.distribution.when.${id}`) }))} />
            {form.when === 'at' && (
              <div className="form-row">
                <DatePicker label={t('surveys.distribution.day')} value={form.atDay} onChange={(atDay) => set({ atDay })} errorMessage={fieldError('schedule')} />
                <TimeField label={t('surveys.distribution.time')} value={form.atTime} onChange={(atTime) => set({ atTime })} />
              </div>
            )}
            {form.when === 'recurring' && (
              <>
                <div className="form-row">
                  <Select label={t('surveys.distribution.every')} value={form.every} onChange={(every: Every) => set({ every })}
                    options={(['week', 'month', 'quarter'] as const).map((id) => ({ id, label: t(`surveys.distribution.every.${id}`) }))} />
                  {form.every === 'week'
                    ? <Select label={t('surveys.distribution.weekday')} value={form.weekday} onChange={(weekday) => set({ weekday })}
                        options={weekOrder(prefs.language).map((d) => ({ id: String(d), label: weekdays[d]! }))} />
                    : <Select label={t('surveys.distribution.monthDay')} value={form.monthDay} onChange={(monthDay) => set({ monthDay })} errorMessage={fieldError('schedule')}
                        options={days.map((d) => ({ id: d, label: formatNumber(Number(d), prefs) }))} />}
                  <TimeField label={t('surveys.distribution.time')} value={form.time} onChange={(time) => set({ time })} />
                </div>
                {form.every !== 'week' && calendarName && <p className="muted field-note">{t('surveys.distribution.calendarNote', { calendar: calendarName })}</p>}
              </>
            )}
            {form.when !== 'now' && <p className="muted field-note">{t('surveys.distribution.timeZoneNote')}</p>}
          </div>

          <fieldset className="distribution-fieldset">
            <legend>{t('surveys.distribution.reminders')}</legend>
            <Switch isSelected={form.remind} onChange={(remind) => set({ remind })}>{t('surveys.distribution.remind')}</Switch>
            {form.remind && (
              <div className="form-row">
                <NumberField label={t('surveys.distribution.remindAfter')} value={form.afterHours} onChange={(v) => set({ afterHours: v })} errorMessage={fieldError('reminder')} />
                <NumberField label={t('surveys.distribution.remindMax')} value={form.max} onChange={(v) => set({ max: v })} />
              </div>
            )}
          </fieldset>

          {(missing ?? error) && <p className="form-error" role="alert">{missing ?? error?.message}</p>}
          <div className="form-actions">
            <Button type="submit" variant="primary" isPending={pending}>{t(form.when === 'now' ? 'surveys.distribution.sendNow' : 'surveys.distribution.scheduleButton')}</Button>
          </div>
        </form>
        <aside className="distribution-side" aria-labelledby="preview-title">
          <h3 id="preview-title">{t('surveys.distribution.preview.title')}</h3>
          <DistributionPreview surveyId={surveyId} input={previewInput} />
        </aside>
      </div>
    </section>
  );
}
