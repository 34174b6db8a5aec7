// The rule editor: trigger → conditions → delay → actions. Server field errors land on the field
// they name (`actions.0.templateId`); a loop is shown on the trigger and above the save button.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { usePrefs } from '../../app/prefs.tsx';
import { navigate } from '../../app/router.ts';
import type { MessageKey } from '../../i18n/index.ts';
import { useKnownKey, useT } from '../../i18n/useT.ts';
import { ApiError, api } from '../../lib/api.ts';
import { automationsApi, type Automation } from './automations-api.ts';
import { localiseDigits, toLatinDigits } from '../../lib/format.ts';
import { AlertIcon, Button, ConfirmDialog, PlusIcon, Select, Switch, TextField, TrashIcon, UserText, useToast } from '../../ui/index.ts';
import {
  ACTION_TYPES, DELAY_UNITS, blankAction, blankCondition, buildRule,
  type ActionDraft, type ActionType, type ConditionDraft, type RuleDraft, type TriggerType,
} from './automation-model.ts';
import { TimeField } from '../../ui/time-field.tsx';
import { AutomationConditionRow } from './AutomationConditionRow.tsx';
import { useAttributeDefinitions, useCatalogue, useRuleContext } from './automation-context.ts';
import { offeredEventField } from './automation-fields.ts';
import { TagField } from './automation-tag-field.tsx';
import { useAutomationText } from './automation-text.ts';

const GENERIC_CODES = new Set(['too_small', 'too_big', 'invalid_format', 'invalid_type', 'invalid_value', 'unrecognized_keys', 'invalid_union']);

/** The message for one path of a failed save, in the UI language where this UI knows the code. */
export function usePathError(error: ApiError | null) {
  const t = useT();
  return (path: string): string | undefined => {
    const found = error?.fieldPaths[path];
    if (!found) return undefined;
    // The server words the loop with the chain of rule names, in the request's language.
    if (found.code === 'automation_loop') return found.message;
    // An id left unpicked fails the uuid check: say what to do rather than "wrong format".
    if (/(Id|key|field)$/.test(path) && (found.code === 'invalid_format' || found.code === 'invalid_type' || found.code === 'too_small')) return t('automations.fieldError.choose');
    if (GENERIC_CODES.has(found.code)) return t(`fieldError.${found.code}` as MessageKey);
    return KNOWN_FIELD_CODES.has(found.code) ? t(`automations.fieldError.${found.code}` as MessageKey) : found.message;
  };
}
const KNOWN_FIELD_CODES = new Set([
  'unknown_topic', 'unknown_event_field', 'invalid_condition', 'event_condition_without_event', 'unknown_template', 'unknown_segment',
  'unknown_attribute', 'unknown_webhook_endpoint', 'unknown_assignee', 'unknown_survey',
]);

/** Numbers typed in any digits, shown in the user's digits. */
function NumberField({ label, value, onChange, errorMessage, isReadOnly, className }: { label: string; value: string; onChange: (v: string) => void; errorMessage?: string; isReadOnly?: boolean; className?: string }) {
  const prefs = usePrefs();
  return <TextField label={label} className={className} value={localiseDigits(value, prefs.digits)} onChange={(v) => onChange(toLatinDigits(v))} inputMode="numeric" errorMessage={errorMessage} isReadOnly={isReadOnly} />;
}

