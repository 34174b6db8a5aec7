// The preventive-action form (create and edit: owner from the complaint team members, due day in the
// reader's calendar, what it answers) and the recurring-problem alerts list.
import { GregorianCalendar, parseDate, toCalendar, type CalendarDate } from '@internationalized/date';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Form } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { api, request } from '../../lib/api.ts';
import { formatInstant, formatNumber } from '../../lib/format.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { Badge, Button, Checkbox, Dialog, EmptyState, ErrorState, Select, Skeleton, TextField, UserText, useToast } from '../../ui/index.ts';
import { DatePicker } from '../../ui/date-fields.tsx';
import type { ComplaintPage } from '@vafa/contracts';
import { insightsApi, insightsKeys, PREVENTIVE_STATUSES, type Alert, type PreventiveAction, type PreventiveInput, type PreventiveStatus } from './complaint-insights-api.ts';
import { settingsApi, settingsKeys } from './complaint-settings-api.ts';
import { UnplacedError, usePathError } from './settings-parts.tsx';

const GREGORIAN = new GregorianCalendar();
const NONE = 'none';

/** The root causes in the reader's language (archived ones only when an action already names them). */
export function useCauseLabels() {
  const prefs = usePrefs();
  const causes = useQuery({ queryKey: settingsKeys.causes, queryFn: settingsApi.causes, staleTime: 300_000 });
  const items = causes.data?.items ?? [];
  return {
    items,
    labelOf: (code: string | null) => (code ? items.find((c) => c.code === code)?.labels[prefs.language] ?? code : null),
  };
}

/** A preventive action's owner: members who work complaints. */
export function useOwners() {
  const members = useQuery({ queryKey: ['members'], queryFn: api.members, staleTime: 60_000 });
  const list = members.data?.items ?? [];
  return {
    owners: list.filter((m) => !m.disabled && m.role !== 'analyst'),
    nameOf: (id: string) => list.find((m) => m.accountId === id)?.displayName ?? '…',
  };
}

export interface ActionSeed { category?: string; product?: string | null; alertId?: string; title?: string }

