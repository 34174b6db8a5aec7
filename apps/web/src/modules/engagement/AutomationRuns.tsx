// Recent runs of one rule: matched or skipped and why, and what each action did.
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import type { MessageKey } from '../../i18n/index.ts';
import { useT } from '../../i18n/useT.ts';
import { automationsApi } from './automations-api.ts';
import { formatInstant } from '../../lib/format.ts';
import { Badge, Button, EmptyState, ErrorState, ClockIcon, Skeleton } from '../../ui/index.ts';
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
  if (runs.isPending) return <Skeleton lines={5} />;
  if (runs.isError) return <ErrorState detail={runs.error.message} onRetry={() => void runs.refetch()} />;
  const items = runs.data.pages.flatMap((p) => p.items);
  if (items.length === 0) return <EmptyState title={t('automations.noRuns')} icon={<ClockIcon size={28} />}>{t('automations.noRunsBody')}</EmptyState>;
  const tone = (status: string) => (status === 'done' ? 'good' : status === 'failed' ? 'bad' : status === 'waiting' ? 'info' : 'warn');
  return (
    <>
      <div className="table-wrap">
        <table className="simple-table runs-table" data-testid="runs-table">
          <thead>
            <tr>
              <th scope="col">{t('automations.runAt')}</th>
              <th scope="col">{t('automations.customer')}</th>
              <th scope="col">{t('automations.runStatus')}</th>
              <th scope="col">{t('automations.runDetail')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((run) => (
              <tr key={run.id}>
                <td className="col-date">{formatInstant(run.createdAt, prefs)}{run.status === 'waiting' && run.dueAt && <span className="small-block muted">{t('automations.dueAt', { at: formatInstant(run.dueAt, prefs) })}</span>}</td>
                <td><Link href={`/customers/${run.customerId}`}>{t('automations.openCustomer')}</Link></td>
                <td><Badge tone={tone(run.status)}>{t(`automations.runStatus.${run.status}` as MessageKey)}</Badge></td>
                <td>
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
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {runs.hasNextPage && <div className="list-footer"><Button onPress={() => void runs.fetchNextPage()} isPending={runs.isFetchingNextPage}>{t('common.loadMore')}</Button></div>}
    </>
  );
}
