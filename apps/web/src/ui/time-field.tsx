// Time of day as hour and minute segments in the user's digits and 12/24-hour convention, so
// labels need no "(HH:MM)" hint. The value stays the API's "HH:MM" string.
import { Time } from '@internationalized/date';
import { DateInput, DateSegment, FieldError, Label, Text, TimeField as AriaTimeField } from 'react-aria-components';
import type { FieldProps } from './components.tsx';

function parse(value: string): Time | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(value.trim());
  return match ? new Time(Number(match[1]), Number(match[2])) : null;
}

const pad = (n: number) => String(n).padStart(2, '0');

export function TimeField({ label, description, errorMessage, value, onChange, ...rest }: FieldProps & { value: string; onChange: (value: string) => void }) {
  return (
    <AriaTimeField
      {...rest}
      className={`field ${rest.className ?? ''}`}
      value={parse(value)}
      onChange={(time) => onChange(time ? `${pad(time.hour)}:${pad(time.minute)}` : '')}
      hourCycle={24}
      isInvalid={Boolean(errorMessage)}
    >
      <Label className="field-label">{label}</Label>
      <DateInput className="input date-input time-input">{(segment) => <DateSegment className="date-segment" segment={segment} />}</DateInput>
      {description && <Text slot="description" className="field-description">{description}</Text>}
      <FieldError className="field-error">{errorMessage}</FieldError>
    </AriaTimeField>
  );
}
