import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { CheckboxGroup, Label } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { navigate } from '../../app/router.ts';
import { useSession } from '../../app/session.ts';
import type { MessageKey } from '../../i18n/index.ts';
import { useKnownKey, useT } from '../../i18n/useT.ts';
import { automationsApi, type Automation } from './automations-api.ts';
import { formatInstant, formatNumber } from '../../lib/format.ts';
import {
  Badge, BoltIcon, Button, Checkbox, DataTable, EmptyState, ErrorState, PlusIcon, Skeleton, Switch, UserText, useToast, type DataTableColumn,
} from '../../ui/index.ts';
import { canWriteAutomations, useAutomationText } from './automation-text.ts';
import './automations.css';

const INTERACTION_KINDS = ['call', 'visit', 'chat', 'message', 'social', 'note', 'order.placed', 'order.delivered', 'order.returned'] as const;

/** A built-in rule's name in the UI language (the stored name is the server's English one). */
export function useRuleName() {
  const t = useT();
  const known = useKnownKey();
  return (rule: Pick<Automation, 'name' | 'builtin'>) => {
    const key = `automations.builtin.${rule.builtin ?? ''}`;
    return rule.builtin && known(key) ? t(key) : rule.name;
  };
}

const BUILTIN_ORDER = ['after_interaction', 'negative_experience.survey', 'negative_experience.return', 'negative_experience.complaint'];
const builtinRank = (key: string | null) => {
  const rank = BUILTIN_ORDER.indexOf(key ?? '');
  return rank === -1 ? BUILTIN_ORDER.length : rank;
};

export default function AutomationsPage() {
  const t = useT();
  const session = useSession();
  const canWrite = canWriteAutomations(session);
  const rules = useQuery({ queryKey: ['automations'], queryFn: automationsApi.automations });
  // Built-ins in a fixed order (the one a workspace opts into first), whatever the server's order.
  const builtin = (rules.data?.items.filter((r) => r.builtin) ?? []).sort((a, b) => builtinRank(a.builtin) - builtinRank(b.builtin));
  const own = rules.data?.items.filter((r) => !r.builtin) ?? [];
  return (
    <div className="page">
      <header className="page-header">
        <h1>{t('automations.title')}</h1>
        <div className="page-actions">
          <Button variant="ghost" onPress={() => navigate('/engagement/templates')}>{t('templates.title')}</Button>
          {canWrite && <Button variant="primary" onPress={() => navigate('/engagement/automations/new')}><PlusIcon />{t('automations.new')}</Button>}
        </div>
      </header>
      {!canWrite && <p className="notice">{t('automations.readOnly')}</p>}
      {rules.isPending ? <Skeleton lines={6} /> : rules.isError ? <ErrorState detail={rules.error.message} onRetry={() => void rules.refetch()} /> : (
        <>
          <section className="card" aria-labelledby="own-rules">
            <h2 id="own-rules">{t('automations.yourRules')}</h2>
            {own.length === 0 ? (
              <EmptyState title={t('automations.emptyTitle')} icon={<BoltIcon size={28} />}
                action={canWrite ? <Button variant="primary" onPress={() => navigate('/engagement/automations/new')}>{t('automations.new')}</Button> : undefined}>
                {t('automations.emptyBody')}
              </EmptyState>
            ) : (
              <RuleTable rules={own} canWrite={canWrite} label={t('automations.yourRules')} />
            )}
          </section>
          {builtin.length > 0 && (
            <section className="card" aria-labelledby="builtin-rules">
              <h2 id="builtin-rules">{t('automations.builtinRules')}</h2>
              <p className="muted">{t('automations.builtinIntro')}</p>
              <RuleTable rules={builtin} canWrite={canWrite} label={t('automations.builtinRules')} />
            </section>
          )}
        </>
      )}
    </div>
  );
}

/** The columns of a list of rules: each cell that loads or saves is its own component. */
function useRuleColumns(canWrite: boolean): DataTableColumn<Automation>[] {
  const t = useT();
  const prefs = usePrefs();
  const ruleName = useRuleName();
  const list = new Intl.ListFormat(prefs.language);
  return [
    { id: 'name', header: t('automations.col.rule'), isPrimary: true, cell: (rule) => <UserText>{ruleName(rule)}</UserText> },
    { id: 'when', header: t('automations.col.when'), className: 'automation-when', wideInCard: true, cell: (rule) => <RuleTrigger rule={rule} canWrite={canWrite} /> },
    {
      id: 'does', header: t('automations.col.does'),
      cell: (rule) => t('automations.actionsSummary', { count: rule.actions.length, list: list.format(rule.actions.map((a) => t(`automations.action.${a.type}` as MessageKey))) }),
    },
    { id: 'runs', header: t('automations.col.runs'), cell: (rule) => <RuleRuns rule={rule} /> },
    { id: 'enabled', header: t('automations.col.onOff'), cell: (rule) => <RuleSwitch rule={rule} canWrite={canWrite} /> },
  ];
}

