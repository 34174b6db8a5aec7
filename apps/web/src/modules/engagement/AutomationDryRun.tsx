// "What would this rule do for this customer?" — evaluated by the server on the rule as edited;
// nothing is sent, tagged or written. The triggering event is a form, filled with a plausible
// event or the customer's latest real one.
import { useQuery } from '@tanstack/react-query';
import type { AutomationCondition } from '@vafa/contracts';
import { useState } from 'react';
import { usePrefs } from '../../app/prefs.tsx';
import type { MessageKey } from '../../i18n/index.ts';
import { useT } from '../../i18n/useT.ts';
import { ApiError, api, type Customer } from '../../lib/api.ts';
import { automationsApi, type AutomationInput, type DryRun, type EventSample } from './automations-api.ts';
import { formatInstant, localiseDigits } from '../../lib/format.ts';
import { Badge, Button, CheckIcon, CloseIcon, Switch, UserText } from '../../ui/index.ts';
import { AutomationCustomerPicker } from './AutomationCustomerPicker.tsx';
import { AutomationSampleEvent } from './AutomationSampleEvent.tsx';
import { useCatalogue } from './automation-context.ts';
import { buildRule, type RuleContext, type RuleDraft } from './automation-model.ts';
import { plausibleSample, sampleEvent, type SampleDraft } from './automation-sample.ts';
import { useAutomationText } from './automation-text.ts';
import type { ValueError } from './automation-values.ts';
import { TemplateMessagePreview } from './TemplateMessagePreview.tsx';

/** The rule as edited, with what it needs to be sent: built on demand when the run is pressed. */
export function AutomationDryRun({ draft, context }: { draft: RuleDraft; context: RuleContext }) {
  const [ranWith, setRanWith] = useState<AutomationInput | null>(null);
  const t = useT();
  const catalogue = useCatalogue();
  const [customer, setCustomer] = useState<Customer | null>(null);
  const [useSample, setUseSample] = useState(true);
  const topic = draft.trigger.type === 'event' ? draft.trigger.topic : null;
  const fields = catalogue.data?.topics.find((x) => x.topic === topic)?.fields ?? [];
  // The sample starts over, plausible, whenever the trigger's event changes (or its fields arrive).
  const [sample, setSample] = useState<{ topic: string | null; fieldCount: number; draft: SampleDraft }>({ topic: null, fieldCount: 0, draft: {} });
  if (sample.topic !== topic || sample.fieldCount !== fields.length) {
    setSample({ topic, fieldCount: fields.length, draft: topic ? plausibleSample(topic, fields, context) : {} });
  }
  const [sampleErrors, setSampleErrors] = useState<Record<string, ValueError>>({});
  const [result, setResult] = useState<DryRun | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const conditionFields = draft.conditions.flatMap((c) => (c.type === 'event' && c.field ? [c.field] : []));

  const handleRun = async () => {
    if (!customer) return;
    setError(null);
    let event: EventSample | undefined;
    if (topic && useSample) {
      const built = sampleEvent(topic, fields, sample.draft, context);
      if ('errors' in built) {
        setSampleErrors(built.errors);
        setResult(null);
        return;
      }
      event = built.event;
    }
    setSampleErrors({});
    const rule = buildRule(draft, context);
    if (Object.keys(rule.errors).length > 0) {
      setResult(null);
      setError(t('automations.fixValues'));
      return;
    }
    setPending(true);
    try {
      setResult(await automationsApi.dryRun(rule.input, customer.id, event));
      setRanWith(rule.input);
    } catch (err) {
      setResult(null);
      setError(err instanceof ApiError ? err.message : t('common.networkError'));
    } finally {
      setPending(false);
    }
  };

  return (
    <section className="card dry-run" aria-labelledby="dry-run-heading" data-testid="dry-run">
      <h2 id="dry-run-heading">{t('automations.dryRun')}</h2>
      <p className="muted">{t('automations.dryRunIntro')}</p>
      <AutomationCustomerPicker label={t('automations.customer')} value={customer} onChange={(c) => { setCustomer(c); setResult(null); }} />
      {topic && (
        <>
          <Switch isSelected={useSample} onChange={setUseSample}>{t('automations.withSample')}</Switch>
          {useSample && (
            <AutomationSampleEvent topic={topic} fields={fields} draft={sample.draft} onChange={(next) => { setSample({ ...sample, draft: next }); setSampleErrors({}); }}
              conditionFields={conditionFields} customer={customer} context={context} errors={sampleErrors} />
          )}
        </>
      )}
      <div><Button variant="primary" onPress={handleRun} isDisabled={!customer} isPending={pending}>{t('automations.runDry')}</Button></div>
      {error && <p className="form-error" role="alert">{error}</p>}
      <div aria-live="polite">{result && <DryRunOutcome result={result} rule={ranWith} />}</div>
    </section>
  );
}

