// Workspace holidays: days picked in the user's calendar, stored as Gregorian ISO dates.
// Follow-up due times in business hours skip them.
import { GregorianCalendar, toCalendar, type CalendarDate } from '@internationalized/date';
import { useState } from 'react';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { formatDay } from '../../lib/format.ts';
import { Button, CloseIcon, PlusIcon } from '../../ui/index.ts';
import { DatePicker } from '../../ui/date-fields.tsx';
import './engagement.css';

const GREGORIAN = new GregorianCalendar();

export function HolidaysField({ value, onChange, readOnly, errorMessage }: { value: string[]; onChange: (days: string[]) => void; readOnly: boolean; errorMessage?: string }) {
  const t = useT();
  const prefs = usePrefs();
  const [day, setDay] = useState<CalendarDate | null>(null);
  const handleAdd = () => {
    if (!day) return;
    const iso = toCalendar(day, GREGORIAN).toString();
    if (!value.includes(iso)) onChange([...value, iso].sort());
    setDay(null);
  };
  return (
    <fieldset className="fieldset span-all">
      <legend>{t('settings.holidays')}</legend>
      <p className="field-description">{t('settings.holidaysHint')}</p>
      {value.length === 0 ? <p className="muted">{t('settings.noHolidays')}</p> : (
        <ul className="holiday-list" data-testid="holidays">
          {value.map((iso) => {
            const label = formatDay(iso, prefs);
            return (
              <li key={iso}>
                <span>{label}</span>
                {!readOnly && (
                  <Button variant="ghost" className="chip-remove" aria-label={t('settings.holidayRemove', { date: label })} onPress={() => onChange(value.filter((d) => d !== iso))}>
                    <CloseIcon size={14} />
                  </Button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {!readOnly && (
        <div className="holiday-add">
          <DatePicker label={t('settings.holidayDate')} value={day} onChange={setDay} />
          <Button onPress={handleAdd} isDisabled={!day}><PlusIcon />{t('settings.holidayAdd')}</Button>
        </div>
      )}
      {errorMessage && <p className="form-error">{errorMessage}</p>}
    </fieldset>
  );
}
