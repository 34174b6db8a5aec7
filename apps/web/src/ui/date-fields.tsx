// Date entry is the heaviest part of React Aria; it lives in its own module so that only the
// screens with date fields load it.
import { createCalendar, getLocalTimeZone, toCalendar, today, type Calendar as DateCalendar, type CalendarDate, type CalendarIdentifier } from '@internationalized/date';
import { useContext, useMemo, type ChangeEvent } from 'react';
import {
  Button as AriaButton, Calendar, CalendarCell, CalendarGrid, CalendarStateContext, DateField as AriaDateField, DateInput, DatePicker as AriaDatePicker,
  DateSegment, Dialog as AriaDialog, FieldError, Group, Label, Popover, Text, useLocale,
} from 'react-aria-components';
import { useIntl } from 'react-intl';
import type { FieldProps } from './components.tsx';
import { monthHeading, monthOptions, yearOptions } from './date-heading.ts';
import { CalendarIcon, ChevronBack, ChevronForward } from './icons.tsx';
import './date-fields.css';

/** The calendar of the surrounding I18nProvider locale (`…-u-ca-persian-…`): the one the user chose. */
function useUserCalendar(): DateCalendar {
  const { locale } = useLocale();
  const identifier = new Intl.DateTimeFormat(locale).resolvedOptions().calendar as CalendarIdentifier;
  return useMemo(() => createCalendar(identifier), [identifier]);
}

/**
 * Today in the user's calendar. Given as the placeholder so that an empty field yields dates in
 * that calendar when typed.
 */
function usePlaceholderDate(calendar: DateCalendar): CalendarDate {
  return useMemo(() => toCalendar(today(getLocalTimeZone()), calendar), [calendar]);
}

/**
 * React Aria emits a day picked from the popup of an empty field in the Gregorian calendar; the
 * form must keep (and store) the calendar the user reads, so every value is brought into it.
 */
function inCalendar(value: CalendarDate | null, calendar: DateCalendar): CalendarDate | null {
  return value && value.calendar.identifier !== calendar.identifier ? toCalendar(value, calendar) : value;
}

type DateProps = FieldProps & {
  value: CalendarDate | null;
  onChange: (value: CalendarDate | null) => void;
  /** the last day that may be chosen (a birthday: today) */
  maxValue?: CalendarDate;
  minValue?: CalendarDate;
};

/**
 * Date entry in the calendar and digits of the surrounding I18nProvider locale (e.g.
 * `fa-IR-u-ca-persian-nu-arabext`): segments accept Persian, Arabic-Indic or Latin digits.
 */
export function DateField({ label, description, errorMessage, value, onChange, ...rest }: DateProps) {
  const calendar = useUserCalendar();
  const placeholder = usePlaceholderDate(calendar);
  return (
    <AriaDateField
      {...rest}
      className={`field ${rest.className ?? ''}`}
      placeholderValue={placeholder}
      value={inCalendar(value, calendar)}
      onChange={(v) => onChange(inCalendar(v as CalendarDate | null, calendar))}
      isInvalid={Boolean(errorMessage)}
    >
      <Label className="field-label">{label}</Label>
      <DateInput className="input date-input">{(segment) => <DateSegment className="date-segment" segment={segment} />}</DateInput>
      {description && <Text slot="description" className="field-description">{description}</Text>}
      <FieldError className="field-error">{errorMessage}</FieldError>
    </AriaDateField>
  );
}

/**
 * The month and year the calendar shows, as two jump lists in the locale's order (month first in
 * Persian, Arabic and English alike: "آذر ۱۴۰۵", not ICU's "۱۴۰۵ آذر").
 */
