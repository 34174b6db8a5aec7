import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { canManageWorkspace, useSession } from '../../app/session.ts';
import { useFieldError, useT } from '../../i18n/useT.ts';
import { ApiError, api, type Workspace } from '../../lib/api.ts';
import { CALENDARS, LANGUAGES } from '../../lib/format.ts';
import { Button, Checkbox, DataTable, ErrorState, Select, Skeleton, TextField, useToast, type DataTableColumn } from '../../ui/index.ts';
import { HolidaysField } from '../engagement/index.ts';
import { RequireTwoFactorSetting } from '../team/index.ts';
import { TimeField } from '../../ui/time-field.tsx';
import { TimeZoneField } from '../../ui/time-zone-field.tsx';
import { PHONE_COUNTRIES } from '../customers/index.ts';

const CURRENCIES = ['IRR', 'SAR', 'AED', 'AFN', 'IQD', 'QAR', 'KWD', 'BHD', 'OMR', 'TRY', 'USD', 'EUR'];
// Weekdays in the order a week is read in this region: Saturday first.
const WEEK = [6, 0, 1, 2, 3, 4, 5] as const;
type Hours = Workspace['businessHours'];
type DayKey = keyof Hours & string;
type Weekday = (typeof WEEK)[number];

export default function SettingsPage() {
  const t = useT();
  const session = useSession();
  const workspace = useQuery({ queryKey: ['workspace'], queryFn: api.workspace });
  if (workspace.isPending) return <div className="page"><Skeleton lines={8} /></div>;
  if (workspace.isError) return <div className="page"><ErrorState detail={workspace.error.message} onRetry={() => void workspace.refetch()} /></div>;
  const canManage = canManageWorkspace(session);
  return (
    <div className="page page-narrow">
      <header className="page-header"><h1>{t('settings.title')}</h1></header>
      {!canManage && <p className="notice">{t('settings.readOnly')}</p>}
      <SettingsForm workspace={workspace.data} readOnly={!canManage} />
      {session.role === 'owner' && <RequireTwoFactorSetting workspace={workspace.data} />}
    </div>
  );
}

