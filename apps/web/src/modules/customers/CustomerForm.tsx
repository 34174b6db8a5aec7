import { CalendarDate, createCalendar, getLocalTimeZone, toCalendar, today, type CalendarIdentifier } from '@internationalized/date';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { Form, Link } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import type { MessageKey } from '../../i18n/en.ts';
import { useFieldError, useT } from '../../i18n/useT.ts';
import { ApiError, api, type AttributeDefinition, type Customer, type CustomerInput, type CustomerPatch } from '../../lib/api.ts';
import { calendarFromIdentifier, type CalendarId } from '../../lib/format.ts';
import { Button, Checkbox, Select, TextField } from '../../ui/index.ts';
import { DatePicker } from '../../ui/date-fields.tsx';
import { TimeZoneField, timeZoneLabel } from '../../ui/time-zone-field.tsx';
import { CHANNELS, CUSTOMER_LANGUAGES, PHONE_COUNTRIES, parseTags, type ChannelId } from './customer-fields.ts';
import { createIssues, updateIssues, type FieldCodes } from './customer-validation.ts';
import './customer-form.css';

const NONE = '_none';
const CALENDAR_IDS: Record<CalendarId, CalendarIdentifier> = { persian: 'persian', 'islamic-umalqura': 'islamic-umalqura', gregory: 'gregory' };

/** A stored birthday (in the calendar it was given in) shown in the user's calendar for editing. */
function birthdayForEditing(birthday: Customer['birthday'], calendar: CalendarId): CalendarDate | null {
  if (!birthday) return null;
  const own = new CalendarDate(createCalendar(CALENDAR_IDS[birthday.calendar]), birthday.year, birthday.month, birthday.day);
  return toCalendar(own, createCalendar(CALENDAR_IDS[calendar]));
}