function RuleTable({ rules, canWrite, label }: { rules: Automation[]; canWrite: boolean; label: string }) {
  const columns = useRuleColumns(canWrite);
  return (
    <DataTable
      label={label}
      className="automation-table"
      columns={columns}
      rows={rules}
      rowKey={(rule) => rule.id}
      rowHref={(rule) => `/engagement/automations/${rule.id}`}
      rowProps={() => ({ 'data-testid': 'automation-item' })}
    />
  );
}

/** Saves a change to a rule from the list and keeps the cached list and editor in step. */
function useRulePatch(rule: Automation) {
  const t = useT();
  const toast = useToast();
  const client = useQueryClient();
  const [pending, setPending] = useState(false);
  const patch = async (body: Parameters<typeof automationsApi.updateAutomation>[1], message: string) => {
    setPending(true);
    try {
      const saved = await automationsApi.updateAutomation(rule.id, body);
      client.setQueryData<{ items: Automation[] }>(['automations'], (old) => old && { items: old.items.map((r) => (r.id === saved.id ? saved : r)) });
      client.setQueryData(['automation', saved.id], saved);
      toast(message);
    } catch (err) {
      toast(err instanceof Error ? err.message : t('common.errorTitle'), 'bad');
    } finally {
      setPending(false);
    }
  };
  return { patch, pending };
}

function RuleTrigger({ rule, canWrite }: { rule: Automation; canWrite: boolean }) {
  const t = useT();
  const text = useAutomationText();
  const { patch, pending } = useRulePatch(rule);
  const catalogue = useQuery({ queryKey: ['automation-catalogue'], queryFn: automationsApi.catalogue, staleTime: Infinity });
  const waitsForModule = rule.trigger.type === 'event' && catalogue.data?.topics.find((x) => x.topic === (rule.trigger as { topic: string }).topic)?.available === false;
  const kindCondition = rule.builtin === 'after_interaction'
    ? rule.conditions.find((c): c is Extract<typeof c, { type: 'event' }> => c.type === 'event' && c.field === 'kind' && c.op === 'in')
    : undefined;
  const kinds = kindCondition && Array.isArray(kindCondition.value) ? kindCondition.value.map(String) : [];
  const handleKinds = (next: string[]) => {
    if (next.length === 0) return;
    const conditions = rule.conditions.map((c) => (c === kindCondition ? { ...c, value: next } : c));
    void patch({ conditions }, t('automations.saved'));
  };
  return (
    <>
      {text.trigger(rule)} {waitsForModule && <Badge tone="info">{t('automations.waitsForModule')}</Badge>}
      {kindCondition && (
        <CheckboxGroup className="builtin-kinds" value={kinds} onChange={handleKinds} isDisabled={!canWrite || pending}>
          <Label className="field-label">{t('automations.kindsPicker')}</Label>
          {INTERACTION_KINDS.map((k) => <Checkbox key={k} value={k}>{t(`timeline.kind.${k}` as MessageKey)}</Checkbox>)}
        </CheckboxGroup>
      )}
    </>
  );
}

function RuleRuns({ rule }: { rule: Automation }) {
  const t = useT();
  const prefs = usePrefs();
  const runs = useQuery({ queryKey: ['automation-runs', rule.id, 'latest'], queryFn: () => automationsApi.runs(rule.id, undefined, 20) });
  if (runs.isPending) return null;
  const last = runs.data?.items[0];
  if (!last) return <span className="muted">{t('automations.neverRan')}</span>;
  const done = runs.data!.items.filter((r) => r.status === 'done').length;
  return (
    <span className="automation-meta">
      <span>{t('automations.recentRuns', { count: runs.data!.items.length, done, doneText: formatNumber(done, prefs) })}</span>
      <span>{t('automations.lastRun', { at: formatInstant(last.createdAt, prefs) })} <RunStatusBadge status={last.status} /></span>
    </span>
  );
}

function RuleSwitch({ rule, canWrite }: { rule: Automation; canWrite: boolean }) {
  const t = useT();
  const ruleName = useRuleName();
  const { patch, pending } = useRulePatch(rule);
  return (
    <Switch isSelected={rule.enabled} isDisabled={!canWrite || pending} onChange={(enabled) => void patch({ enabled }, enabled ? t('automations.enabledToast') : t('automations.disabledToast'))}>
      <span className="visually-hidden">{ruleName(rule)}: </span>{rule.enabled ? t('automations.enabled') : t('automations.disabled')}
    </Switch>
  );
}

export function RunStatusBadge({ status }: { status: string }) {
  const t = useT();
  const tone = status === 'done' ? 'good' : status === 'failed' ? 'bad' : status === 'waiting' ? 'info' : 'warn';
  return <Badge tone={tone}>{t(`automations.runStatus.${status}` as MessageKey)}</Badge>;
}
