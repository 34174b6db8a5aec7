// Working periods per weekday: several a day (a lunch break is two periods, a split shift two or
// three), added and removed one by one. Weekend days show as closed; a half-day says when it ends.
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { localiseDigits } from '../../lib/format.ts';
import { Button, CloseIcon, PlusIcon } from '../../ui/index.ts';
import { TimeField } from '../../ui/time-field.tsx';
import type { Week } from './complaint-settings-api.ts';
import { weekdayName, weekOrder } from './settings-parts.tsx';

type Day = '0' | '1' | '2' | '3' | '4' | '5' | '6';
type Period = { from: string; to: string };

/** Where a new period goes: after the day's last one, or the usual morning for an empty day. */
function nextPeriod(periods: Period[]): Period {
  const last = periods.at(-1);
  if (!last) return { from: '09:00', to: '17:00' };
  const [h] = last.to.split(':').map(Number);
  const from = `${String(Math.min((h ?? 17) + 1, 22)).padStart(2, '0')}:00`;
  const to = `${String(Math.min((h ?? 17) + 3, 23)).padStart(2, '0')}:00`;
  return { from, to };
}

export function WeekHoursEditor({
  value, onChange, weekendDays, halfDays, errorFor, path, readOnly,
}: {
  value: Week;
  onChange: (next: Week) => void;
  weekendDays: number[];
  halfDays: { day: number; endsAt: string }[];
  /** the message for a field path under `path` (e.g. `defaultHours.1.0.to`) */
  errorFor: (path: string) => string | undefined;
  path: string;
  readOnly?: boolean;
}) {
  const t = useT();
  const prefs = usePrefs();
  const setDay = (day: Day, periods: Period[]) => onChange({ ...value, [day]: periods });
  return (
    <div className="week-hours">
      {weekOrder(prefs).map((d) => {
        const day = String(d) as Day;
        const periods = value[day] ?? [];
        const name = weekdayName(d, prefs);
        const weekend = weekendDays.includes(d);
        const half = halfDays.find((h) => h.day === d);
        return (
          <div key={day} className={`week-day${weekend ? ' week-day-off' : ''}`} role="group" aria-label={name} data-day={day}>
            <div className="week-day-name">
              <strong>{name}</strong>
              {weekend && <span className="muted">{t('complaints.settings.hours.weekend')}</span>}
              {!weekend && half && <span className="muted">{t('complaints.settings.hours.halfDayEnds', { time: localiseDigits(half.endsAt, prefs.digits) })}</span>}
              {!weekend && periods.length === 0 && <span className="muted">{t('complaints.settings.hours.closed')}</span>}
            </div>
            {!weekend && (
              <div className="week-periods">
                {periods.map((p, i) => (
                  <div key={i} className="week-period" role="group" aria-label={t('complaints.settings.hours.period', { n: localiseDigits(String(i + 1), prefs.digits) })}>
                    <TimeField label={t('complaints.settings.hours.from')} value={p.from} isReadOnly={readOnly} errorMessage={errorFor(`${path}.${day}.${i}.from`)}
                      onChange={(v) => setDay(day, periods.map((q, j) => (j === i ? { ...q, from: v } : q)))} />
                    <TimeField label={t('complaints.settings.hours.to')} value={p.to} isReadOnly={readOnly} errorMessage={errorFor(`${path}.${day}.${i}.to`)}
                      onChange={(v) => setDay(day, periods.map((q, j) => (j === i ? { ...q, to: v } : q)))} />
                    {!readOnly && (
                      <Button variant="ghost" className="icon-only" aria-label={t('complaints.settings.hours.removePeriod', { day: name, n: localiseDigits(String(i + 1), prefs.digits) })}
                        onPress={() => setDay(day, periods.filter((_, j) => j !== i))}>
                        <CloseIcon size={16} />
                      </Button>
                    )}
                  </div>
                ))}
                {!readOnly && periods.length < 6 && (
                  <Button variant="ghost" onPress={() => setDay(day, [...periods, nextPeriod(periods)])} aria-label={t('complaints.settings.hours.addPeriodTo', { day: name })}>
                    <PlusIcon size={16} />{t('complaints.settings.hours.addPeriod')}
                  </Button>
                )}
              </div>
            )}
          </div>
        );
      })}
    </div>
  );
}
