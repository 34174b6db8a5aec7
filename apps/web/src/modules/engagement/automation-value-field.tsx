// The value part of a condition (and a field of a sample event), chosen by what the field holds:
// an amount in the workspace's unit, a number, a pick among named codes, a day in the reader's
// calendar, yes/no, or text.
import { GregorianCalendar, parseDate, toCalendar } from '@internationalized/date';
import {
  Button as AriaButton, FieldError, Input, Label, ListBox, ListBoxItem, Popover, Select as AriaSelect, SelectValue, Text, TextField as AriaTextField, type Key,
} from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import type { MessageKey } from '../../i18n/index.ts';
import { useT } from '../../i18n/useT.ts';
import { localiseDigits } from '../../lib/format.ts';
import { formatMajorForInput, moneyUnitName, parseMoney, regroupNumber } from '../../lib/money.ts';
import { DatePicker } from '../../ui/date-fields.tsx';
import { ChevronDown, Select, TextField } from '../../ui/index.ts';
import { choiceCodes, type FieldSpec } from './automation-fields.ts';
import type { ConditionOp } from './automation-model.ts';
import { useAutomationText } from './automation-text.ts';
import type { ValueError } from './automation-values.ts';

export interface ValueFieldProps {
  spec: FieldSpec;
  op: ConditionOp;
  value: string;
  values: string[];
  onChange: (next: { value: string; values: string[] }) => void;
  label: string;
  error?: ValueError;
  /** a server message for this value, shown when there is no error of the editor's own */
  serverError?: string;
  isReadOnly?: boolean;
}

export function useValueErrorText() {
  const t = useT();
  const prefs = usePrefs();
  return (error: ValueError | undefined, spec?: FieldSpec): string | undefined => {
    if (!error) return undefined;
    if (error === 'choose') return t('automations.fieldError.choose');
    if (error === 'too_many_decimals' && spec?.kind === 'money') {
      return t('automations.valueError.too_many_decimals', { unit: moneyUnitName(prefs.currency, prefs.irrDisplay, prefs.language) });
    }
    if (error === 'not_a_number') return t('automations.valueError.not_a_number', { example: regroupNumber(spec?.kind === 'money' ? '250000' : '12', prefs) });
    return t(`automations.valueError.${error}` as MessageKey);
  };
}

export function ConditionValueField({ spec, op, value, values, onChange, label, error, serverError, isReadOnly }: ValueFieldProps) {
  const t = useT();
  const prefs = usePrefs();
  const text = useAutomationText();
  const errorText = useValueErrorText();
  const errorMessage = errorText(error, spec) ?? serverError;
  const set = (next: string) => onChange({ value: next, values });

  if (spec.kind === 'money') return <AmountField label={label} value={value} onChange={set} errorMessage={errorMessage} isReadOnly={isReadOnly} />;
  if (spec.kind === 'number') return <NumberField label={label} value={value} onChange={set} errorMessage={errorMessage} isReadOnly={isReadOnly} />;
  if (spec.kind === 'boolean') {
    return (
      <Select label={label} value={value === 'true' || value === 'false' ? value : null} onChange={set} isDisabled={isReadOnly} errorMessage={errorMessage}
        options={[{ id: 'true', label: t('common.yes') }, { id: 'false', label: t('common.no') }]} />
    );
  }
  if (spec.kind === 'choice' || spec.kind === 'list') {
    const options = choiceCodes(spec, prefs.currency).map((id) => ({ id, label: text.choiceName(spec, id) }));
    // A value the list does not know (a rule made through the API) stays choosable rather than vanishing.
    for (const code of op === 'in' ? values : [value]) if (code && !options.some((o) => o.id === code)) options.push({ id: code, label: code });
    if (op === 'in') {
      return <MultiSelect label={label} options={options} values={values} onChange={(next) => onChange({ value, values: next })} errorMessage={errorMessage} isReadOnly={isReadOnly} />;
    }
    return <Select label={label} value={value || null} onChange={set} isDisabled={isReadOnly} errorMessage={errorMessage} options={options} />;
  }
  if (spec.kind === 'instant' || spec.kind === 'day') return <DayField label={label} value={value} onChange={set} errorMessage={errorMessage} isReadOnly={isReadOnly} />;
  return (
    <TextField label={label} value={value} onChange={set} isReadOnly={isReadOnly} errorMessage={errorMessage}
      description={op === 'in' ? t('automations.valueListHint') : undefined} />
  );
}