function attributeText(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

export function CustomerForm({ customer, onSaved, onCancel }: { customer?: Customer; onSaved: (customer: Customer) => void; onCancel: () => void }) {
  const t = useT();
  const prefs = usePrefs();
  const attributes = useQuery({ queryKey: ['customer-attributes'], queryFn: api.attributes });
  const [name, setName] = useState(customer?.name ?? '');
  const [phone, setPhone] = useState(customer?.phone ?? '');
  const [phoneCountry, setPhoneCountry] = useState<string>(NONE);
  const [email, setEmail] = useState(customer?.email ?? '');
  const [birthday, setBirthday] = useState<CalendarDate | null>(() => birthdayForEditing(customer?.birthday ?? null, prefs.calendar));
  const [language, setLanguage] = useState<string>(customer?.language ?? NONE);
  const [preferredChannel, setPreferredChannel] = useState<string>(customer?.preferredChannel ?? NONE);
  const [timeZone, setTimeZone] = useState<string | null>(customer?.timeZone ?? null);
  const [tags, setTags] = useState(customer?.tags.join('، ') ?? '');
  const [consent, setConsent] = useState<Record<ChannelId, boolean>>(
    () => Object.fromEntries(CHANNELS.map((c) => [c, customer?.consent[c]?.granted ?? false])) as Record<ChannelId, boolean>,
  );
  const [attributeValues, setAttributeValues] = useState<Record<string, string | boolean>>(() =>
    Object.fromEntries(Object.entries(customer?.attributes ?? {}).map(([k, v]) => [k, typeof v === 'boolean' ? v : attributeText(v)])),
  );
  const [error, setError] = useState<ApiError | null>(null);
  // What was sent when the server answered with `error`: its field errors stand until that field changes.
  const [errorValues, setErrorValues] = useState<Record<string, string>>({});
  // After the first attempt the schema checks run on every change, so an error goes as soon as it is fixed.
  const [attempted, setAttempted] = useState(false);
  const [pending, setPending] = useState(false);
  const todayDate = useMemo(() => today(getLocalTimeZone()), []);

  const attributeInput = (definition: AttributeDefinition): string | number | boolean | null | undefined => {
    const value = attributeValues[definition.key];
    if (value === undefined) return undefined;
    if (definition.type === 'boolean') return Boolean(value);
    if (value === '') return null;
    if (definition.type === 'number') {
      const number = Number(String(value).replace(/[\u06F0-\u06F9]/g, (d) => String(d.charCodeAt(0) - 0x06f0)).replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660)));
      return Number.isFinite(number) ? number : String(value);
    }
    return String(value);
  };

  const calendar = birthday ? calendarFromIdentifier(birthday.calendar.identifier) : undefined;
  // The day in the calendar it was picked or typed in: that is the calendar stored with it.
  const birthdayInput = birthday && calendar ? { calendar, year: birthday.year, month: birthday.month, day: birthday.day } : null;
  const attributeEntries = (attributes.data?.items ?? []).map((d) => [d.key, attributeInput(d)] as const).filter(([, v]) => v !== undefined);

  const createBody = (): CustomerInput => ({
    name: name.trim() || undefined,
    phone: phone.trim() || undefined,
    phoneCountry: phoneCountry === NONE ? undefined : phoneCountry,
    email: email.trim() || undefined,
    birthday: birthdayInput ?? undefined,
    language: language === NONE ? undefined : (language as CustomerInput['language']),
    preferredChannel: preferredChannel === NONE ? undefined : (preferredChannel as CustomerInput['preferredChannel']),
    timeZone: timeZone ?? undefined,
    tags: parseTags(tags),
    consent: Object.fromEntries(CHANNELS.filter((c) => consent[c]).map((c) => [c, { granted: true, source: 'web' }])),
    attributes: Object.fromEntries(attributeEntries.filter(([, v]) => v !== null)) as CustomerInput['attributes'],
  });
  const patchBody = (current: Customer): CustomerPatch => ({
    name: name.trim() || null,
    phone: phone.trim() || null,
    phoneCountry: phoneCountry === NONE ? undefined : phoneCountry,
    email: email.trim() || null,
    birthday: birthdayInput,
    language: language === NONE ? null : (language as CustomerPatch['language']),
    preferredChannel: preferredChannel === NONE ? null : (preferredChannel as CustomerPatch['preferredChannel']),
    timeZone,
    tags: parseTags(tags),
    consent: Object.fromEntries(
      CHANNELS.filter((c) => consent[c] !== (current.consent[c]?.granted ?? false)).map((c) => [c, { granted: consent[c], source: 'web' }]),
    ),
    attributes: Object.fromEntries(attributeEntries) as CustomerPatch['attributes'],
  });
  const clientIssues = (): FieldCodes => (customer ? updateIssues(patchBody(customer)) : createIssues(createBody()));
  const issues: FieldCodes = attempted ? clientIssues() : {};

  // Each field's value as sent, to tell whether the user has changed it since the server answered.
  const fieldValues: Record<string, string> = {
    name, phone, phoneCountry, email, birthday: JSON.stringify(birthdayInput), language, preferredChannel, timeZone: timeZone ?? '', tags,
    consent: JSON.stringify(consent), attributes: JSON.stringify(attributeValues), externalId: '',
  };

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    if (Object.keys(clientIssues()).length > 0) {
      setError(null);
      return;
    }
    setPending(true);
    setError(null);
    try {
      const saved = customer ? await api.updateCustomer(customer.id, patchBody(customer)) : await api.createCustomer(createBody());
      onSaved(saved);
    } catch (err) {
      setErrorValues(fieldValues);
      setError(err instanceof ApiError ? err : new ApiError(0, { detail: t('common.networkError') }));
    } finally {
      setPending(false);
    }
  };

  const serverFieldError = useFieldError(error);
  const standing = (field: string) => Boolean(error?.fieldErrors[field]) && errorValues[field] === fieldValues[field];
  /** The message under a field: the schema's check first (it is current), else the server's until the field changes. */
  const fieldError = (field: string): string | undefined => {
    const code = issues[field];
    if (code) return t(`fieldError.${code}` as MessageKey) || t('fieldError.invalid_value');
    return standing(field) ? serverFieldError(field) : undefined;
  };
  const existing = (field: string) => (standing(field) ? error?.fieldExisting[field] : undefined);
  const knownFields = ['name', 'phone', 'phoneCountry', 'email', 'birthday', 'language', 'preferredChannel', 'timeZone', 'tags', 'consent', 'attributes'];
  const unplaced = error && !Object.keys(error.fieldErrors).some((f) => knownFields.includes(f));
  const manyIssues = Object.keys(issues).length > 1;
  const duplicateLink = (field: string) => {
    const id = existing(field);
    return id ? <Link className="field-link" href={`/customers/${id}`} data-testid={`existing-${field}`}>{t('customer.openExisting')}</Link> : null;
  };

  return (
    <Form onSubmit={handleSubmit} className="form form-grid" validationBehavior="aria">
      {unplaced && <p className="form-error span-all" role="alert">{error.message}</p>}
      {manyIssues && <p className="form-error span-all" role="alert">{t('customer.fixErrors')}</p>}
      <TextField className="span-all" label={t('customer.name')} value={name} onChange={setName} autoComplete="off" errorMessage={fieldError('name')} autoFocus />
      <div className="field-with-link">
        <TextField label={t('customer.phone')} type="tel" inputMode="tel" dir="ltr" value={phone} onChange={setPhone} description={t('customer.phoneHint')} errorMessage={fieldError('phone')} />
        {duplicateLink('phone')}
      </div>
      <Select
        label={t('customer.phoneCountry')}
        value={phoneCountry}
        onChange={setPhoneCountry}
        errorMessage={fieldError('phoneCountry')}
        options={[{ id: NONE, label: t('country.default') }, ...PHONE_COUNTRIES.map((c) => ({ id: c, label: t(`country.${c}`) }))]}
      />
      <div className="field-with-link">
        <TextField label={t('customer.email')} type="email" dir="ltr" value={email} onChange={setEmail} errorMessage={fieldError('email')} />
        {duplicateLink('email')}
      </div>
      <DatePicker label={t('customer.birthday')} value={birthday} onChange={setBirthday} maxValue={todayDate} description={t('customer.birthdayHint')} errorMessage={fieldError('birthday')} />
      <Select
        label={t('customer.language')}
        value={language}
        onChange={setLanguage}
        errorMessage={fieldError('language')}
        options={[{ id: NONE, label: t('common.none') }, ...CUSTOMER_LANGUAGES.map((l) => ({ id: l, label: t(`lang.${l}`) }))]}
      />
      <Select
        label={t('customer.preferredChannel')}
        value={preferredChannel}
        onChange={setPreferredChannel}
        errorMessage={fieldError('preferredChannel')}
        options={[{ id: NONE, label: t('common.none') }, ...CHANNELS.map((c) => ({ id: c, label: t(`channel.${c}`) }))]}
      />
      <TimeZoneField
        label={t('customer.timeZone')}
        value={timeZone}
        onChange={setTimeZone}
        placeholder={timeZoneLabel(prefs.timeZone, prefs.locale)}
        description={t('customer.timeZoneHint', { zone: timeZoneLabel(prefs.timeZone, prefs.locale) })}
        errorMessage={fieldError('timeZone')}
      />
      <TextField className="span-all" label={t('customer.tags')} value={tags} onChange={setTags} description={t('customer.tagsHint')} errorMessage={fieldError('tags')} />
      <fieldset className="fieldset span-all">
        <legend>{t('customer.consentFieldset')}</legend>
        <div className="checkbox-row">
          {CHANNELS.map((c) => (
            <Checkbox key={c} isSelected={consent[c]} onChange={(value) => setConsent((all) => ({ ...all, [c]: value }))}>{t(`channel.${c}`)}</Checkbox>
          ))}
        </div>
      </fieldset>
      {(attributes.data?.items ?? []).length > 0 && (
        <fieldset className="fieldset span-all form-grid">
          <legend>{t('customer.attributes')}</legend>
          {attributes.data!.items.map((d) => {
            const label = d.label[prefs.language];
            if (d.type === 'boolean') {
              return <Checkbox key={d.key} isSelected={Boolean(attributeValues[d.key])} onChange={(v) => setAttributeValues((all) => ({ ...all, [d.key]: v }))}>{label}</Checkbox>;
            }
            return (
              <TextField
                key={d.key}
                label={label}
                value={String(attributeValues[d.key] ?? '')}
                onChange={(v) => setAttributeValues((all) => ({ ...all, [d.key]: v }))}
                inputMode={d.type === 'number' ? 'numeric' : undefined}
                errorMessage={fieldError('attributes')}
              />
            );
          })}
        </fieldset>
      )}
      <div className="form-actions span-all">
        <Button type="submit" variant="primary" isPending={pending}>{customer ? t('common.save') : t('common.create')}</Button>
        <Button onPress={onCancel}>{t('common.cancel')}</Button>
      </div>
    </Form>
  );
}