export function AutomationEditor({ rule, draft, onDraftChange, canWrite, onSaved }: {
  rule?: Automation;
  draft: RuleDraft;
  onDraftChange: (draft: RuleDraft) => void;
  canWrite: boolean;
  onSaved: (rule: Automation) => void;
}) {
  const t = useT();
  const known = useKnownKey();
  const text = useAutomationText();
  const toast = useToast();
  const client = useQueryClient();
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);
  const [deleting, setDeleting] = useState(false);
  // After a save refused for values the editor itself can tell are wrong, they stay marked until fixed.
  const [showValueErrors, setShowValueErrors] = useState(false);
  const pathError = usePathError(error);
  const readOnly = !canWrite;

  const catalogue = useCatalogue();
  const templates = useQuery({ queryKey: ['templates'], queryFn: automationsApi.templates });
  const segments = useQuery({ queryKey: ['segments'], queryFn: api.segments });
  const members = useQuery({ queryKey: ['members'], queryFn: api.members });
  const attributes = useAttributeDefinitions();
  // Endpoints are managed by admins; others may not list them and pick none.
  const endpoints = useQuery({ queryKey: ['webhook-endpoints'], queryFn: automationsApi.webhookEndpoints, retry: false });
  const surveys = useQuery({ queryKey: ['surveys', 'live-for-automations'], queryFn: automationsApi.liveSurveys, enabled: draft.actions.some((a) => a.type === 'send_survey') });

  const topic = draft.trigger.type === 'event' ? catalogue.data?.topics.find((x) => x.topic === draft.trigger.topic) : undefined;
  const context = useRuleContext(draft.trigger.type === 'event' ? draft.trigger.topic : null);
  const valueErrors = showValueErrors ? buildRule(draft, context).errors : {};
  const set = (patch: Partial<RuleDraft>) => onDraftChange({ ...draft, ...patch });
  const setCondition = (i: number, next: ConditionDraft) => set({ conditions: draft.conditions.map((c, j) => (j === i ? next : c)) });
  const setAction = (i: number, next: ActionDraft) => set({ actions: draft.actions.map((a, j) => (j === i ? next : a)) });

  const handleSave = async () => {
    const built = buildRule(draft, context);
    if (Object.keys(built.errors).length > 0) {
      setShowValueErrors(true);
      return;
    }
    setShowValueErrors(false);
    setPending(true);
    setError(null);
    try {
      const { input } = built;
      const saved = rule ? await automationsApi.updateAutomation(rule.id, input) : await automationsApi.createAutomation(input);
      client.setQueryData(['automation', saved.id], saved);
      await client.invalidateQueries({ queryKey: ['automations'] });
      toast(t('automations.saved'));
      onSaved(saved);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, { detail: t('common.networkError') }));
    } finally {
      setPending(false);
    }
  };
  const handleDelete = async () => {
    if (!rule) return;
    try {
      await automationsApi.deleteAutomation(rule.id);
      await client.invalidateQueries({ queryKey: ['automations'] });
      toast(t('automations.deleted'));
      navigate('/engagement/automations');
    } catch (err) {
      toast(err instanceof Error ? err.message : t('common.errorTitle'), 'bad');
    }
  };

  const triggerTypes: TriggerType[] = ['event', 'date', 'inactivity'];
  const loop = error?.code === 'automation_loop';

  return (
    <div className="automation-editor">
      <section className="card rule-step" aria-labelledby="rule-basics">
        <h2 id="rule-basics">{t('automations.basics')}</h2>
        <div className="form-grid">
          {/* A built-in rule is always shown by its name in the reader's language (the stored one is English). */}
          {rule?.builtin && known(`automations.builtin.${rule.builtin}`)
            ? <TextField label={t('automations.name')} value={t(`automations.builtin.${rule.builtin}` as MessageKey)} onChange={() => undefined} isReadOnly />
            : <TextField label={t('automations.name')} value={draft.name} onChange={(name) => set({ name })} isRequired isReadOnly={readOnly} errorMessage={pathError('name')} />}
          <div className="field">
            <span className="field-label" aria-hidden="true">{t('automations.status')}</span>
            <Switch isSelected={draft.enabled} onChange={(enabled) => set({ enabled })} isDisabled={readOnly}>{draft.enabled ? t('automations.enabled') : t('automations.disabled')}</Switch>
          </div>
        </div>
      </section>

      <Step n={1} id="rule-trigger" title={t('automations.trigger')}>
        <div className="rule-row">
          <Select label={t('automations.triggerType')} value={draft.trigger.type} isDisabled={readOnly} onChange={(type) => set({ trigger: { ...draft.trigger, type } })}
            options={triggerTypes.map((id) => ({ id, label: t(`automations.triggerType.${id}` as MessageKey) }))} errorMessage={draft.trigger.type !== 'event' ? pathError('trigger') : undefined} />
          {draft.trigger.type === 'event' && (
            <Select label={t('automations.topic')} value={draft.trigger.topic || null} isDisabled={readOnly} onChange={(topicName) => set({ trigger: { ...draft.trigger, topic: topicName } })}
              options={(catalogue.data?.topics ?? []).map((x) => ({ id: x.topic, label: x.available ? text.topic(x.topic) : t('automations.topicLater', { topic: text.topic(x.topic) }) }))}
              errorMessage={pathError('trigger.topic') ?? pathError('trigger')} />
          )}
          {draft.trigger.type === 'date' && (
            <TimeField label={t('automations.birthdayAt')} description={t('automations.birthdayAtHint')} value={draft.trigger.at}
              onChange={(at) => set({ trigger: { ...draft.trigger, at } })} isReadOnly={readOnly} errorMessage={pathError('trigger.at')} />
          )}
          {draft.trigger.type === 'inactivity' && (
            <NumberField label={t('automations.inactiveDays')} value={draft.trigger.days} onChange={(days) => set({ trigger: { ...draft.trigger, days } })} isReadOnly={readOnly} errorMessage={pathError('trigger.days')} />
          )}
        </div>
        {topic && (
          <p className="topic-fields">
            <span className="muted">{t('automations.topicFields')}</span>
            {topic.fields.filter((f) => offeredEventField(topic.topic, f.name, f.type)).map((f) => <span key={f.name} className="badge">{text.eventFieldName(f.name)}</span>)}
          </p>
        )}
      </Step>

      <Step n={2} id="rule-conditions" title={t('automations.conditions')}>
        {draft.conditions.length === 0 && <p className="muted">{t('automations.noConditions')}</p>}
        <ol className="rule-list">
          {draft.conditions.map((c, i) => (
            <AutomationConditionRow key={i} condition={c} index={i} topic={topic?.topic ?? null} topicFields={topic?.fields ?? []} context={context}
              segments={segments.data?.items ?? []} attributes={attributes.data?.items ?? []} readOnly={readOnly} pathError={pathError}
              valueError={valueErrors[`conditions.${i}.value`]} onChange={(next) => setCondition(i, next)}
              onRemove={readOnly ? undefined : () => set({ conditions: draft.conditions.filter((_, j) => j !== i) })} />
          ))}
        </ol>
        {!readOnly && <div><Button onPress={() => set({ conditions: [...draft.conditions, blankCondition()] })}><PlusIcon />{t('automations.addCondition')}</Button></div>}
      </Step>

      <Step n={3} id="rule-delay" title={t('automations.delay')}>
        <div className="rule-row">
          <Select label={t('automations.delayUnit')} value={draft.delay.unit} isDisabled={readOnly} onChange={(unit) => set({ delay: { ...draft.delay, unit } })}
            options={DELAY_UNITS.map((id) => ({ id, label: t(`automations.delayUnit.${id}` as MessageKey) }))} errorMessage={pathError('delay')} />
          {draft.delay.unit !== 'none' && (
            <NumberField label={t('automations.delayAmount')} value={draft.delay.amount} onChange={(amount) => set({ delay: { ...draft.delay, amount } })} isReadOnly={readOnly}
              errorMessage={pathError(`delay.${draft.delay.unit}`)} />
          )}
        </div>
      </Step>

      <Step n={4} id="rule-actions" title={t('automations.actions')}>
        <ol className="rule-list">
          {draft.actions.map((a, i) => (
            <li key={i} className="rule-row" data-testid={`action-${i}`}>
              <Select label={t('automations.actionType')} value={a.type} isDisabled={readOnly} onChange={(type: ActionType) => setAction(i, blankAction(type))}
                options={ACTION_TYPES.map((id) => ({ id, label: t(`automations.action.${id}` as MessageKey) }))} errorMessage={pathError(`actions.${i}`)} />
              <ActionFields action={a} index={i} onChange={(next) => setAction(i, next)} readOnly={readOnly} pathError={pathError}
                templates={templates.data?.items ?? []} members={members.data?.items ?? []} endpoints={endpoints.data?.items ?? []} surveys={surveys.data?.items ?? []} />
              {!readOnly && draft.actions.length > 1 && <Button variant="ghost" className="row-remove" aria-label={t('automations.removeAction', { n: i + 1 })} onPress={() => set({ actions: draft.actions.filter((_, j) => j !== i) })}><TrashIcon /></Button>}
            </li>
          ))}
        </ol>
        {pathError('actions') && <p className="field-error">{pathError('actions')}</p>}
        {!readOnly && <div><Button onPress={() => set({ actions: [...draft.actions, blankAction('add_tag')] })}><PlusIcon />{t('automations.addAction')}</Button></div>}
      </Step>

      {Object.keys(valueErrors).length > 0 && <p className="form-error" role="alert" data-testid="rule-value-error">{t('automations.fixValues')}</p>}
      {error && (
        <div className="form-error problem-banner" role="alert" data-testid="rule-error">
          <AlertIcon />
          <div>
            <p>{loop ? t('automations.loopTitle') : error.message}</p>
            {loop && <p><UserText>{error.fieldPaths.trigger?.message ?? error.message}</UserText></p>}
          </div>
        </div>
      )}
      {canWrite && (
        <div className="form-actions">
          <Button variant="primary" onPress={handleSave} isPending={pending}>{t('automations.save')}</Button>
          {rule && !rule.builtin && <Button variant="danger" onPress={() => setDeleting(true)}><TrashIcon />{t('common.delete')}</Button>}
        </div>
      )}
      <ConfirmDialog title={t('automations.deleteTitle')} body={t('automations.deleteBody')} confirmLabel={t('common.delete')} isOpen={deleting} onOpenChange={setDeleting} onConfirm={() => void handleDelete()} danger />
    </div>
  );
}

