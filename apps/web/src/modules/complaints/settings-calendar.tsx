// The SLA calendar: the work week (weekend days, half-days, the default hours with presets for
// Iran and the UAE) and the holiday table with its corrections for moon-sighted dates and the
// workspace's own closures. Every save sends the whole calendar (PUT), as the server keeps it.
import { GregorianCalendar, parseDate, toCalendar, type CalendarDate } from '@internationalized/date';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { Form } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import type { MessageKey } from '../../i18n/en.ts';
import { formatDay, localeTag, localiseDigits } from '../../lib/format.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import {
  Badge, Button, Checkbox, ChevronBack, ChevronForward, CloseIcon, Dialog, ErrorState, PlusIcon, Select, Skeleton, TextField, useToast,
} from '../../ui/index.ts';
import { DatePicker } from '../../ui/date-fields.tsx';
import { TimeField } from '../../ui/time-field.tsx';
import { TimeZoneField, timeZoneLabel } from '../../ui/time-zone-field.tsx';
import { settingsApi, settingsKeys, type HolidayList, type SlaCalendar, type SlaCalendarInput, type Week } from './complaint-settings-api.ts';
import { parseWhole, UnplacedError, usePathError, weekdayName, weekOrder } from './settings-parts.tsx';
import { WeekHoursEditor } from './settings-week.tsx';

const GREGORIAN = new GregorianCalendar();
const HOLIDAY_TABLES = ['IR', 'SA', 'AE', 'none'] as const;

/** What PUT takes, from what GET gave. */
export function calendarInput(view: SlaCalendar): SlaCalendarInput {
  return {
    timeZone: view.timeZone, weekendDays: view.weekendDays, halfDays: view.halfDays, defaultHours: view.defaultHours,
    holidayCalendar: view.holidayCalendar, holidayOverrides: view.holidayOverrides, extraClosures: view.extraClosures, removedHolidays: view.removedHolidays,
  };
}

const split = (from: string, lunchFrom: string, lunchTo: string, to: string) => [{ from, to: lunchFrom }, { from: lunchTo, to }];

interface Preset { weekendDays: number[]; halfDays: { day: number; endsAt: string }[]; holidayCalendar: 'IR' | 'AE'; defaultHours: Week }
/** Iran: Saturday–Wednesday with a lunch break, Thursday a half-day, Friday off; Iran's holidays. */
const IRAN: Preset = {
  weekendDays: [5], halfDays: [{ day: 4, endsAt: '13:00' }], holidayCalendar: 'IR',
  defaultHours: { 6: split('08:00', '12:00', '13:00', '17:00'), 0: split('08:00', '12:00', '13:00', '17:00'), 1: split('08:00', '12:00', '13:00', '17:00'), 2: split('08:00', '12:00', '13:00', '17:00'), 3: split('08:00', '12:00', '13:00', '17:00'), 4: [{ from: '08:00', to: '13:00' }] } as Week,
};
/** The UAE since 2022: Monday–Thursday with a lunch break, Friday a half-day, Saturday–Sunday off; the UAE's holidays. */
const UAE: Preset = {
  weekendDays: [6, 0], halfDays: [{ day: 5, endsAt: '12:00' }], holidayCalendar: 'AE',
  defaultHours: { 1: split('08:00', '13:00', '14:00', '17:00'), 2: split('08:00', '13:00', '14:00', '17:00'), 3: split('08:00', '13:00', '14:00', '17:00'), 4: split('08:00', '13:00', '14:00', '17:00'), 5: [{ from: '07:30', to: '12:00' }] } as Week,
};

export function useCalendar() {
  return useQuery({ queryKey: settingsKeys.calendar, queryFn: settingsApi.calendar });
}

function Loading({ query, children }: { query: { isPending: boolean; isError: boolean; error: Error | null; refetch: () => unknown }; children: () => ReactNode }) {
  if (query.isPending) return <Skeleton lines={6} />;
  if (query.isError) return <ErrorState detail={query.error?.message} onRetry={() => void query.refetch()} />;
  return <>{children()}</>;
}

export function HoursSection({ canEdit }: { canEdit: boolean }) {
  const calendar = useCalendar();
  return <Loading query={calendar}>{() => <HoursForm view={calendar.data!} canEdit={canEdit} />}</Loading>;
}