export function ActionDialog({ action, seed, onClose }: { action: PreventiveAction | null; seed?: ActionSeed; onClose: () => void }) {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const client = useQueryClient();
  const { owners } = useOwners();
  const causes = useCauseLabels();
  const recent = useQuery({ queryKey: ['complaints', 'prevention', 'recent-cases'], queryFn: () => request<ComplaintPage>('GET', '/api/complaints', undefined, { state: 'all', limit: 50 }) });
  const { error, pending, run } = useSubmit();
  const errorFor = usePathError(error);
  const [title, setTitle] = useState(action?.title ?? seed?.title ?? '');
  const [description, setDescription] = useState(action?.description ?? '');
  const [ownerId, setOwnerId] = useState<string | null>(action?.ownerId ?? null);
  const [due, setDue] = useState<CalendarDate | null>(() => (action ? parseDate(action.dueDate) : null));
  const [status, setStatus] = useState<PreventiveStatus>(action?.status ?? 'open');
  const [rootCause, setRootCause] = useState<string>(action?.rootCause ?? NONE);
  const [category, setCategory] = useState(action?.category ?? seed?.category ?? '');
  const [product, setProduct] = useState(action?.product ?? seed?.product ?? '');
  const [caseIds, setCaseIds] = useState<string[]>(action?.caseIds ?? []);
  const [local, setLocal] = useState<Record<string, string>>({});
  const causeOptions = causes.items.filter((c) => !c.archived || c.code === action?.rootCause)
    .map((c) => ({ id: c.code, label: c.parentCode ? `${causes.labelOf(c.parentCode)} › ${c.labels[prefs.language]}` : c.labels[prefs.language] }));

  const handleSubmit = async () => {
    const problems: Record<string, string> = {};
    if (!ownerId) problems.ownerId = t('complaints.prevention.ownerRequired');
    if (!due) problems.dueDate = t('complaints.prevention.dueRequired');
    if (rootCause === NONE && !category.trim() && !product.trim() && caseIds.length === 0 && !seed?.alertId) problems.rootCause = t('complaints.prevention.linkRequired');
    setLocal(problems);
    if (Object.keys(problems).length > 0) return;
    const dueDate = toCalendar(due!, GREGORIAN).toString();
    const ok = await run(async () => {
      if (action) {
        await insightsApi.updateAction(action.id, {
          title: title.trim(), description: description.trim() || null, ownerId: ownerId!, dueDate, status,
          rootCause: rootCause === NONE ? null : rootCause, category: category.trim() || null, product: product.trim() || null, caseIds,
        });
      } else {
        const body: PreventiveInput = {
          title: title.trim(), ownerId: ownerId!, dueDate,
          ...(description.trim() ? { description: description.trim() } : {}),
          ...(rootCause !== NONE ? { rootCause } : {}),
          ...(category.trim() ? { category: category.trim() } : {}),
          ...(product.trim() ? { product: product.trim() } : {}),
          ...(caseIds.length ? { caseIds } : {}),
          ...(seed?.alertId ? { alertId: seed.alertId } : {}),
        };
        await insightsApi.createAction(body);
      }
      await client.invalidateQueries({ queryKey: insightsKeys.actions });
      await client.invalidateQueries({ queryKey: insightsKeys.alerts });
    });
    if (ok) {
      toast(t('complaints.prevention.saved'));
      onClose();
    }
  };
  const err = (path: string) => local[path] ?? errorFor(path);
  return (
    <Dialog title={action ? t('complaints.prevention.editTitle') : t('complaints.prevention.addTitle')} isOpen onOpenChange={(open) => !open && onClose()} size="large">
      <Form className="form" onSubmit={(e) => { e.preventDefault(); void handleSubmit(); }} validationBehavior="aria">
        <TextField label={t('complaints.prevention.titleField')} value={title} onChange={setTitle} isRequired errorMessage={err('title')} />
        <TextField label={t('complaints.prevention.description')} value={description} onChange={setDescription} multiline errorMessage={err('description')} />
        <div className="form-grid">
          <Select label={t('complaints.prevention.owner')} value={ownerId} onChange={setOwnerId} isRequired errorMessage={err('ownerId')}
            options={owners.map((m) => ({ id: m.accountId, label: m.displayName }))} />
          <DatePicker label={t('complaints.prevention.due')} value={due} onChange={setDue} isRequired errorMessage={err('dueDate')} />
          {action && (
            <Select label={t('complaints.prevention.status')} value={status} onChange={setStatus}
              options={PREVENTIVE_STATUSES.map((s) => ({ id: s, label: t(`complaints.prevention.statusName.${s}`) }))} />
          )}
        </div>
        <fieldset className="fieldset">
          <legend>{t('complaints.prevention.answers')}</legend>
          <p className="field-description">{t('complaints.prevention.answersHint')}</p>
          <div className="form-grid">
            <Select label={t('complaints.prevention.rootCause')} value={rootCause} onChange={setRootCause} errorMessage={err('rootCause')}
              options={[{ id: NONE, label: t('complaints.prevention.noCause') }, ...causeOptions]} />
            <TextField label={t('complaints.prevention.category')} value={category} onChange={setCategory} errorMessage={err('category')} />
            <TextField label={t('complaints.prevention.product')} value={product} onChange={setProduct} errorMessage={err('product')} />
          </div>
          <details className="case-picker">
            <summary>{t('complaints.prevention.cases', { count: formatNumber(caseIds.length, prefs) })}</summary>
            {recent.isPending ? <Skeleton lines={3} /> : (
              <div className="case-picker-list" role="group" aria-label={t('complaints.prevention.casesLabel')}>
                {(recent.data?.items ?? []).map((c) => (
                  <Checkbox key={c.id} isSelected={caseIds.includes(c.id)} onChange={(on) => setCaseIds((list) => (on ? [...list, c.id] : list.filter((x) => x !== c.id)))}>
                    <bdi dir="ltr" translate="no">{c.trackingCode}</bdi>{c.category && <> · <UserText>{c.category}</UserText></>}
                  </Checkbox>
                ))}
              </div>
            )}
          </details>
        </fieldset>
        <UnplacedError error={error} placed={(p) => /^(title|description|ownerId|dueDate|rootCause|category|product)/.test(p)} />
        <div className="form-actions">
          <Button type="submit" variant="primary" isPending={pending}>{t('common.save')}</Button>
          <Button onPress={onClose}>{t('common.cancel')}</Button>
        </div>
      </Form>
    </Dialog>
  );
}

