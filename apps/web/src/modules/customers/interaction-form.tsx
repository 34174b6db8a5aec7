// The form to log a call, visit, message, chat or social contact by hand, or to correct one:
// what happened, where, at which journey stage, the day in the user's calendar and the time in
// the workspace's zone, and what was said.
import { createCalendar, now, toCalendar, toCalendarDate, today, type CalendarDate, type CalendarIdentifier } from '@internationalized/date';
import { useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useFieldError, useT } from '../../i18n/useT.ts';
import type { MessageKey } from '../../i18n/index.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { DatePicker } from '../../ui/date-fields.tsx';
import { TimeField } from '../../ui/time-field.tsx';
import { Button, Select, TextField } from '../../ui/index.ts';
import {
  JOURNEY_STAGES, LOGGED_KINDS, TOUCH_CHANNELS, USUAL_CHANNEL, type InteractionPatch, type LoggedInteraction, type LoggedKind, type TimelineEntry,
} from './notes-api.ts';
import { dayAndTimeOf, instantOf, interactionIssues, interactionPatchIssues, type FieldCodes } from './timeline-entry-validation.ts';

type Stage = (typeof JOURNEY_STAGES)[number];
type Channel = (typeof TOUCH_CHANNELS)[number];

const pad = (n: number) => String(n).padStart(2, '0');

/** Channel names are written to follow "via" ("via phone"); as choices they start with a capital where the script has one. */
function asChoice(label: string, language: string): string {
  return label.charAt(0).toLocaleUpperCase(language) + label.slice(1);
}

type Props = { defaultStage: Stage; onCancel: () => void } & (
  | { entry?: undefined; onSave: (interaction: LoggedInteraction) => Promise<void> }
  /** the entry to correct: only what changed is sent */
  | { entry: TimelineEntry; onSave: (patch: InteractionPatch) => Promise<void> }
);

export function InteractionForm(props: Props) {
  const { entry, defaultStage, onCancel } = props;
  const t = useT();
  const prefs = usePrefs();
  const calendar = createCalendar(prefs.calendar as CalendarIdentifier);
  const initial = entry ? dayAndTimeOf(entry.occurredAt, prefs.timeZone) : null;
  const current = now(prefs.timeZone);
  const [kind, setKind] = useState<LoggedKind>((entry?.kind as LoggedKind | undefined) ?? 'call');
  const [channel, setChannel] = useState<Channel>((entry?.channel as Channel | undefined) ?? USUAL_CHANNEL.call);
  const [channelChosen, setChannelChosen] = useState(Boolean(entry));
  const [stage, setStage] = useState<Stage>((entry?.stage as Stage | undefined) ?? defaultStage);
  const [day, setDay] = useState<CalendarDate | null>(toCalendar(initial?.day ?? toCalendarDate(current), calendar));
  const [time, setTime] = useState(initial?.time ?? `${pad(current.hour)}:${pad(current.minute)}`);
  const [text, setText] = useState(entry?.text ?? '');
  const [attempted, setAttempted] = useState(false);
  const { error, pending, run } = useSubmit();
  const serverError = useFieldError(error);

  const occurredAt = day ? instantOf(day, time, prefs.timeZone) : null;
  const body = { kind, channel, stage, occurredAt: occurredAt ?? '', ...(text.trim() ? { text: text.trim() } : {}) };
  /** A correction sends only what changed; clearing the words removes them. */
  const patch = (): InteractionPatch => {
    if (!entry) return {};
    const changes: InteractionPatch = {};
    if (kind !== entry.kind) changes.kind = kind;
    if (channel !== entry.channel) changes.channel = channel;
    if (stage !== entry.stage) changes.stage = stage;
    if (occurredAt && Date.parse(occurredAt) !== Date.parse(entry.occurredAt)) changes.occurredAt = occurredAt;
    if (text.trim() !== (entry.text ?? '')) changes.text = text.trim() === '' ? null : text.trim();
    return changes;
  };
  const checks = (): FieldCodes => {
    const codes = entry ? interactionPatchIssues({ ...patch(), ...(occurredAt ? {} : { occurredAt: '' }) }) : interactionIssues(body);
    delete codes[''];
    return codes;
  };
  const issues = attempted ? checks() : {};
  const fieldError = (field: string) => (issues[field] ? t(`fieldError.${issues[field]}` as MessageKey) : serverError(field));

  const handleKind = (next: LoggedKind) => {
    setKind(next);
    if (!channelChosen) setChannel(USUAL_CHANNEL[next]);
  };
  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    if (Object.keys(checks()).length > 0) return;
    const changes = patch();
    if (entry && Object.keys(changes).length === 0) {
      onCancel();
      return;
    }
    await run(() => (props.entry ? props.onSave(changes) : props.onSave(body)));
  };

  const known = ['kind', 'channel', 'stage', 'occurredAt', 'text'];
  const unplaced = error && !Object.keys(error.fieldErrors).some((f) => known.includes(f));
  return (
    <Form className="form form-grid interaction-form" onSubmit={handleSubmit} validationBehavior="aria">
      <Select
        label={t('notes.kind')}
        value={kind}
        onChange={handleKind}
        options={LOGGED_KINDS.map((k) => ({ id: k, label: t(`timeline.kind.${k}`) }))}
        errorMessage={fieldError('kind')}
      />
      <Select
        label={t('notes.channel')}
        value={channel}
        onChange={(next) => { setChannel(next); setChannelChosen(true); }}
        options={TOUCH_CHANNELS.map((c) => ({ id: c, label: asChoice(t(`touchChannel.${c}`), prefs.language) }))}
        errorMessage={fieldError('channel')}
      />
      <Select
        label={t('notes.stage')}
        value={stage}
        onChange={setStage}
        options={JOURNEY_STAGES.map((s) => ({ id: s, label: t(`timeline.stage.${s}`) }))}
        errorMessage={fieldError('stage')}
      />
      <div className="when-row">
        <DatePicker label={t('notes.day')} value={day} onChange={setDay} maxValue={today(prefs.timeZone)} errorMessage={fieldError('occurredAt')} />
        <TimeField label={t('notes.time')} value={time} onChange={setTime} />
      </div>
      <TextField className="span-all" label={t('notes.said')} multiline value={text} onChange={setText} errorMessage={fieldError('text')} />
      {unplaced && <p className="form-error span-all" role="alert">{error.message}</p>}
      <div className="form-actions span-all">
        <Button type="submit" variant="primary" isPending={pending}>{entry ? t('common.save') : t('notes.logSave')}</Button>
        <Button onPress={onCancel}>{t('common.cancel')}</Button>
      </div>
    </Form>
  );
}