function HoursForm({ view, canEdit }: { view: SlaCalendar; canEdit: boolean }) {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const client = useQueryClient();
  const [draft, setDraft] = useState(() => calendarInput(view));
  const [dirty, setDirty] = useState(false);
  const { error, pending, run } = useSubmit();
  const errorFor = usePathError(error);
  useEffect(() => {
    if (!dirty) setDraft(calendarInput(view));
  }, [view, dirty]);
  const change = (patch: Partial<SlaCalendarInput>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setDirty(true);
  };
  const weekend = draft.weekendDays ?? [];
  const halfDays = draft.halfDays ?? [];
  const handleSave = async () => {
    const ok = await run(async () => {
      const saved = await settingsApi.saveCalendar(draft);
      client.setQueryData(settingsKeys.calendar, saved);
      void client.invalidateQueries({ queryKey: ['complaints', 'settings', 'holidays'] });
    });
    if (ok) {
      setDirty(false);
      toast(t('complaints.settings.hours.saved'));
    }
  };
  const applyPreset = (preset: Preset) => change({ weekendDays: preset.weekendDays, halfDays: preset.halfDays, defaultHours: preset.defaultHours, holidayCalendar: preset.holidayCalendar });
  return (
    <Form className="settings-form" onSubmit={(e) => { e.preventDefault(); void handleSave(); }} validationBehavior="aria">
      <section className="card settings-card">
        <div className="card-head">
          <h2>{t('complaints.settings.hours.title')}</h2>
          {canEdit && (
            <div className="preset-buttons">
              <Button onPress={() => applyPreset(IRAN)}>{t('complaints.settings.hours.presetIran')}</Button>
              <Button onPress={() => applyPreset(UAE)}>{t('complaints.settings.hours.presetUae')}</Button>
            </div>
          )}
        </div>
        <p className="muted settings-intro">{t('complaints.settings.hours.intro')}</p>
        {!view.saved && <p className="settings-zone"><Badge tone="info">{t('complaints.settings.hours.preset')}</Badge></p>}
        <div className="settings-row">
          <TimeZoneField label={t('complaints.settings.hours.timeZoneLabel')} value={draft.timeZone ?? null} isReadOnly={!canEdit}
            onChange={(timeZone) => change({ timeZone })} errorMessage={errorFor('timeZone')}
            placeholder={t('complaints.settings.hours.timeZone', { zone: timeZoneLabel(view.effectiveTimeZone, localeTag(prefs)) })}
            description={t('complaints.settings.hours.timeZoneHint')} />
        </div>
        <fieldset className="fieldset">
          <legend>{t('complaints.settings.hours.weekendDays')}</legend>
          <div className="checkbox-row">
            {weekOrder(prefs).map((d) => (
              <Checkbox key={d} isSelected={weekend.includes(d)} isReadOnly={!canEdit}
                onChange={(on) => change({ weekendDays: on ? [...weekend, d].sort() : weekend.filter((w) => w !== d), halfDays: on ? halfDays.filter((h) => h.day !== d) : halfDays })}>
                {weekdayName(d, prefs)}
              </Checkbox>
            ))}
          </div>
          {errorFor('weekendDays') && <p className="form-error">{errorFor('weekendDays')}</p>}
        </fieldset>
        <fieldset className="fieldset">
          <legend>{t('complaints.settings.hours.halfDays')}</legend>
          <p className="field-description">{t('complaints.settings.hours.halfDaysHint')}</p>
          {halfDays.length === 0 && <p className="muted">{t('complaints.settings.hours.noHalfDays')}</p>}
          {halfDays.map((h, i) => (
            <div key={i} className="half-day-row">
              <Select label={t('complaints.settings.hours.day')} value={String(h.day)} isDisabled={!canEdit}
                options={weekOrder(prefs).filter((d) => !weekend.includes(d)).map((d) => ({ id: String(d), label: weekdayName(d, prefs) }))}
                onChange={(v) => change({ halfDays: halfDays.map((x, j) => (j === i ? { ...x, day: Number(v) } : x)) })} />
              <TimeField label={t('complaints.settings.hours.endsAt')} value={h.endsAt} isReadOnly={!canEdit} errorMessage={errorFor(`halfDays.${i}`)}
                onChange={(v) => change({ halfDays: halfDays.map((x, j) => (j === i ? { ...x, endsAt: v } : x)) })} />
              {canEdit && (
                <Button variant="ghost" className="icon-only" aria-label={t('complaints.settings.hours.removeHalfDay', { day: weekdayName(h.day, prefs) })}
                  onPress={() => change({ halfDays: halfDays.filter((_, j) => j !== i) })}><CloseIcon size={16} /></Button>
              )}
            </div>
          ))}
          {errorFor('halfDays') && !halfDays.some((_, i) => errorFor(`halfDays.${i}`)) && <p className="form-error">{errorFor('halfDays')}</p>}
          {canEdit && halfDays.length < 7 - weekend.length && (
            <Button variant="ghost" onPress={() => {
              const free = weekOrder(prefs).find((d) => !weekend.includes(d) && !halfDays.some((h) => h.day === d));
              if (free !== undefined) change({ halfDays: [...halfDays, { day: free, endsAt: '13:00' }] });
            }}><PlusIcon size={16} />{t('complaints.settings.hours.addHalfDay')}</Button>
          )}
        </fieldset>
        <fieldset className="fieldset">
          <legend>{t('complaints.settings.hours.defaultHours')}</legend>
          <p className="field-description">{t('complaints.settings.hours.defaultHoursHint')}</p>
          <WeekHoursEditor value={draft.defaultHours ?? {}} onChange={(defaultHours) => change({ defaultHours })} weekendDays={weekend} halfDays={halfDays}
            errorFor={errorFor} path="defaultHours" readOnly={!canEdit} />
        </fieldset>
        <UnplacedError error={error} placed={(p) => /^(timeZone|weekendDays|halfDays|defaultHours)/.test(p)} />
        {canEdit && (
          <div className="form-actions">
            <Button type="submit" variant="primary" isPending={pending}>{t('common.save')}</Button>
            {dirty && <Button onPress={() => { setDraft(calendarInput(view)); setDirty(false); }}>{t('complaints.settings.discard')}</Button>}
          </div>
        )}
      </section>
    </Form>
  );
}