function SettingsForm({ workspace, readOnly }: { workspace: Workspace; readOnly: boolean }) {
  const t = useT();
  const toast = useToast();
  const client = useQueryClient();
  const [draft, setDraft] = useState(workspace);
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);
  useEffect(() => setDraft(workspace), [workspace]);
  const set = <K extends keyof Workspace>(key: K, value: Workspace[K]) => setDraft((d) => ({ ...d, [key]: value }));

  const hoursOf = (day: number) => draft.businessHours[String(day) as DayKey] ?? [];
  const setHours = (day: number, ranges: { from: string; to: string }[]) => set('businessHours', { ...draft.businessHours, [String(day)]: ranges });
  const firstRange = (day: number) => hoursOf(day)[0] ?? { from: '09:00', to: '17:00' };
  const hoursColumns: DataTableColumn<Weekday>[] = [
    { id: 'day', header: t('settings.day'), isPrimary: true, cell: (day) => t(`weekday.${day}`) },
    {
      id: 'closed', header: t('settings.closed'), hideHeader: true,
      cell: (day) => <Checkbox isDisabled={readOnly} isSelected={hoursOf(day).length === 0} onChange={(closed) => setHours(day, closed ? [] : [firstRange(day)])}>{t('settings.closed')}</Checkbox>,
    },
    {
      id: 'opens', header: t('settings.opens'),
      cell: (day) => hoursOf(day).length > 0 && (
        <TimeField label={`${t('settings.opens')} — ${t(`weekday.${day}`)}`} className="field-compact" value={firstRange(day).from} isReadOnly={readOnly}
          onChange={(v) => setHours(day, [{ ...firstRange(day), from: v }, ...hoursOf(day).slice(1)])} />
      ),
    },
    {
      id: 'closes', header: t('settings.closes'),
      cell: (day) => hoursOf(day).length > 0 && (
        <TimeField label={`${t('settings.closes')} — ${t(`weekday.${day}`)}`} className="field-compact" value={firstRange(day).to} isReadOnly={readOnly}
          onChange={(v) => setHours(day, [{ ...firstRange(day), to: v }, ...hoursOf(day).slice(1)])} />
      ),
    },
  ];

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      const saved = await api.updateWorkspace({
        name: draft.name, defaultLanguage: draft.defaultLanguage, calendar: draft.calendar, timeZone: draft.timeZone,
        defaultCountry: draft.defaultCountry, weekendDays: draft.weekendDays, businessHours: draft.businessHours, holidays: draft.holidays,
        currency: draft.currency, irrDisplay: draft.irrDisplay,
      });
      client.setQueryData(['workspace'], saved);
      toast(t('settings.saved'));
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, { detail: t('common.networkError') }));
    } finally {
      setPending(false);
    }
  };
  const fe = useFieldError(error);
  const currencies = CURRENCIES.includes(draft.currency) ? CURRENCIES : [draft.currency, ...CURRENCIES];
  const currencyName = new Intl.DisplayNames([document.documentElement.lang || 'en'], { type: 'currency' });

  return (
    <Form onSubmit={handleSubmit} className="card form form-grid" validationBehavior="aria">
      {error && !Object.keys(error.fieldErrors).length && <p className="form-error span-all" role="alert">{error.message}</p>}
      <TextField className="span-all" label={t('settings.name')} value={draft.name} onChange={(v) => set('name', v)} isReadOnly={readOnly} errorMessage={fe('name')} />
      <Select label={t('settings.defaultLanguage')} value={draft.defaultLanguage} onChange={(v) => set('defaultLanguage', v)} isDisabled={readOnly} options={LANGUAGES.map((l) => ({ id: l, label: t(`language.${l}`) }))} />
      <Select label={t('settings.calendar')} value={draft.calendar} onChange={(v) => set('calendar', v)} isDisabled={readOnly} options={CALENDARS.map((c) => ({ id: c, label: t(`calendar.${c}`) }))} />
      <TimeZoneField label={t('settings.timeZone')} value={draft.timeZone} onChange={(v) => { if (v) set('timeZone', v); }} isReadOnly={readOnly} errorMessage={fe('timeZone')} />
      <Select label={t('settings.country')} value={draft.defaultCountry} onChange={(v) => set('defaultCountry', v)} isDisabled={readOnly} options={[...new Set([draft.defaultCountry, ...PHONE_COUNTRIES])].map((c) => ({ id: c, label: (PHONE_COUNTRIES as readonly string[]).includes(c) ? t(`country.${c as 'IR'}`) : c }))} />
      <Select label={t('settings.currency')} value={draft.currency} onChange={(v) => set('currency', v)} isDisabled={readOnly} errorMessage={fe('currency')} options={currencies.map((c) => ({ id: c, label: currencyName.of(c) ?? c }))} />
      <Select label={t('settings.irrDisplay')} value={draft.irrDisplay} onChange={(v) => set('irrDisplay', v)} isDisabled={readOnly} options={[{ id: 'rial', label: t('settings.irr.rial') }, { id: 'toman', label: t('settings.irr.toman') }]} />
      <fieldset className="fieldset span-all">
        <legend>{t('settings.weekend')}</legend>
        <div className="checkbox-row">
          {WEEK.map((day) => (
            <Checkbox
              key={day}
              isDisabled={readOnly}
              isSelected={draft.weekendDays.includes(day)}
              onChange={(on) => set('weekendDays', on ? [...draft.weekendDays, day].sort() : draft.weekendDays.filter((d) => d !== day))}
            >
              {t(`weekday.${day}`)}
            </Checkbox>
          ))}
        </div>
      </fieldset>
      <fieldset className="fieldset span-all">
        <legend>{t('settings.businessHours')}</legend>
        {/* Phones: a card per day, never wider than the screen. */}
        <DataTable label={t('settings.businessHours')} className="hours-table" columns={hoursColumns} rows={WEEK} rowKey={String} />
        {fe('businessHours') && <p className="form-error">{fe('businessHours')}</p>}
      </fieldset>
      <HolidaysField value={draft.holidays} onChange={(days) => set('holidays', days)} readOnly={readOnly} errorMessage={fe('holidays')} />
      {!readOnly && <div className="form-actions span-all"><Button type="submit" variant="primary" isPending={pending}>{t('common.save')}</Button></div>}
    </Form>
  );
}
