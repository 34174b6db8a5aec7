// The "field" of a condition: one list with a heading per source (the event, the customer), so
// the user picks what the condition is about before how it compares.
import {
  Button as AriaButton, FieldError, Header, Label, ListBox, ListBoxItem, ListBoxSection, Popover, Select as AriaSelect, SelectValue, type Key,
} from 'react-aria-components';
import { useT } from '../../i18n/useT.ts';
import { ChevronDown } from '../../ui/index.ts';

export interface FieldGroup {
  id: string;
  title: string;
  options: { id: string; label: string }[];
}

export function FieldPicker({ label, groups, value, onChange, errorMessage, isDisabled }: {
  label: string; groups: FieldGroup[]; value: string | null; onChange: (id: string) => void; errorMessage?: string; isDisabled?: boolean;
}) {
  const t = useT();
  const shown = groups.filter((g) => g.options.length > 0);
  return (
    <AriaSelect
      className="field"
      selectedKey={value || null}
      onSelectionChange={(key: Key | null) => key !== null && onChange(String(key))}
      isDisabled={isDisabled}
      isInvalid={Boolean(errorMessage)}
      placeholder={t('common.selectPlaceholder')}
    >
      <Label className="field-label">{label}</Label>
      <AriaButton className="input select-button">
        <SelectValue className="select-value" />
        <ChevronDown />
      </AriaButton>
      <FieldError className="field-error">{errorMessage}</FieldError>
      <Popover className="popover" offset={4}>
        <ListBox className="listbox">
          {shown.map((group) => (
            <ListBoxSection key={group.id} id={group.id} className="listbox-section">
              <Header className="listbox-header">{group.title}</Header>
              {group.options.map((option) => (
                <ListBoxItem key={option.id} id={option.id} className="listbox-item" textValue={option.label}>{option.label}</ListBoxItem>
              ))}
            </ListBoxSection>
          ))}
        </ListBox>
      </Popover>
    </AriaSelect>
  );
}