// ---- holidays ----

/** A holiday's name by its id in the built-in tables, in the reader's language. */
export function useHolidayName(): (id: string, fallback: string) => string {
  const t = useT();
  return (id, fallback) => {
    const key = `complaints.settings.holiday.${id}` as MessageKey;
    const text = t(key);
    return text === key ? fallback : text;
  };
}

function yearRange(year: number, prefs: ReturnType<typeof usePrefs>): string {
  return `${formatDay(`${year}-01-01`, prefs, 'medium')} – ${formatDay(`${year}-12-31`, prefs, 'medium')}`;
}

export function HolidaysSection({ canEdit }: { canEdit: boolean }) {
  const calendar = useCalendar();
  return <Loading query={calendar}>{() => <HolidaysBody view={calendar.data!} canEdit={canEdit} />}</Loading>;
}

function HolidaysBody({ view, canEdit }: { view: SlaCalendar; canEdit: boolean }) {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const client = useQueryClient();
  const nameOf = useHolidayName();
  const [year, setYear] = useState(() => new Date().getFullYear());
  const holidays = useQuery({ queryKey: settingsKeys.holidays(year), queryFn: () => settingsApi.holidays(year) });
  const { error, pending, run } = useSubmit();
  const [correcting, setCorrecting] = useState<HolidayList['occurrences'][number] | null>(null);
  const [closureDay, setClosureDay] = useState<CalendarDate | null>(null);
  const [closureName, setClosureName] = useState('');

  const save = async (patch: Partial<SlaCalendarInput>, message: string) => {
    const ok = await run(async () => {
      const saved = await settingsApi.saveCalendar({ ...calendarInput(view), ...patch });
      client.setQueryData(settingsKeys.calendar, saved);
      await client.invalidateQueries({ queryKey: ['complaints', 'settings', 'holidays'] });
    });
    if (ok) toast(message);
    return ok;
  };
  const dates = (list: string[]) => {
    if (list.length === 0) return t('complaints.settings.holidays.cancelled');
    const first = formatDay(list[0]!, prefs, 'medium');
    return list.length === 1 ? first : t('complaints.settings.holidays.span', { first, last: formatDay(list.at(-1)!, prefs, 'medium'), days: localiseDigits(String(list.length), prefs.digits) });
  };
  const occurrences = holidays.data?.occurrences ?? [];
  // A holiday the organisation works (some shops open on a lesser holiday): its days go in removedHolidays.
  const worked = new Set(view.removedHolidays);
  const isWorked = (o: HolidayList['occurrences'][number]) => o.dates.length > 0 && o.dates.every((d) => worked.has(d));
  const setWorked = (o: HolidayList['occurrences'][number], work: boolean) => save({
    removedHolidays: work ? [...new Set([...view.removedHolidays, ...o.dates])].sort() : view.removedHolidays.filter((d) => !o.dates.includes(d)),
  }, t('complaints.settings.holidays.saved'));
  return (
    <div className="settings-stack">
      <section className="card settings-card">
        <h2>{t('complaints.settings.holidays.title')}</h2>
        <p className="muted settings-intro">{t('complaints.settings.holidays.intro')}</p>
        <div className="settings-row">
          <Select label={t('complaints.settings.holidays.table')} value={view.holidayCalendar} isDisabled={!canEdit || pending}
            options={HOLIDAY_TABLES.map((c) => ({ id: c, label: t(`complaints.settings.holidays.tableName.${c}`) }))}
            onChange={(holidayCalendar) => void save({ holidayCalendar, holidayOverrides: holidayCalendar === view.holidayCalendar ? view.holidayOverrides : [] }, t('complaints.settings.holidays.saved'))} />
        </div>
        <div className="year-nav" role="group" aria-label={t('complaints.settings.holidays.year')}>
          <Button variant="ghost" className="icon-only" aria-label={t('complaints.settings.holidays.previousYear')} onPress={() => setYear((y) => y - 1)}><ChevronBack /></Button>
          <span className="year-range" aria-live="polite">{yearRange(year, prefs)}</span>
          <Button variant="ghost" className="icon-only" aria-label={t('complaints.settings.holidays.nextYear')} onPress={() => setYear((y) => y + 1)}><ChevronForward /></Button>
        </div>
        {holidays.isPending ? <Skeleton lines={6} /> : holidays.isError ? <ErrorState detail={holidays.error.message} onRetry={() => void holidays.refetch()} /> : (
          occurrences.length === 0 ? <p className="muted">{t('complaints.settings.holidays.none')}</p> : (
            <ul className="holiday-rows" data-testid="holiday-list">
              {occurrences.map((o) => (
                <li key={`${o.holiday}/${o.year}`} className="holiday-row" data-holiday={o.holiday}>
                  <div className="holiday-what">
                    <strong>{nameOf(o.holiday, o.name)}</strong>
                    <span>{dates(o.dates)}</span>
                    <span className="holiday-badges">
                      {o.overridden ? <Badge tone="good">{t('complaints.settings.holidays.corrected')}</Badge> : o.estimated ? <Badge tone="warn">{t('complaints.settings.holidays.estimated')}</Badge> : null}
                      {isWorked(o) && <Badge tone="info">{t('complaints.settings.holidays.worked')}</Badge>}
                    </span>
                  </div>
                  {canEdit && (
                    <div className="holiday-actions">
                      <Button variant="ghost" onPress={() => setCorrecting(o)} aria-label={t('complaints.settings.holidays.correctNamed', { name: nameOf(o.holiday, o.name) })}>{t('complaints.settings.holidays.correct')}</Button>
                      {o.dates.length > 0 && (
                        <Button variant="ghost" isDisabled={pending} onPress={() => void setWorked(o, !isWorked(o))}
                          aria-label={t(isWorked(o) ? 'complaints.settings.holidays.dayOffNamed' : 'complaints.settings.holidays.workNamed', { name: nameOf(o.holiday, o.name) })}>
                          {t(isWorked(o) ? 'complaints.settings.holidays.dayOff' : 'complaints.settings.holidays.work')}
                        </Button>
                      )}
                      {o.overridden && (
                        <Button variant="ghost" isDisabled={pending}
                          onPress={() => void save({ holidayOverrides: view.holidayOverrides.filter((x) => !(x.holiday === o.holiday && x.year === o.year)) }, t('complaints.settings.holidays.saved'))}>
                          {t('complaints.settings.holidays.undoCorrection')}
                        </Button>
                      )}
                    </div>
                  )}
                </li>
              ))}
            </ul>
          )
        )}
        {error && !correcting && <p className="form-error" role="alert">{error.message}</p>}
      </section>
      <section className="card settings-card">
        <h2>{t('complaints.settings.closures.title')}</h2>
        <p className="muted settings-intro">{t('complaints.settings.closures.intro')}</p>
        {view.extraClosures.length === 0 ? <p className="muted">{t('complaints.settings.closures.none')}</p> : (
          <ul className="closure-list">
            {view.extraClosures.map((c) => (
              <li key={c.date}>
                <span>{formatDay(c.date, prefs)}</span>
                {c.name && <bdi>{c.name}</bdi>}
                {canEdit && (
                  <Button variant="ghost" className="icon-only" aria-label={t('complaints.settings.closures.remove', { date: formatDay(c.date, prefs) })}
                    onPress={() => void save({ extraClosures: view.extraClosures.filter((x) => x.date !== c.date) }, t('complaints.settings.holidays.saved'))}><CloseIcon size={16} /></Button>
                )}
              </li>
            ))}
          </ul>
        )}
        {canEdit && (
          <div className="closure-add">
            <DatePicker label={t('complaints.settings.closures.date')} value={closureDay} onChange={setClosureDay} />
            <TextField label={t('complaints.settings.closures.name')} value={closureName} onChange={setClosureName} />
            <Button isDisabled={!closureDay || pending} onPress={async () => {
              const iso = toCalendar(closureDay!, GREGORIAN).toString();
              const list = [...view.extraClosures.filter((c) => c.date !== iso), { date: iso, ...(closureName.trim() ? { name: closureName.trim() } : {}) }].sort((a, b) => a.date.localeCompare(b.date));
              if (await save({ extraClosures: list }, t('complaints.settings.holidays.saved'))) {
                setClosureDay(null);
                setClosureName('');
              }
            }}><PlusIcon size={16} />{t('complaints.settings.closures.add')}</Button>
          </div>
        )}
      </section>
      {correcting && (
        <CorrectionDialog occurrence={correcting} name={nameOf(correcting.holiday, correcting.name)} pending={pending} error={error?.message}
          onClose={() => setCorrecting(null)}
          onSave={async (from, days) => {
            const rest = view.holidayOverrides.filter((x) => !(x.holiday === correcting.holiday && x.year === correcting.year));
            const ok = await save({ holidayOverrides: [...rest, { holiday: correcting.holiday, year: correcting.year, from, days }] }, t('complaints.settings.holidays.saved'));
            if (ok) setCorrecting(null);
          }} />
      )}
    </div>
  );
}

