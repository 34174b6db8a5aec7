// Date entry is the heaviest part of React Aria; it lives in its own module so that only the
// screens with date fields load it.
import { createCalendar, getLocalTimeZone, toCalendar, today, type CalendarDate, type CalendarIdentifier } from '@internationalized/date';
import { useMemo } from 'react';
import {
  Button as AriaButton, Calendar, CalendarCell, CalendarGrid, DateField as AriaDateField, DateInput, DatePicker as AriaDatePicker,
  DateSegment, Dialog as AriaDialog, FieldError, Group, Heading, Label, Popover, Text, useLocale,
} from 'react-aria-components';
import { useIntl } from 'react-intl';
import type { FieldProps } from './components.tsx';
import { CalendarIcon, ChevronBack, ChevronForward } from './icons.tsx';

/**
 * Today in the calendar of the current locale. Given as the placeholder so that an empty field
 * yields dates in that calendar (React Aria converts values back to the placeholder's calendar).
 */
function usePlaceholderDate(): CalendarDate {
  const { locale } = useLocale();
  const calendar = new Intl.DateTimeFormat(locale).resolvedOptions().calendar as CalendarIdentifier;
  return useMemo(() => toCalendar(today(getLocalTimeZone()), createCalendar(calendar)), [calendar]);
}

/**
 * Date entry in the calendar and digits of the surrounding I18nProvider locale (e.g.
 * `fa-IR-u-ca-persian-nu-arabext`): segments accept Persian, Arabic-Indic or Latin digits.
 */
export function DateField({
  label, description, errorMessage, value, onChange, ...rest
}: FieldProps & { value: CalendarDate | null; onChange: (value: CalendarDate | null) => void }) {
  const placeholder = usePlaceholderDate();
  return (
    <AriaDateField {...rest} className={`field ${rest.className ?? ''}`} placeholderValue={placeholder} value={value} onChange={(v) => onChange(v as CalendarDate | null)} isInvalid={Boolean(errorMessage)}>
      <Label className="field-label">{label}</Label>
      <DateInput className="input date-input">{(segment) => <DateSegment className="date-segment" segment={segment} />}</DateInput>
      {description && <Text slot="description" className="field-description">{description}</Text>}
      <FieldError className="field-error">{errorMessage}</FieldError>
    </AriaDateField>
  );
}

export function DatePicker({
  label, description, errorMessage, value, onChange, ...rest
}: FieldProps & { value: CalendarDate | null; onChange: (value: CalendarDate | null) => void }) {
  const intl = useIntl();
  const placeholder = usePlaceholderDate();
  return (
    <AriaDatePicker {...rest} className={`field ${rest.className ?? ''}`} placeholderValue={placeholder} value={value} onChange={(v) => onChange(v as CalendarDate | null)} isInvalid={Boolean(errorMessage)}>
      <Label className="field-label">{label}</Label>
      <Group className="input date-group">
        <DateInput className="date-input">{(segment) => <DateSegment className="date-segment" segment={segment} />}</DateInput>
        <AriaButton className="icon-button" aria-label={intl.formatMessage({ id: 'common.openCalendar' })}>
          <CalendarIcon />
        </AriaButton>
      </Group>
      {description && <Text slot="description" className="field-description">{description}</Text>}
      <FieldError className="field-error">{errorMessage}</FieldError>
      <Popover className="popover" offset={4}>
        <AriaDialog className="calendar-dialog">
          <Calendar className="calendar">
            <header className="calendar-header">
              <AriaButton slot="previous" className="icon-button" aria-label={intl.formatMessage({ id: 'common.previous' })}><ChevronBack /></AriaButton>
              <Heading className="calendar-heading" />
              <AriaButton slot="next" className="icon-button" aria-label={intl.formatMessage({ id: 'common.next' })}><ChevronForward /></AriaButton>
            </header>
            <CalendarGrid className="calendar-grid">{(date) => <CalendarCell className="calendar-cell" date={date} />}</CalendarGrid>
          </Calendar>
        </AriaDialog>
      </Popover>
    </AriaDatePicker>
  );
}

