// The customers added to a segment by hand (from the customer list's bulk actions), each with a
// button to take them off the list. They stay members by rule if the rules match them.
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { usePrefs } from '../../app/prefs.tsx';
import { useSession } from '../../app/session.ts';
import { useT } from '../../i18n/useT.ts';
import type { Customer } from '../../lib/api.ts';
import { localiseDigits } from '../../lib/format.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { Button, ConfirmDialog, DataTable, TrashIcon, UserText, useToast } from '../../ui/index.ts';
import { canEditSegments, customersApi } from './customers-bulk-api.ts';

export function SegmentListedMembers({ segmentId, segmentName }: { segmentId: string; segmentName: string }) {
  const t = useT();
  const prefs = usePrefs();
  const session = useSession();
  const toast = useToast();
  const client = useQueryClient();
  const [removing, setRemoving] = useState<Customer | null>(null);
  const submit = useSubmit();
  const listed = useInfiniteQuery({
    queryKey: ['segment-listed', segmentId],
    queryFn: ({ pageParam }) => customersApi.listedMembers(segmentId, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const items = listed.data?.pages.flatMap((p) => p.items) ?? [];
  const mayEdit = canEditSegments(session.role);

  const handleRemove = async () => {
    if (!removing) return;
    const customer = removing;
    if (await submit.run(() => customersApi.removeMember(segmentId, customer.id))) {
      toast(t('segments.listed.removed', { name: customer.name ?? t('customer.unnamed') }));
      setRemoving(null);
      void client.invalidateQueries({ queryKey: ['segment-listed', segmentId] });
      void client.invalidateQueries({ queryKey: ['segment-members', segmentId] });
      void client.invalidateQueries({ queryKey: ['segments'] });
      void client.invalidateQueries({ queryKey: ['segment-preview'] });
    }
  };

  return (
    <section className="card" aria-labelledby="listed-heading">
      <h2 id="listed-heading">{t('segments.listed.title')}</h2>
      <p className="muted">{t('segments.listed.hint')}</p>
      <DataTable<Customer>
        label={t('segments.listed.title')}
        rows={items}
        rowKey={(c) => c.id}
        rowHref={(c) => `/customers/${c.id}`}
        isLoading={listed.isPending}
        error={listed.isError ? { detail: listed.error.message, onRetry: () => void listed.refetch() } : null}
        empty={{ title: t('segments.listed.empty'), body: t('segments.listed.emptyBody') }}
        loadMore={{ hasMore: listed.hasNextPage, onLoadMore: () => void listed.fetchNextPage(), isLoadingMore: listed.isFetchingNextPage }}
        columns={[
          { id: 'name', header: t('customer.name'), isPrimary: true, cell: (c) => <UserText>{c.name ?? t('customer.unnamed')}</UserText> },
          { id: 'phone', header: t('customer.phone'), cell: (c) => (c.phone ? <bdi dir="ltr">{localiseDigits(c.phone, prefs.digits)}</bdi> : t('common.none')) },
          ...(mayEdit ? [{
            id: 'remove',
            header: t('segments.listed.remove'),
            hideHeader: true,
            align: 'end' as const,
            cell: (c: Customer) => (
              <Button variant="ghost" onPress={() => setRemoving(c)} aria-label={t('segments.listed.removeOne', { name: c.name ?? t('customer.unnamed') })}>
                <TrashIcon />{t('segments.listed.remove')}
              </Button>
            ),
          }] : []),
        ]}
      />
      <ConfirmDialog
        title={t('segments.listed.removeTitle')}
        body={<>{t('segments.listed.removeBody', { name: removing?.name ?? t('customer.unnamed'), segment: segmentName })}{submit.error && <span className="field-error" role="alert"> {submit.error.message}</span>}</>}
        confirmLabel={t('segments.listed.remove')}
        isOpen={removing !== null}
        onOpenChange={(open) => { if (!open) { setRemoving(null); submit.setError(null); } }}
        onConfirm={() => void handleRemove()}
        isPending={submit.pending}
        danger
      />
    </section>
  );
}