/** The announced first day off (in the reader's calendar) and how many days; 0 days cancels it. */
function CorrectionDialog({ occurrence, name, pending, error, onClose, onSave }: {
  occurrence: HolidayList['occurrences'][number]; name: string; pending: boolean; error?: string;
  onClose: () => void; onSave: (from: string, days: number) => Promise<void>;
}) {
  const t = useT();
  const prefs = usePrefs();
  const first = occurrence.dates[0];
  const [day, setDay] = useState<CalendarDate | null>(() => (first ? parseDate(first) : null));
  const [days, setDays] = useState(() => localiseDigits(String(occurrence.dates.length || 1), prefs.digits));
  const count = parseWhole(days);
  const invalidDays = count === null || count > 15;
  return (
    <Dialog title={t('complaints.settings.holidays.correctTitle', { name })} isOpen onOpenChange={(open) => !open && onClose()}>
      <Form className="form" onSubmit={(e) => { e.preventDefault(); if (day && !invalidDays) void onSave(toCalendar(day, GREGORIAN).toString(), count); }}>
        <p className="muted">{t('complaints.settings.holidays.correctHint')}</p>
        <DatePicker label={t('complaints.settings.holidays.firstDay')} value={day} onChange={setDay} isRequired />
        <TextField label={t('complaints.settings.holidays.days')} value={days} onChange={setDays} inputMode="numeric"
          description={t('complaints.settings.holidays.daysHint')} errorMessage={invalidDays ? t('complaints.settings.holidays.daysInvalid') : undefined} />
        {error && <p className="form-error" role="alert">{error}</p>}
        <div className="form-actions">
          <Button type="submit" variant="primary" isPending={pending} isDisabled={!day || invalidDays}>{t('common.save')}</Button>
          <Button onPress={onClose}>{t('common.cancel')}</Button>
        </div>
      </Form>
    </Dialog>
  );
}
