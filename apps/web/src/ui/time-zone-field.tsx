// A searchable picker of time zones (the browser's own list) shown by their names in the
// reader's language; typing an English city name finds it too. Loaded only by the forms that need it.
import { useMemo, useState } from 'react';
import { Button as AriaButton, ComboBox, FieldError, Input, Label, ListBox, ListBoxItem, Popover, Text, useFilter, useLocale } from 'react-aria-components';
import { useIntl } from 'react-intl';
import type { FieldProps } from './components.tsx';
import { ChevronDown } from './icons.tsx';

function zones(): string[] {
  const supported = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return supported.includes('UTC') ? supported : [...supported, 'UTC'];
}

/** A time zone by its name in the reader's language ("وقت عادی ایران"), never its IANA id. */
export function timeZoneLabel(zone: string, locale: string): string {
  try {
    const name = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'longGeneric' }).formatToParts(new Date()).find((p) => p.type === 'timeZoneName')?.value;
    return name ?? zone;
  } catch {
    return zone;
  }
}

/**
 * Every time zone once per name in the reader's language: zones that share a name (Berlin,
 * Paris, Rome…) keep the same clock, so the first stands for all. The current value always stays.
 */
export function timeZoneOptions(locale: string, current?: string | null): { id: string; label: string }[] {
  const seen = new Set<string>();
  const options: { id: string; label: string }[] = [];
  const all = zones();
  for (const id of current && !all.includes(current) ? [current, ...all] : all) {
    const label = timeZoneLabel(id, locale);
    if (seen.has(label) && id !== current) continue;
    if (seen.has(label)) {
      const i = options.findIndex((o) => o.label === label);
      options.splice(i, 1);
    }
    seen.add(label);
    options.push({ id, label });
  }
  return options.sort((a, b) => a.label.localeCompare(b.label, locale));
}

export function TimeZoneField({
  label, description, errorMessage, value, onChange, placeholder, ...rest
}: FieldProps & { value: string | null; onChange: (zone: string | null) => void; placeholder?: string }) {
  const { locale } = useLocale();
  const intl = useIntl();
  const items = useMemo(() => timeZoneOptions(locale, value), [locale, value]);
  const show = (zone: string) => timeZoneLabel(zone, locale);
  const { contains } = useFilter({ sensitivity: 'base' });
  const [input, setInput] = useState(value ? show(value) : '');
  const filtered = useMemo(() => {
    const query = input.trim();
    if (!query || (value && query === show(value))) return items;
    return items.filter((z) => contains(z.label, query) || contains(z.id.replace(/_/g, ' '), query));
  }, [items, input, value, contains]);
  return (
    <ComboBox
      {...rest}
      className={`field ${rest.className ?? ''}`}
      items={filtered}
      selectedKey={value}
      inputValue={input}
      onInputChange={(text) => {
        setInput(text);
        if (text === '') onChange(null);
      }}
      onSelectionChange={(key) => {
        const zone = key === null ? null : String(key);
        onChange(zone);
        setInput(zone ? show(zone) : '');
      }}
      isInvalid={Boolean(errorMessage)}
      menuTrigger="focus"
    >
      <Label className="field-label">{label}</Label>
      <div className="combo-input">
        <Input className="input" placeholder={placeholder} />
        <AriaButton className="icon-button combo-button" aria-label={intl.formatMessage({ id: 'common.showOptions' })}><ChevronDown /></AriaButton>
      </div>
      {description && <Text slot="description" className="field-description">{description}</Text>}
      <FieldError className="field-error">{errorMessage}</FieldError>
      <Popover className="popover" offset={4}>
        <ListBox className="listbox listbox-scroll">
          {(item: { id: string; label: string }) => <ListBoxItem className="listbox-item" id={item.id} textValue={item.label}>{item.label}</ListBoxItem>}
        </ListBox>
      </Popover>
    </ComboBox>
  );
}
