// /complaints/prevention: the preventive-action board (ISO 10002 continual improvement). Columns by
// status on a desktop, the same groups one under another on a phone; overdue actions stand out;
// the recurring-problem alerts below, each one a click from an action that answers it.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { usePrefs } from '../../app/prefs.tsx';
import { useSession } from '../../app/session.ts';
import { useT } from '../../i18n/useT.ts';
import { formatDay, formatNumber } from '../../lib/format.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { Badge, Button, ErrorState, PlusIcon, Skeleton, UserText, useToast } from '../../ui/index.ts';
import { insightsApi, insightsKeys, PREVENTIVE_STATUSES, type PreventiveAction, type PreventiveStatus } from './complaint-insights-api.ts';
import { ComplaintTabs } from './complaint-tabs.tsx';
import { canManageComplaintSettings } from './ComplaintSettingsPage.tsx';
import { ActionDialog, AlertsPanel, useCauseLabels, useOwners, type ActionSeed } from './prevention-parts.tsx';
import './complaint-settings.css';

/** The next steps a card offers, by its status. */
const MOVES: Record<PreventiveStatus, PreventiveStatus[]> = {
  open: ['in_progress', 'done'],
  in_progress: ['done', 'open'],
  done: ['in_progress'],
  cancelled: ['open'],
};

export default function PreventiveActionsPage() {
  const t = useT();
  const prefs = usePrefs();
  const session = useSession();
  const canManage = canManageComplaintSettings(session.role);
  const actions = useQuery({ queryKey: insightsKeys.actions, queryFn: insightsApi.actions });
  const [editing, setEditing] = useState<{ action: PreventiveAction | null; seed?: ActionSeed } | null>(null);
  const items = actions.data ?? [];
  const overdue = items.filter((a) => a.overdue).length;
  return (
    <div className="page prevention-page">
      <header className="page-header">
        <div>
          <h1>{t('complaints.prevention.title')}</h1>
          <p className="muted page-intro">{t('complaints.prevention.intro')}</p>
        </div>
        {canManage && <div className="page-actions"><Button variant="primary" onPress={() => setEditing({ action: null })}><PlusIcon />{t('complaints.prevention.add')}</Button></div>}
      </header>
      <ComplaintTabs current="prevention" />
      {overdue > 0 && <p className="notice notice-warn" role="status">{t('complaints.prevention.overdueCount', { count: formatNumber(overdue, prefs) })}</p>}
      {actions.isPending ? <Skeleton lines={6} /> : actions.isError ? <ErrorState detail={actions.error.message} onRetry={() => void actions.refetch()} /> : (
        <div className="board" data-testid="prevention-board">
          {PREVENTIVE_STATUSES.map((status) => {
            const column = items.filter((a) => a.status === status);
            return (
              <section key={status} className={`board-column board-${status}`} aria-labelledby={`col-${status}`} data-status={status}>
                <h2 id={`col-${status}`} className="board-title">
                  {t(`complaints.prevention.statusName.${status}`)} <span className="board-count">{formatNumber(column.length, prefs)}</span>
                </h2>
                {column.length === 0 ? <p className="muted board-empty">{t('complaints.prevention.emptyColumn')}</p> : (
                  <ul className="board-cards">
                    {column.map((a) => <ActionCard key={a.id} action={a} canManage={canManage} isOwner={a.ownerId === session.account.id} onEdit={() => setEditing({ action: a })} />)}
                  </ul>
                )}
              </section>
            );
          })}
        </div>
      )}
      <AlertsPanel canManage={canManage} onPlan={(seed) => setEditing({ action: null, seed })} />
      {editing && <ActionDialog action={editing.action} seed={editing.seed} onClose={() => setEditing(null)} />}
    </div>
  );
}

function ActionCard({ action, canManage, isOwner, onEdit }: { action: PreventiveAction; canManage: boolean; isOwner: boolean; onEdit: () => void }) {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const client = useQueryClient();
  const { nameOf } = useOwners();
  const causes = useCauseLabels();
  const move = useSubmit();
  const handleMove = async (status: PreventiveStatus) => {
    const ok = await move.run(async () => {
      await insightsApi.updateAction(action.id, { status });
      await client.invalidateQueries({ queryKey: insightsKeys.actions });
    });
    toast(ok ? t('complaints.prevention.moved', { status: t(`complaints.prevention.statusName.${status}`) }) : move.error?.message ?? t('common.errorTitle'), ok ? 'good' : 'bad');
  };
  const links = [
    action.rootCause && causes.labelOf(action.rootCause),
    action.category,
    action.product,
  ].filter(Boolean) as string[];
  return (
    <li className={`board-card${action.overdue ? ' board-card-overdue' : ''}`} data-action={action.id}>
      <h3 className="board-card-title" id={`action-${action.id}`}><UserText>{action.title}</UserText></h3>
      <p className="board-card-meta">
        <span>{t('complaints.prevention.ownedBy', { name: nameOf(action.ownerId) })}</span>
        <span className={action.overdue ? 'overdue-text' : undefined}>{t('complaints.prevention.dueOn', { date: formatDay(action.dueDate, prefs, 'medium') })}</span>
        {action.overdue && <Badge tone="bad">{t('complaints.prevention.overdue')}</Badge>}
      </p>
      {(links.length > 0 || action.caseIds.length > 0) && (
        <p className="board-card-links">
          {links.map((l) => <span key={l} className="chip"><UserText>{l}</UserText></span>)}
          {action.caseIds.length > 0 && <span className="chip">{t('complaints.prevention.caseCount', { count: formatNumber(action.caseIds.length, prefs) })}</span>}
        </p>
      )}
      {(canManage || isOwner) && (
        <div className="row-actions">
          {MOVES[action.status].map((to) => (
            // Named by its words, described by the card's title (the title is the user's text, not part of the name).
            <Button key={to} variant="ghost" isDisabled={move.pending} onPress={() => void handleMove(to)} aria-describedby={`action-${action.id}`}>
              {t(`complaints.prevention.moveTo.${to}`)}
            </Button>
          ))}
          {canManage && <Button variant="ghost" onPress={onEdit} aria-describedby={`action-${action.id}`}>{t('common.edit')}</Button>}
        </div>
      )}
    </li>
  );
}