export function AlertsPanel({ canManage, onPlan }: { canManage: boolean; onPlan: (seed: ActionSeed) => void }) {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const client = useQueryClient();
  const [status, setStatus] = useState<Alert['status'] | 'all'>('open');
  const alerts = useQuery({ queryKey: [...insightsKeys.alerts, status], queryFn: () => insightsApi.alerts(status === 'all' ? undefined : status) });
  const decide = useSubmit();
  const handleDecide = async (alert: Alert, next: Alert['status']) => {
    const ok = await decide.run(async () => {
      await insightsApi.updateAlert(alert.id, { status: next });
      await client.invalidateQueries({ queryKey: insightsKeys.alerts });
    });
    toast(ok ? t(`complaints.prevention.alert.decided.${next}`) : decide.error?.message ?? t('common.errorTitle'), ok ? 'good' : 'bad');
  };
  const items = alerts.data?.items ?? [];
  return (
    <section className="card settings-card alerts-panel" aria-labelledby="alerts-title">
      <div className="card-head">
        <h2 id="alerts-title">{t('complaints.prevention.alert.title')}</h2>
        <Select label={t('complaints.prevention.alert.show')} value={status} onChange={setStatus} className="field-compact"
          options={[{ id: 'open', label: t('complaints.prevention.alert.status.open') }, { id: 'acknowledged', label: t('complaints.prevention.alert.status.acknowledged') },
            { id: 'dismissed', label: t('complaints.prevention.alert.status.dismissed') }, { id: 'all', label: t('common.all') }]} />
      </div>
      <p className="muted settings-intro">{t('complaints.prevention.alert.intro')}</p>
      {alerts.isPending ? <Skeleton lines={3} /> : alerts.isError ? <ErrorState detail={alerts.error.message} onRetry={() => void alerts.refetch()} /> : items.length === 0 ? (
        <EmptyState title={t('complaints.prevention.alert.empty')} />
      ) : (
        <ul className="alert-list">
          {items.map((a) => (
            <li key={a.id} className="alert-item" data-alert={a.id}>
              <div className="alert-what">
                <strong><UserText>{a.category}</UserText>{a.product && <> · <UserText>{a.product}</UserText></>}</strong>
                <span>{t('complaints.prevention.alert.count', { count: formatNumber(a.caseCount, prefs), days: formatNumber(a.windowDays, prefs), threshold: formatNumber(a.threshold, prefs) })}</span>
                <span className="muted">{t('complaints.prevention.alert.window', { from: formatInstant(a.windowStart, prefs, false), to: formatInstant(a.windowEnd, prefs, false) })}</span>
                <span>
                  <Badge tone={a.status === 'open' ? 'warn' : a.status === 'acknowledged' ? 'info' : 'neutral'}>{t(`complaints.prevention.alert.status.${a.status}`)}</Badge>
                  {a.preventiveActionId && <> <Badge tone="good">{t('complaints.prevention.alert.planned')}</Badge></>}
                </span>
              </div>
              {canManage && (
                <div className="row-actions">
                  {!a.preventiveActionId && (
                    <Button variant="primary" onPress={() => onPlan({ category: a.category, product: a.product, alertId: a.id, title: t('complaints.prevention.alert.seedTitle', { category: a.category }) })}>
                      {t('complaints.prevention.alert.plan')}
                    </Button>
                  )}
                  {a.status !== 'acknowledged' && <Button variant="ghost" isDisabled={decide.pending} onPress={() => void handleDecide(a, 'acknowledged')}>{t('complaints.prevention.alert.acknowledge')}</Button>}
                  {a.status !== 'dismissed' && <Button variant="ghost" isDisabled={decide.pending} onPress={() => void handleDecide(a, 'dismissed')}>{t('complaints.prevention.alert.dismiss')}</Button>}
                  {a.status !== 'open' && <Button variant="ghost" isDisabled={decide.pending} onPress={() => void handleDecide(a, 'open')}>{t('complaints.prevention.alert.reopen')}</Button>}
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
