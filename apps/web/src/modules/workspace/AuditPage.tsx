import { useInfiniteQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useIntl } from 'react-intl';
import { usePrefs } from '../../app/prefs.tsx';
import type { MessageKey } from '../../i18n/index.ts';
import { useT } from '../../i18n/useT.ts';
import { api, type AuditEntry } from '../../lib/api.ts';
import { formatInstant, isRtl } from '../../lib/format.ts';
import { DataTable, ShieldIcon, UserText, type DataTableColumn } from '../../ui/index.ts';

/** "Sara created the automation «Birthday gift»": who did what to which, by today's names. */
function useAuditSentence(): (entry: AuditEntry) => ReactNode {
  const intl = useIntl();
  const t = useT();
  const prefs = usePrefs();
  // The loaded language's messages: every language has every key (i18n.test.ts).
  const known = (key: string): key is MessageKey => key in intl.messages;
  return (e) => {
    const actor = e.actorName
      ? <UserText>{e.actorName}</UserText>
      : t(e.actorType === 'user' ? 'audit.actorUser' : e.actorType === 'api_key' ? 'audit.actorApiKey' : e.actorType === 'system' ? 'audit.actorSystem' : 'audit.someone');
    const generic = `audit.kind.${e.targetType ?? 'other'}`;
    // Quotes and name in one isolate of the page's direction, so a Latin word beside it ("API")
    // cannot pull the quotation marks to the wrong side.
    const target = e.targetName
      ? <bdi dir={isRtl(prefs.language) ? 'rtl' : 'ltr'}>«<UserText>{e.targetName}</UserText>»</bdi>
      : t(known(generic) ? generic : 'audit.kind.other');
    const key = `audit.do.${e.action}`;
    if (known(key)) return intl.formatMessage({ id: key }, { actor, target });
    return intl.formatMessage({ id: 'audit.other' }, { actor, action: <code dir="ltr" key="code">{e.action}</code> });
  };
}

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
  const sentence = useAuditSentence();
  // The sentence heads a phone card; on a wide screen the time reads first.
  const columns: DataTableColumn<AuditEntry>[] = [
    { id: 'at', header: t('audit.at'), className: 'col-date', cell: (e) => formatInstant(e.at, prefs) },
    { id: 'what', header: t('audit.what'), isPrimary: true, className: 'audit-what', cell: (e) => sentence(e) },
    { id: 'ip', header: t('audit.ip'), cell: (e) => (e.ip ? <bdi dir="ltr">{e.ip}</bdi> : t('common.none')) },
  ];
  return (
    <div className="page">
      <header className="page-header"><h1>{t('audit.title')}</h1></header>
      <DataTable
        label={t('audit.title')}
        columns={columns}
        rows={entries}
        rowKey={(e) => String(e.id)}
        isLoading={log.isPending}
        skeletonRows={8}
        error={log.isError ? { detail: log.error.message, onRetry: () => void log.refetch() } : null}
        empty={{ title: t('audit.empty'), icon: <ShieldIcon size={28} /> }}
        loadMore={{ hasMore: log.hasNextPage, onLoadMore: () => void log.fetchNextPage(), isLoadingMore: log.isFetchingNextPage }}
      />
    </div>
  );
}
