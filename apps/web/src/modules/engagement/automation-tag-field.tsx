// A tag for a condition or an action: typed freely, or picked from the tags the workspace already
// uses (on its rules and its most recent customers; the API has no list of all tags).
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button as AriaButton, ComboBox, FieldError, Input, Label, ListBox, ListBoxItem, Popover } from 'react-aria-components';
import { useT } from '../../i18n/useT.ts';
import { api } from '../../lib/api.ts';
import { ChevronDown } from '../../ui/index.ts';
import { automationsApi } from './automations-api.ts';

const RECENT_CUSTOMERS = 200;

function useKnownTags(enabled: boolean): string[] {
  const rules = useQuery({ queryKey: ['automations'], queryFn: automationsApi.automations, enabled });
  const customers = useQuery({ queryKey: ['customers', { purpose: 'tags' }], queryFn: () => api.customers({}, undefined, RECENT_CUSTOMERS), enabled, staleTime: 60_000 });
  const tags = new Set<string>();
  for (const rule of rules.data?.items ?? []) {
    for (const c of rule.conditions) if (c.type === 'tag') tags.add(c.tag);
    for (const a of rule.actions) if (a.type === 'add_tag' || a.type === 'remove_tag') tags.add(a.tag);
  }
  for (const customer of customers.data?.items ?? []) for (const tag of customer.tags) tags.add(tag);
  return [...tags].sort((a, b) => a.localeCompare(b));
}

export function TagField({ label, value, onChange, errorMessage, isReadOnly }: { label: string; value: string; onChange: (tag: string) => void; errorMessage?: string; isReadOnly?: boolean }) {
  const t = useT();
  // Suggestions are fetched once the field is used, not for every rule that merely shows one.
  const [used, setUsed] = useState(false);
  const known = useKnownTags(used && !isReadOnly);
  const typed = value.trim().toLocaleLowerCase();
  const items = known.filter((tag) => tag.toLocaleLowerCase().includes(typed) && tag !== value).map((tag) => ({ id: tag }));
  return (
    <ComboBox
      className="field"
      inputValue={value}
      onInputChange={onChange}
      onSelectionChange={(key) => key !== null && onChange(String(key))}
      onFocus={() => setUsed(true)}
      items={items}
      allowsCustomValue
      menuTrigger="focus"
      isReadOnly={isReadOnly}
      isInvalid={Boolean(errorMessage)}
    >
      <Label className="field-label">{label}</Label>
      <div className="combo-input">
        {/* Not dir="auto": empty, it would turn left to right and run its text under the toggle. */}
        <Input className="input" placeholder={isReadOnly ? undefined : t('automations.tagHint')} />
        {!isReadOnly && <AriaButton className="icon-button combo-button" aria-label={t('common.showOptions')}><ChevronDown /></AriaButton>}
      </div>
      <FieldError className="field-error">{errorMessage}</FieldError>
      <Popover className="popover" offset={4}>
        <ListBox className="listbox listbox-scroll">
          {(item: { id: string }) => <ListBoxItem id={item.id} className="listbox-item" textValue={item.id}><bdi dir="auto">{item.id}</bdi></ListBoxItem>}
        </ListBox>
      </Popover>
    </ComboBox>
  );
}
