// Recent runs of one rule: matched or skipped and why, and what each action did.
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import type { MessageKey } from '../../i18n/index.ts';
import { useT } from '../../i18n/useT.ts';
import { automationsApi, type AutomationRun } from './automations-api.ts';
import { formatInstant } from '../../lib/format.ts';
import { Badge, ClockIcon, DataTable, type DataTableColumn } from '../../ui/index.ts';
import { useAutomationText } from './automation-text.ts';

export function AutomationRuns({ ruleId }: { ruleId: string }) {
  const t = useT();
  const prefs = usePrefs();
  const text = useAutomationText();
  const runs = useInfiniteQuery({
    queryKey: ['automation-runs', ruleId, 'all'],
    queryFn: ({ pageParam }) => automationsApi.runs(ruleId, pageParam, 30),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const items = runs.data?.pages.flatMap((p) => p.items) ?? [];
  const tone = (status: string) => (status === 'done' ? 'good' : status === 'failed' ? 'bad' : status === 'waiting' ? 'info' : 'warn');
  const columns: DataTableColumn<AutomationRun>[] = [
    {
      id: 'at', header: t('automations.runAt'), isPrimary: true,
      cell: (run) => <>{formatInstant(run.createdAt, prefs)}{run.status === 'waiting' && run.dueAt && <span className="small-block muted">{t('automations.dueAt', { at: formatInstant(run.dueAt, prefs) })}</span>}</>,
    },
    { id: 'customer', header: t('automations.customer'), cell: (run) => <Link href={`/customers/${run.customerId}`}>{t('automations.openCustomer')}</Link> },
    { id: 'status', header: t('automations.runStatus'), cell: (run) => <Badge tone={tone(run.status)}>{t(`automations.runStatus.${run.status}` as MessageKey)}</Badge> },
    {
      id: 'detail', header: t('automations.runDetail'), wideInCard: true,
      cell: (run) => (
        <>
          {run.reason && <p>{text.reason(run.reason)}</p>}
          {run.actions.length > 0 && (
            <ul className="run-actions">
              {run.actions.map((a, i) => (
                <li key={i}>
                  {t(`automations.action.${a.type}` as MessageKey)}: {a.status === 'done' ? t('automations.actionDone') : t('automations.actionSkipped', { reason: text.reason(a.reason) || t('common.none') })}
                  {a.channel && <> · {t(`automations.channelName.${a.channel}` as MessageKey)}</>}
                </li>
              ))}
            </ul>
          )}
        </>
      ),
    },
  ];
  return (
    <DataTable
      label={t('automations.runsTab')}
      className="runs-table"
      columns={columns}
      rows={items}
      rowKey={(run) => run.id}
      isLoading={runs.isPending}
      skeletonRows={5}
      error={runs.isError ? { detail: runs.error.message, onRetry: () => void runs.refetch() } : null}
      empty={{ title: t('automations.noRuns'), icon: <ClockIcon size={28} />, body: t('automations.noRunsBody') }}
      loadMore={{ hasMore: runs.hasNextPage, onLoadMore: () => void runs.fetchNextPage(), isLoadingMore: runs.isFetchingNextPage }}
    />
  );
}
