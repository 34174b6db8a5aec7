// The sample event of a dry run, as a form of the trigger's fields with the same widgets as the
// conditions; the fields the conditions look at come first, the rest fold away.
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { api, type Customer } from '../../lib/api.ts';
import { formatDay } from '../../lib/format.ts';
import { Button } from '../../ui/index.ts';
import { eventFieldSpec } from './automation-fields.ts';
import { payloadDay, plausibleSample, realPayload, realSampleSource, sampleDraftOf, sampleFields, type SampleDraft } from './automation-sample.ts';
import { useAutomationText } from './automation-text.ts';
import { ConditionValueField } from './automation-value-field.tsx';
import { typingError, type ValueContext, type ValueError } from './automation-values.ts';

export function AutomationSampleEvent({ topic, fields, draft, onChange, conditionFields, customer, context, errors }: {
  topic: string;
  fields: { name: string; type: string }[];
  draft: SampleDraft;
  onChange: (draft: SampleDraft) => void;
  /** event fields the rule's conditions name: shown first */
  conditionFields: string[];
  customer: Customer | null;
  context: ValueContext;
  errors: Record<string, ValueError>;
}) {
  const t = useT();
  const prefs = usePrefs();
  const text = useAutomationText();
  const client = useQueryClient();
  const [note, setNote] = useState<string | null>(null);
  const [filling, setFilling] = useState(false);
  const shown = sampleFields(topic, fields);
  // Which fields come first does not change as they are cleared or filled: those of the plausible sample and the conditions.
  const plausible = plausibleSample(topic, fields, context);
  const primary = shown.filter((f) => conditionFields.includes(f.name) || plausible[f.name]?.value || plausible[f.name]?.values.length);
  const more = shown.filter((f) => !primary.includes(f));
  const source = realSampleSource(topic);

  const handleFill = async () => {
    if (!customer) return;
    setFilling(true);
    try {
      const timeline = await client.fetchQuery({ queryKey: ['timeline', customer.id, 'sample'], queryFn: () => api.timeline(customer.id), staleTime: 10_000 });
      const payload = realPayload(topic, timeline.items);
      if (!payload) {
        setNote(t(source === 'order' ? 'automations.noRecentOrder' : 'automations.noRecentTouchpoint'));
        return;
      }
      onChange(sampleDraftOf(topic, fields, payload, context));
      const day = payloadDay(payload, context);
      setNote(day ? t('automations.filledFrom', { date: formatDay(day, prefs) }) : null);
    } catch {
      setNote(t('common.networkError'));
    } finally {
      setFilling(false);
    }
  };

  const field = (f: { name: string; type: string }) => {
    const spec = eventFieldSpec(topic, f.name, f.type);
    const entry = draft[f.name] ?? { value: '', values: [] };
    return (
      <ConditionValueField key={f.name} spec={spec} op={spec.kind === 'list' ? 'in' : 'eq'} value={entry.value} values={entry.values} label={text.eventFieldName(f.name)}
        error={errors[f.name] ?? typingError(spec, 'eq', entry.value, context)} onChange={(next) => { onChange({ ...draft, [f.name]: next }); setNote(null); }} />
    );
  };

  return (
    <fieldset className="sample-event" data-testid="sample-event">
      <legend>{t('automations.sampleEvent')}</legend>
      <p className="muted">{t('automations.sampleHint')}</p>
      {source && customer && (
        <div className="sample-fill">
          <Button onPress={handleFill} isPending={filling}>{t(source === 'order' ? 'automations.fillFromOrder' : 'automations.fillFromTouchpoint')}</Button>
          {note && <span className="muted" role="status">{note}</span>}
        </div>
      )}
      <div className="sample-fields">{primary.map(field)}</div>
      {more.length > 0 && (
        <details className="sample-more">
          <summary>{t('automations.sampleMore')}</summary>
          <div className="sample-fields">{more.map(field)}</div>
        </details>
      )}
    </fieldset>
  );
}
