// The customer page's follow-ups card: the open ones, and "create follow-up" for managers.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-aria-components';
import { useSession } from '../../app/session.ts';
import { useT } from '../../i18n/useT.ts';
import { engagementApi } from './api.ts';
import { Button, Dialog, ErrorState, PlusIcon, Skeleton, UserText } from '../../ui/index.ts';
import { canManageFollowups } from './engagement-roles.ts';
import { Due, FollowupReason, FollowupStateBadge, PriorityBadge, NewFollowupForm, useMembers } from './followup-parts.tsx';
import './engagement.css';

export function CustomerFollowups({ customerId, canCreate }: { customerId: string; canCreate: boolean }) {
  const t = useT();
  const session = useSession();
  const { nameOf } = useMembers();
  const [creating, setCreating] = useState(false);
  const followups = useQuery({ queryKey: ['customer-followups', customerId], queryFn: () => engagementApi.customerFollowups(customerId, 'open') });
  const manager = canManageFollowups(session.role) && canCreate;
  return (
    <section className="card" aria-labelledby="followups-heading">
      <div className="card-head">
        <h2 id="followups-heading">{t('customer.followups')}</h2>
        {manager && <Button onPress={() => setCreating(true)}><PlusIcon />{t('customer.newFollowup')}</Button>}
      </div>
      {followups.isPending ? <Skeleton lines={2} /> : followups.isError ? <ErrorState detail={followups.error.message} onRetry={() => void followups.refetch()} /> : followups.data.items.length === 0 ? (
        <p className="muted">{t('customer.noFollowups')}</p>
      ) : (
        <ul className="followup-list" data-testid="customer-followups">
          {followups.data.items.map((f) => (
            <li key={f.id}>
              <Link href={`/engagement/followups/${f.id}`}><FollowupReason reason={f.reason} /></Link>
              <span className="header-badges"><FollowupStateBadge followup={f} /><PriorityBadge priority={f.priority} /></span>
              <span className="muted">{t('followups.col.assignee')}: {f.assigneeId ? <UserText>{nameOf(f.assigneeId)}</UserText> : t('followups.unassigned')}</span>
              <Due iso={f.dueAt} />
            </li>
          ))}
        </ul>
      )}
      <Dialog title={t('followups.new')} isOpen={creating} onOpenChange={setCreating}>
        {(close) => <NewFollowupForm customerId={customerId} onCancel={close} onDone={() => { void followups.refetch(); close(); }} />}
      </Dialog>
    </section>
  );
}
