import { useInfiniteQuery } from '@tanstack/react-query';
import { Cell, Column, Row, Table, TableBody, TableHeader } from 'react-aria-components';
import { usePrefs } from '../app/prefs.tsx';
import { useT } from '../i18n/useT.ts';
import { api } from '../lib/api.ts';
import { formatInstant } from '../lib/format.ts';
import { Button, EmptyState, ErrorState, ShieldIcon, Skeleton } from '../ui/index.ts';

export default function AuditPage() {
  const t = useT();
  const prefs = usePrefs();
  const log = useInfiniteQuery({
    queryKey: ['audit-log'],
    queryFn: ({ pageParam }) => api.auditLog(pageParam),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (page) => page.nextBefore ?? undefined,
  });
  const entries = log.data?.pages.flatMap((p) => p.items) ?? [];
  const actor = (type: string) => t(type === 'user' ? 'audit.actorUser' : type === 'api_key' ? 'audit.actorApiKey' : 'audit.actorSystem');
  return (
    <div className="page">
      <header className="page-header"><h1>{t('audit.title')}</h1></header>
      {log.isPending ? <Skeleton lines={8} /> : log.isError ? <ErrorState detail={log.error.message} onRetry={() => void log.refetch()} /> : entries.length === 0 ? (
        <EmptyState title={t('audit.empty')} icon={<ShieldIcon size={28} />} />
      ) : (
        <>
          <div className="table-wrap">
            <Table aria-label={t('audit.title')} className="table">
              <TableHeader>
                <Column isRowHeader>{t('audit.at')}</Column>
                <Column>{t('audit.action')}</Column>
                <Column>{t('audit.actor')}</Column>
                <Column>{t('audit.target')}</Column>
                <Column>{t('audit.ip')}</Column>
              </TableHeader>
              <TableBody items={entries}>
                {(e) => (
                  <Row id={e.id}>
                    <Cell>{formatInstant(e.at, prefs)}</Cell>
                    <Cell><code dir="ltr">{e.action}</code></Cell>
                    <Cell>{actor(e.actorType)}</Cell>
                    <Cell>{e.targetType ? <bdi dir="ltr">{e.targetType}{e.targetId ? ` ${e.targetId.slice(0, 8)}` : ''}</bdi> : t('common.none')}</Cell>
                    <Cell>{e.ip ? <bdi dir="ltr">{e.ip}</bdi> : t('common.none')}</Cell>
                  </Row>
                )}
              </TableBody>
            </Table>
          </div>
          {log.hasNextPage && <div className="list-footer"><Button onPress={() => void log.fetchNextPage()} isPending={log.isFetchingNextPage}>{t('common.loadMore')}</Button></div>}
        </>
      )}
    </div>
  );
}