function MonthYearJump({ minYear, maxYear }: { minYear: number; maxYear: number }) {
  const state = useContext(CalendarStateContext)!;
  const { locale } = useLocale();
  const intl = useIntl();
  const focused = state.focusedDate;
  const months = monthOptions(focused, locale);
  const years = yearOptions(focused, locale, minYear, maxYear);
  const jump = (event: ChangeEvent<HTMLSelectElement>, unit: 'month' | 'year') => {
    state.setFocusedDate(focused.set({ [unit]: Number(event.target.value) }));
  };
  return (
    <div className="calendar-jump">
      <h2 className="visually-hidden calendar-title" aria-live="polite">{monthHeading(focused, locale)}</h2>
      <select className="calendar-select" data-jump="month" aria-label={intl.formatMessage({ id: 'common.month' })} value={focused.month} onChange={(e) => jump(e, 'month')}>
        {months.map((m) => <option key={m.value} value={m.value}>{m.label}</option>)}
      </select>
      <select className="calendar-select" data-jump="year" aria-label={intl.formatMessage({ id: 'common.year' })} value={focused.year} onChange={(e) => jump(e, 'year')}>
        {years.map((y) => <option key={y.value} value={y.value}>{y.label}</option>)}
      </select>
    </div>
  );
}

/**
 * React Aria's own message for a day outside the bounds is English in Persian (it ships no Persian
 * strings), so the bounds are said here, with the day in the user's calendar and digits.
 */
function useRangeMessage(): (details: ValidityState, bounds: { min?: CalendarDate; max?: CalendarDate }) => string {
  const intl = useIntl();
  const { locale } = useLocale();
  return (details, { min, max }) => {
    const format = (date: CalendarDate) => new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(date.toDate('UTC'));
    if (details.rangeOverflow && max) return intl.formatMessage({ id: 'common.dateOnOrBefore' }, { date: format(max) });
    if (details.rangeUnderflow && min) return intl.formatMessage({ id: 'common.dateOnOrAfter' }, { date: format(min) });
    return intl.formatMessage({ id: 'fieldError.invalid_value' });
  };
}

export function DatePicker({ label, description, errorMessage, value, onChange, maxValue, minValue, ...rest }: DateProps) {
  const intl = useIntl();
  const rangeMessage = useRangeMessage();
  const calendar = useUserCalendar();
  const placeholder = usePlaceholderDate(calendar);
  const max = maxValue ? toCalendar(maxValue, calendar) : undefined;
  const min = minValue ? toCalendar(minValue, calendar) : undefined;
  // Without bounds the year list spans a long life back and a decade ahead.
  const maxYear = max?.year ?? placeholder.year + 10;
  const minYear = min?.year ?? placeholder.year - 120;
  return (
    <AriaDatePicker
      {...rest}
      className={`field ${rest.className ?? ''}`}
      placeholderValue={placeholder}
      value={inCalendar(value, calendar)}
      onChange={(v) => onChange(inCalendar(v as CalendarDate | null, calendar))}
      maxValue={max}
      minValue={min}
      isInvalid={Boolean(errorMessage)}
    >
      <Label className="field-label">{label}</Label>
      <Group className="input date-group">
        <DateInput className="date-input">{(segment) => <DateSegment className="date-segment" segment={segment} />}</DateInput>
        <AriaButton className="icon-button" aria-label={intl.formatMessage({ id: 'common.openCalendar' })}>
          <CalendarIcon />
        </AriaButton>
      </Group>
      {description && <Text slot="description" className="field-description">{description}</Text>}
      <FieldError className="field-error">{errorMessage ?? ((v) => rangeMessage(v.validationDetails, { min, max }))}</FieldError>
      <Popover className="popover calendar-popover" offset={4} placement="bottom start">
        <AriaDialog className="calendar-dialog" aria-label={label}>
          <Calendar className="calendar" aria-label={label}>
            <header className="calendar-header">
              {/* Previous comes first: on the right in right-to-left, its chevron pointing outward (mirrored icons). */}
              <AriaButton slot="previous" className="icon-button" aria-label={intl.formatMessage({ id: 'common.previousMonth' })}><ChevronBack /></AriaButton>
              <MonthYearJump minYear={minYear} maxYear={maxYear} />
              <AriaButton slot="next" className="icon-button" aria-label={intl.formatMessage({ id: 'common.nextMonth' })}><ChevronForward /></AriaButton>
            </header>
            <CalendarGrid className="calendar-grid" weekdayStyle="narrow">{(date) => <CalendarCell className="calendar-cell" date={date} />}</CalendarGrid>
          </Calendar>
        </AriaDialog>
      </Popover>
    </AriaDatePicker>
  );
}