/** The value the server found, from its `… (is "call")` wording (JSON), or undefined. */
function actualValue(reason: string): { value: unknown } | undefined {
  const found = /\(is (.*)\)$/.exec(reason)?.[1];
  if (found === undefined) return undefined;
  try {
    return { value: JSON.parse(found) as unknown };
  } catch {
    return { value: found };
  }
}

function ConditionLine({ reason, condition, topic, segmentName }: { reason: string; condition?: AutomationCondition; topic: string; segmentName: (id: string) => string | undefined }) {
  const t = useT();
  const text = useAutomationText();
  if (!condition) return <UserText>{reason}</UserText>;
  const actual = actualValue(reason);
  return (
    <>
      <UserText>{text.condition(condition, topic, condition.type === 'segment' ? segmentName(condition.segmentId) : undefined)}</UserText>
      {actual !== undefined && <> {t('automations.actualValue')} <UserText>{text.valueName(text.specFor(condition, topic), actual.value)}</UserText></>}
    </>
  );
}

function DryRunOutcome({ result, rule }: { result: DryRun; rule: AutomationInput | null }) {
  const t = useT();
  const segments = useQuery({ queryKey: ['segments'], queryFn: api.segments });
  const prefs = usePrefs();
  const text = useAutomationText();
  return (
    <div className="form" data-testid="dry-run-result">
      <p className={`outcome ${result.matched ? 'outcome-good' : 'outcome-bad'}`} data-testid="dry-run-outcome">
        {result.matched ? t('automations.wouldRun', { at: formatInstant(result.runsAt, prefs) }) : t('automations.wouldNotRun', { reason: text.reason(result.reason) || t('common.none') })}
      </p>
      <h3>{t('automations.conditions')}</h3>
      {result.conditions.length === 0 ? <p className="muted">{t('automations.noConditions')}</p> : (
        <ul className="check-list">
          {result.conditions.map((c) => (
            <li key={c.index}>
              <span className={c.passed ? 'check-pass' : 'check-fail'}>{c.passed ? <CheckIcon label={t('automations.passed')} /> : <CloseIcon label={t('automations.failed')} />}</span>
              <span>
                <strong>{localiseDigits(String(c.index + 1), prefs.digits)}.</strong>{' '}
                <ConditionLine reason={c.reason} condition={rule?.conditions?.[c.index]} topic={rule?.trigger.type === 'event' ? rule.trigger.topic : ''}
                  segmentName={(id) => segments.data?.items.find((s) => s.id === id)?.name} />
              </span>
            </li>
          ))}
        </ul>
      )}
      <h3>{t('automations.actions')}</h3>
      <ul className="check-list">
        {result.actions.map((a, i) => (
          <li key={i} data-testid={`dry-action-${i}`}>
            <span className={a.wouldRun ? 'check-pass' : 'check-fail'}>{a.wouldRun ? <CheckIcon label={t('automations.wouldRunAction')} /> : <CloseIcon label={t('automations.wouldSkipAction')} />}</span>
            <div className="form">
              <span>
                <strong>{t(`automations.action.${a.type}` as MessageKey)}</strong>
                {a.channel && <> · <Badge tone="info">{t('automations.channelChosen', { channel: t(`automations.channelName.${a.channel}` as MessageKey) })}</Badge></>}
                {a.recipient && <> · <bdi dir="ltr">{localiseDigits(a.recipient, prefs.digits)}</bdi></>}
              </span>
              {!a.wouldRun && a.reason && <span className="muted">{text.reason(a.reason)}</span>}
              {a.message && <TemplateMessagePreview message={a.message} show={a.channel === 'sms' ? ['sms'] : a.channel === 'email' ? ['email'] : ['email', 'sms']} />}
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
