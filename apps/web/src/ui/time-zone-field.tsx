// A searchable picker of IANA time zones (the browser's own list). Loaded only by the forms
// that need it.
import { useMemo, useState } from 'react';
import { Button as AriaButton, ComboBox, FieldError, Input, Label, ListBox, ListBoxItem, Popover, Text, useFilter } from 'react-aria-components';
import type { FieldProps } from './components.tsx';
import { ChevronDown } from './icons.tsx';

function zones(): string[] {
  const supported = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return supported.includes('UTC') ? supported : [...supported, 'UTC'];
}

const show = (zone: string) => zone.replace(/_/g, ' ');

export function TimeZoneField({
  label, description, errorMessage, value, onChange, placeholder, ...rest
}: FieldProps & { value: string | null; onChange: (zone: string | null) => void; placeholder?: string }) {
  const items = useMemo(() => {
    const all = zones();
    return (value && !all.includes(value) ? [value, ...all] : all).map((id) => ({ id, label: show(id) }));
  }, [value]);
  const { contains } = useFilter({ sensitivity: 'base' });
  const [input, setInput] = useState(value ? show(value) : '');
  const filtered = useMemo(() => {
    const query = input.trim();
    if (!query || (value && query === show(value))) return items;
    return items.filter((z) => contains(z.label, query) || contains(z.id, query));
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
        <Input className="input" dir="ltr" placeholder={placeholder} />
        <AriaButton className="icon-button combo-button"><ChevronDown /></AriaButton>
      </div>
      {description && <Text slot="description" className="field-description">{description}</Text>}
      <FieldError className="field-error">{errorMessage}</FieldError>
      <Popover className="popover" offset={4}>
        <ListBox className="listbox listbox-scroll">
          {(item: { id: string; label: string }) => <ListBoxItem className="listbox-item" id={item.id} textValue={item.label}><bdi dir="ltr">{item.label}</bdi></ListBoxItem>}
        </ListBox>
      </Popover>
    </ComboBox>
  );
}