function Step({ n, id, title, children }: { n: number; id: string; title: string; children: ReactNode }) {
  const prefs = usePrefs();
  return (
    <section className="card rule-step" aria-labelledby={id}>
      <h2 id={id}><span className="step-number" aria-hidden="true">{localiseDigits(String(n), prefs.digits)}</span>{title}</h2>
      {children}
    </section>
  );
}

type PathError = (path: string) => string | undefined;

function ActionFields({ action: a, index, onChange, readOnly, pathError, templates, members, endpoints, surveys }: {
  action: ActionDraft; index: number; onChange: (a: ActionDraft) => void; readOnly: boolean; pathError: PathError;
  templates: { id: string; name: string }[]; members: { accountId: string; displayName: string; role: string; disabled: boolean }[]; endpoints: { id: string; name: string }[];
  surveys: { id: string; name: string }[];
}) {
  const t = useT();
  const p = `actions.${index}`;
  if (a.type === 'send_message') {
    return (
      <>
        <Select label={t('automations.template')} value={a.templateId || null} isDisabled={readOnly} onChange={(templateId) => onChange({ ...a, templateId })}
          options={templates.map((x) => ({ id: x.id, label: x.name }))} errorMessage={pathError(`${p}.templateId`)} placeholder={templates.length === 0 ? t('automations.noTemplates') : undefined} />
        <Select label={t('automations.channel')} value={a.channel} isDisabled={readOnly} onChange={(channel) => onChange({ ...a, channel })}
          options={(['preferred', 'email', 'sms'] as const).map((id) => ({ id, label: t(`automations.channel.${id}` as MessageKey) }))} />
      </>
    );
  }
  if (a.type === 'create_followup') {
    return (
      <>
        <NumberField label={t('automations.dueIn')} value={a.dueInBusinessHours} onChange={(dueInBusinessHours) => onChange({ ...a, dueInBusinessHours })} isReadOnly={readOnly} errorMessage={pathError(`${p}.dueInBusinessHours`)} />
        <Select label={t('automations.priority')} value={a.priority} isDisabled={readOnly} onChange={(priority) => onChange({ ...a, priority })}
          options={[{ id: 'normal', label: t('automations.priority.normal') }, { id: 'urgent', label: t('automations.priority.urgent') }]} />
        <Select label={t('automations.assignee')} value={a.assigneeId || 'auto'} isDisabled={readOnly} onChange={(v) => onChange({ ...a, assigneeId: v === 'auto' ? '' : v })}
          options={[{ id: 'auto', label: t('automations.assigneeAuto') }, ...members.filter((m) => !m.disabled).map((m) => ({ id: m.accountId, label: m.displayName }))]} errorMessage={pathError(`${p}.assigneeId`)} />
      </>
    );
  }
  if (a.type === 'send_survey') {
    return (
      <>
        <Select label={t('automations.survey')} value={a.surveyId || null} isDisabled={readOnly} onChange={(surveyId) => onChange({ ...a, surveyId })}
          options={surveys.map((x) => ({ id: x.id, label: x.name }))} errorMessage={pathError(`${p}.surveyId`)} placeholder={surveys.length === 0 ? t('automations.noSurveys') : undefined} />
        <Select label={t('automations.channel')} value={a.channel} isDisabled={readOnly} onChange={(channel) => onChange({ ...a, channel })}
          options={(['preferred', 'email', 'sms'] as const).map((id) => ({ id, label: t(`automations.channel.${id}` as MessageKey) }))} />
      </>
    );
  }
  if (a.type === 'call_webhook') {
    return (
      <Select label={t('automations.endpoint')} value={a.endpointId || null} isDisabled={readOnly} onChange={(endpointId) => onChange({ ...a, endpointId })}
        options={endpoints.map((x) => ({ id: x.id, label: x.name }))} errorMessage={pathError(`${p}.endpointId`)} placeholder={endpoints.length === 0 ? t('automations.noEndpoints') : undefined} />
    );
  }
  return <TagField label={t('automations.tag')} value={a.tag} onChange={(tag) => onChange({ ...a, tag })} isReadOnly={readOnly} errorMessage={pathError(`${p}.tag`)} />;
}
