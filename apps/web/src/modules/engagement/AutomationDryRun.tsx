// "What would this rule do for this customer?" — evaluated by the server on the rule as edited;
// nothing is sent, tagged or written.
import { useQuery } from '@tanstack/react-query';
import type { AutomationCondition } from '@vafa/contracts';
import { useState } from 'react';
import { usePrefs } from '../../app/prefs.tsx';
import type { MessageKey } from '../../i18n/index.ts';
import { useT } from '../../i18n/useT.ts';
import { ApiError, api, type Customer } from '../../lib/api.ts';
import { automationsApi, type AutomationInput, type DryRun, type EventSample } from './automations-api.ts';
import { formatInstant, localiseDigits } from '../../lib/format.ts';
import { Badge, Button, CheckIcon, CloseIcon, Switch, TextField, UserText } from '../../ui/index.ts';
import { AutomationCustomerPicker } from './AutomationCustomerPicker.tsx';
import { useAutomationText } from './automation-text.ts';
import { TemplateMessagePreview } from './TemplateMessagePreview.tsx';

/** A plausible payload for the topic, so a dry run of an order rule has an order to talk about. */
export function sampleEvent(topic: string): EventSample {
  if (topic.startsWith('order.')) {
    return { orderExternalId: 'A-1001', amountMinor: 12_500_000, currency: 'IRR', status: topic.slice('order.'.length), occurredAt: new Date().toISOString() };
  }
  if (topic === 'touchpoint.recorded') return { kind: 'call', channel: 'phone', stage: 'after-sale', occurredAt: new Date().toISOString() };
  if (topic === 'survey.responded') return { score: 3, scale: 'nps' };
  return {};
}

export function AutomationDryRun({ input, topic }: { input: () => AutomationInput; topic: string | null }) {
  const [ranWith, setRanWith] = useState<AutomationInput | null>(null);
  const t = useT();
  const [customer, setCustomer] = useState<Customer | null>(null);
  const [useSample, setUseSample] = useState(true);
  const [eventText, setEventText] = useState('');
  const [eventError, setEventError] = useState<string | undefined>();
  const [result, setResult] = useState<DryRun | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const sample = topic ? JSON.stringify(sampleEvent(topic), null, 2) : '';

  const handleRun = async () => {
    if (!customer) return;
    let event: EventSample | undefined;
    setEventError(undefined);
    if (topic && useSample) {
      try {
        const parsed: unknown = JSON.parse(eventText.trim() || sample);
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
        event = parsed as EventSample;
      } catch {
        setEventError(t('automations.sampleInvalid'));
        return;
      }
    }
    setPending(true);
    setError(null);
    try {
      const rule = input();
      setResult(await automationsApi.dryRun(rule, customer.id, event));
      setRanWith(rule);
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
            <TextField label={t('automations.sampleEvent')} multiline dir="ltr" value={eventText || sample} onChange={setEventText} errorMessage={eventError} description={t('automations.sampleHint')} />
          )}
        </>
      )}
      <div><Button variant="primary" onPress={handleRun} isDisabled={!customer} isPending={pending}>{t('automations.runDry')}</Button></div>
      {error && <p className="form-error" role="alert">{error}</p>}
      <div aria-live="polite">{result && <DryRunOutcome result={result} rule={ranWith} />}</div>
    </section>
  );
}

/** The value the server found, from its `… (is "call")` wording. */
const actualValue = (reason: string) => /\(is (.*)\)$/.exec(reason)?.[1];

function ConditionLine({ reason, condition, segmentName }: { reason: string; condition?: AutomationCondition; segmentName: (id: string) => string | undefined }) {
  const t = useT();
  const text = useAutomationText();
  if (!condition) return <UserText>{reason}</UserText>;
  const actual = actualValue(reason);
  return (
    <>
      <UserText>{text.condition(condition, condition.type === 'segment' ? segmentName(condition.segmentId) : undefined)}</UserText>
      {actual !== undefined && <> {t('automations.actualValue')} <bdi dir="ltr">{actual}</bdi></>}
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
                <strong>{localiseDigits(String(c.index + 1), prefs.digits)}. {t(`automations.condition.${c.type}` as MessageKey)}</strong>
                {' — '}<ConditionLine reason={c.reason} condition={rule?.conditions?.[c.index]} segmentName={(id) => segments.data?.items.find((s) => s.id === id)?.name} />
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
