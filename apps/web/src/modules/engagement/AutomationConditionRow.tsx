// One condition as a sentence of three fields: what it is about (an event field, the customer's
// tags, segments or attributes) → how it compares, in words → a value picked or typed the way
// that field holds it.
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { Button, Select, TrashIcon } from '../../ui/index.ts';
import { offeredEventField, OPS_BY_KIND } from './automation-fields.ts';
import { FieldPicker, type FieldGroup } from './automation-field-picker.tsx';
import { conditionOn, specOf, subjectOf, withOp, type ConditionDraft, type ConditionOp, type RuleContext } from './automation-model.ts';
import { TagField } from './automation-tag-field.tsx';
import { useAutomationText } from './automation-text.ts';
import { ConditionValueField } from './automation-value-field.tsx';
import { typingError, type ValueError } from './automation-values.ts';

type PathError = (path: string) => string | undefined;

export function AutomationConditionRow({ condition: c, index, topic, topicFields, context, segments, attributes, onChange, onRemove, readOnly, pathError, valueError }: {
  condition: ConditionDraft;
  index: number;
  /** the event the rule reacts to; null for birthday and inactivity rules */
  topic: string | null;
  topicFields: { name: string; type: string }[];
  context: RuleContext;
  segments: { id: string; name: string }[];
  attributes: { key: string; label: Record<string, string> }[];
  onChange: (c: ConditionDraft) => void;
  onRemove?: () => void;
  readOnly: boolean;
  pathError: PathError;
  /** this condition's value error from the last save attempt */
  valueError?: ValueError;
}) {
  const t = useT();
  const prefs = usePrefs();
  const text = useAutomationText();
  const p = `conditions.${index}`;
  const subject = subjectOf(c);

  const eventOptions = topic ? topicFields.filter((f) => offeredEventField(topic, f.name, f.type)).map((f) => ({ id: `event:${f.name}`, label: text.eventFieldName(f.name) })) : [];
  const customerOptions = [
    { id: 'tag', label: t('automations.subject.tag') },
    { id: 'segment', label: t('automations.subject.segment') },
    ...attributes.map((a) => ({ id: `attribute:${a.key}`, label: a.label[prefs.language] ?? a.key })),
  ];
  // A condition the lists do not offer (an id field set through the API, a field of another event) stays shown.
  if (subject && ![...eventOptions, ...customerOptions].some((o) => o.id === subject)) {
    (c.type === 'event' ? eventOptions : customerOptions).push({ id: subject, label: c.type === 'event' ? text.eventFieldName(c.field) : c.type === 'attribute' ? c.key : subject });
  }
  const groups: FieldGroup[] = [
    { id: 'event', title: t('automations.fieldGroup.event'), options: eventOptions },
    { id: 'customer', title: t('automations.fieldGroup.customer'), options: customerOptions },
  ];
  const fieldError = pathError(p) ?? pathError(`${p}.field`) ?? pathError(`${p}.key`);

  return (
    <li className="rule-row condition-row" data-testid={`condition-${index}`}>
      <FieldPicker label={t('automations.eventField')} groups={groups} value={subject || null} isDisabled={readOnly} errorMessage={fieldError}
        onChange={(next) => next !== subject && onChange(conditionOn(next, topic ?? '', context))} />
      {subject && <Comparison condition={c} topic={topic ?? ''} context={context} onChange={onChange} readOnly={readOnly} />}
      {subject && <Value condition={c} topic={topic ?? ''} context={context} onChange={onChange} readOnly={readOnly} pathError={pathError} p={p} valueError={valueError} segments={segments} />}
      {onRemove && (
        <Button variant="ghost" className="row-remove" aria-label={t('automations.removeCondition', { n: index + 1 })} onPress={onRemove}><TrashIcon /></Button>
      )}
    </li>
  );
}

function Comparison({ condition: c, topic, context, onChange, readOnly }: { condition: ConditionDraft; topic: string; context: RuleContext; onChange: (c: ConditionDraft) => void; readOnly: boolean }) {
  const t = useT();
  const text = useAutomationText();
  const label = t('automations.op');
  if (c.type === 'segment' || c.type === 'tag') {
    const included = c.type === 'segment' ? c.member : c.present;
    return (
      <Select label={label} value={included ? 'include' : 'exclude'} isDisabled={readOnly}
        onChange={(v) => onChange(c.type === 'segment' ? { ...c, member: v === 'include' } : { ...c, present: v === 'include' })}
        options={[{ id: 'include', label: t('automations.opSet.include') }, { id: 'exclude', label: t('automations.opSet.exclude') }]} />
    );
  }
  const kind = specOf(c, topic, context)!.kind;
  const ops: ConditionOp[] = OPS_BY_KIND[kind].includes(c.op) ? OPS_BY_KIND[kind] : [...OPS_BY_KIND[kind], c.op];
  return (
    <Select label={label} value={c.op} isDisabled={readOnly} onChange={(op: ConditionOp) => onChange(withOp(c, op))}
      options={ops.map((id) => ({ id, label: text.opName(kind, id) }))} />
  );
}

function Value({ condition: c, topic, context, onChange, readOnly, pathError, p, valueError, segments }: {
  condition: ConditionDraft; topic: string; context: RuleContext; onChange: (c: ConditionDraft) => void; readOnly: boolean;
  pathError: PathError; p: string; valueError?: ValueError; segments: { id: string; name: string }[];
}) {
  const t = useT();
  const label = t('automations.value');
  if (c.type === 'segment') {
    return (
      <Select label={label} value={c.segmentId || null} isDisabled={readOnly} onChange={(segmentId) => onChange({ ...c, segmentId })}
        options={segments.map((s) => ({ id: s.id, label: s.name }))} errorMessage={pathError(`${p}.segmentId`)} placeholder={segments.length === 0 ? t('automations.noSegments') : undefined} />
    );
  }
  if (c.type === 'tag') return <TagField label={label} value={c.tag} onChange={(tag) => onChange({ ...c, tag })} isReadOnly={readOnly} errorMessage={pathError(`${p}.tag`)} />;
  const spec = specOf(c, topic, context)!;
  return (
    <ConditionValueField spec={spec} op={c.op} value={c.value} values={c.values} label={label} isReadOnly={readOnly}
      onChange={(next) => onChange({ ...c, ...next })}
      error={valueError ?? typingError(spec, c.op, c.value, context)} serverError={pathError(`${p}.value`)} />
  );
}