/**
 * An amount in major units, typed in any digits with any separators, shown in the reader's
 * digits and regrouped when the field is left; the unit (تومان, ريال سعودي) stands beside it.
 */
export function AmountField({ label, value, onChange, errorMessage, isReadOnly }: { label: string; value: string; onChange: (v: string) => void; errorMessage?: string; isReadOnly?: boolean }) {
  const prefs = usePrefs();
  const unit = moneyUnitName(prefs.currency, prefs.irrDisplay, prefs.language);
  const regroup = () => {
    const parsed = parseMoney(value, prefs.currency, prefs.irrDisplay);
    if ('minor' in parsed) onChange(formatMajorForInput(parsed.minor, prefs.currency, prefs.irrDisplay, prefs));
  };
  return (
    <AriaTextField className="field" value={localiseDigits(value, prefs.digits)} onChange={onChange} onBlur={regroup} isInvalid={Boolean(errorMessage)} isReadOnly={isReadOnly} inputMode="decimal">
      <Label className="field-label">{label}</Label>
      <div className="input-with-unit">
        <Input className="input" dir="auto" />
        <Text slot="description" className="input-unit">{unit}</Text>
      </div>
      <FieldError className="field-error">{errorMessage}</FieldError>
    </AriaTextField>
  );
}

function NumberField({ label, value, onChange, errorMessage, isReadOnly }: { label: string; value: string; onChange: (v: string) => void; errorMessage?: string; isReadOnly?: boolean }) {
  const prefs = usePrefs();
  return (
    <AriaTextField className="field" value={localiseDigits(value, prefs.digits)} onChange={onChange} isInvalid={Boolean(errorMessage)} isReadOnly={isReadOnly} inputMode="decimal">
      <Label className="field-label">{label}</Label>
      <Input className="input" dir="auto" />
      <FieldError className="field-error">{errorMessage}</FieldError>
    </AriaTextField>
  );
}

/** A day (ISO, Gregorian) picked and shown in the reader's calendar (the picker converts it). */
function DayField({ label, value, onChange, errorMessage, isReadOnly }: { label: string; value: string; onChange: (v: string) => void; errorMessage?: string; isReadOnly?: boolean }) {
  return (
    <DatePicker label={label} value={value ? parseDate(value) : null} isReadOnly={isReadOnly} errorMessage={errorMessage}
      onChange={(next) => onChange(next ? toCalendar(next, new GregorianCalendar()).toString() : '')} />
  );
}

/** "Is one of": several codes picked from one list, shown together in the closed field. */
function MultiSelect({ label, options, values, onChange, errorMessage, isReadOnly }: {
  label: string; options: { id: string; label: string }[]; values: string[]; onChange: (values: string[]) => void; errorMessage?: string; isReadOnly?: boolean;
}) {
  const t = useT();
  const { locale } = usePrefs();
  return (
    <AriaSelect
      className="field multi-select"
      selectionMode="multiple"
      value={values}
      onChange={(keys: Key[]) => onChange(keys.map(String))}
      isDisabled={isReadOnly}
      isInvalid={Boolean(errorMessage)}
      placeholder={t('automations.chooseSome')}
    >
      <Label className="field-label">{label}</Label>
      <AriaButton className="input select-button">
        {/* "Delivered or returned": any one of them will do. */}
        <SelectValue<{ id: string; label: string }> className="select-value">
          {({ selectedItems, isPlaceholder, defaultChildren }) => (isPlaceholder ? defaultChildren
            : new Intl.ListFormat(locale, { type: 'disjunction' }).format(selectedItems.flatMap((item) => (item ? [item.label] : []))))}
        </SelectValue>
        <ChevronDown />
      </AriaButton>
      <FieldError className="field-error">{errorMessage}</FieldError>
      <Popover className="popover" offset={4}>
        <ListBox className="listbox" items={options}>
          {(option) => <ListBoxItem className="listbox-item listbox-check" id={option.id} textValue={option.label}>{option.label}</ListBoxItem>}
        </ListBox>
      </Popover>
    </AriaSelect>
  );
}
