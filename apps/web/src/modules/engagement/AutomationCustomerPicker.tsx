// Pick one customer by name, phone or e-mail (the customers search), for previews and dry runs.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ComboBox, Input, Label, ListBox, ListBoxItem, Popover, Text } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { api, type Customer } from '../../lib/api.ts';
import { localiseDigits } from '../../lib/format.ts';
import { useDebounced } from '../../lib/hooks.ts';

export function AutomationCustomerPicker({ label, value, onChange }: { label: string; value: Customer | null; onChange: (customer: Customer | null) => void }) {
  const t = useT();
  const prefs = usePrefs();
  // The phone is isolated left-to-right so its + stays in front inside a right-to-left line.
  const describe = (c: Customer) => [c.name ?? t('customer.unnamed'), c.phone ? `\u2066${localiseDigits(c.phone, prefs.digits)}\u2069` : null, c.email].filter(Boolean).join(' · ');
  const [q, setQ] = useState(value ? describe(value) : '');
  const debounced = useDebounced(q.trim(), 250);
  const searching = debounced.length > 0 && (!value || debounced !== describe(value));
  const results = useQuery({
    queryKey: ['customers', { q: debounced, purpose: 'pick' }],
    queryFn: () => api.customers({ q: debounced }, undefined, 10),
    enabled: searching,
  });
  // Once picked, the search stops (the text is the pick's own); the pick stays among the items so
  // the combo box keeps it selected instead of clearing it when the list empties.
  const found = searching ? results.data?.items ?? [] : [];
  const items = value && !found.some((c) => c.id === value.id) ? [...found, value] : found;
  return (
    <ComboBox
      className="field"
      items={items}
      inputValue={q}
      onInputChange={(text) => { setQ(text); if (value && text !== describe(value)) onChange(null); }}
      selectedKey={value?.id ?? null}
      onSelectionChange={(key) => {
        // Clearing is the text's business (onInputChange); a null here is the list changing under the pick.
        if (key === null) return;
        const picked = items.find((c) => c.id === key) ?? null;
        onChange(picked);
        if (picked) setQ(describe(picked));
      }}
      menuTrigger="input"
      allowsEmptyCollection
    >
      <Label className="field-label">{label}</Label>
      <Input className="input" dir="auto" placeholder={t('automations.pickCustomerHint')} />
      <Text slot="description" className="field-description" aria-live="polite">
        {searching && results.isFetching ? t('app.loading') : searching && results.data && items.length === 0 ? t('automations.noCustomerFound') : ''}
      </Text>
      <Popover className="popover" offset={4}>
        <ListBox className="listbox" renderEmptyState={() => <div className="listbox-item muted">{results.isFetching ? t('app.loading') : t('automations.noCustomerFound')}</div>}>
          {(c: Customer) => <ListBoxItem id={c.id} className="listbox-item" textValue={describe(c)}><bdi dir="auto">{describe(c)}</bdi></ListBoxItem>}
        </ListBox>
      </Popover>
    </ComboBox>
  );
}
