// Pieces the follow-up queue, its detail page and the customer page share.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useFieldError, useT } from '../../i18n/useT.ts';
import { ApiError, api, type Member } from '../../lib/api.ts';
import { engagementApi, type Followup, type Priority } from './api.ts';
import { formatInstant, localiseDigits, toLatinDigits } from '../../lib/format.ts';
import { Badge, Button, Select, TextField, UserText, useToast } from '../../ui/index.ts';
import { formatRelative } from './engagement-format.ts';

/** Members by account id, for assignee names; agents may read the member list too. */
export function useMembers(): { members: Member[]; nameOf: (accountId: string | null) => string | null } {
  const t = useT();
  const members = useQuery({ queryKey: ['members'], queryFn: api.members, staleTime: 60_000 });
  const list = members.data?.items ?? [];
  return {
    members: list,
    nameOf: (accountId) => {
      if (!accountId) return null;
      const id = accountId.replace(/^user:/, '');
      return list.find((m) => m.accountId === id)?.displayName ?? (members.isPending ? '…' : t('followups.unknownMember'));
    },
  };
}

/** Members who can work follow-ups (not analysts, not disabled), for the assignee pickers. */
export const assignable = (members: Member[]) => members.filter((m) => !m.disabled && m.role !== 'analyst');

/** Built-in rules give a reason code; people and custom rules give their own words. */
export function FollowupReason({ reason }: { reason: string }) {
  const t = useT();
  if (reason === 'after_interaction') return <>{t('followups.reasonCode.after_interaction')}</>;
  if (reason === 'negative_experience') return <>{t('followups.reasonCode.negative_experience')}</>;
  return <UserText>{reason}</UserText>;
}

export function PriorityBadge({ priority }: { priority: Priority }) {
  const t = useT();
  return priority === 'urgent' ? <Badge tone="bad">{t('followups.priority.urgent')}</Badge> : <Badge>{t('followups.priority.normal')}</Badge>;
}

export function FollowupStateBadge({ followup }: { followup: Pick<Followup, 'status' | 'outcome' | 'overdue'> }) {
  const t = useT();
  if (followup.status === 'done') {
    return <Badge tone="good">{followup.outcome ? t(`followups.outcome.${followup.outcome}`) : t('followups.status.done')}</Badge>;
  }
  return followup.overdue ? <Badge tone="bad">{t('followups.overdue')}</Badge> : <Badge tone="info">{t('followups.status.open')}</Badge>;
}

/** Due time: relative ("in 3 hours") and absolute in the user's calendar and the workspace zone. */
export function Due({ iso }: { iso: string }) {
  const prefs = usePrefs();
  return (
    <time dateTime={iso}>
      <span className="due-relative">{formatRelative(iso, prefs)}</span>
      <span className="due-absolute">{formatInstant(iso, prefs)}</span>
    </time>
  );
}

const NONE = 'auto';

/** Open a follow-up for one customer (managers): reason, due in business hours, priority, assignee. */
export function NewFollowupForm({ customerId, onDone, onCancel }: { customerId: string; onDone: (f: Followup) => void; onCancel: () => void }) {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const client = useQueryClient();
  const { members } = useMembers();
  const [reason, setReason] = useState('');
  const [hours, setHours] = useState('4');
  const [priority, setPriority] = useState<Priority>('normal');
  const [assignee, setAssignee] = useState<string>(NONE);
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);
  const fe = useFieldError(error);

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      const created = await engagementApi.openFollowup({
        customerId, reason: reason.trim(), dueInBusinessHours: Number(toLatinDigits(hours.trim()) || 'NaN'), priority,
        ...(assignee === NONE ? {} : { assigneeId: assignee }),
      });
      void client.invalidateQueries({ queryKey: ['followups'] });
      void client.invalidateQueries({ queryKey: ['timeline', customerId] });
      toast(t('followups.created'));
      onDone(created);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, { detail: t('common.networkError') }));
    } finally {
      setPending(false);
    }
  };
  const unplaced = error && !['reason', 'dueInBusinessHours', 'priority', 'assigneeId'].some((f) => f in error.fieldErrors);
  return (
    <Form onSubmit={handleSubmit} className="form" validationBehavior="aria">
      {unplaced && <p className="form-error" role="alert">{error.message}</p>}
      <TextField label={t('followups.reason')} value={reason} onChange={setReason} isRequired multiline errorMessage={fe('reason')} autoFocus />
      <TextField label={t('followups.dueIn')} value={localiseDigits(hours, prefs.digits)} onChange={(v) => setHours(toLatinDigits(v))} inputMode="numeric" dir="ltr" errorMessage={fe('dueInBusinessHours')} />
      <Select label={t('followups.col.priority')} value={priority} onChange={setPriority} options={[{ id: 'normal', label: t('followups.priority.normal') }, { id: 'urgent', label: t('followups.priority.urgent') }]} />
      <Select
        label={t('followups.assignee')}
        value={assignee}
        onChange={setAssignee}
        errorMessage={fe('assigneeId')}
        options={[{ id: NONE, label: t('followups.assignAuto') }, ...assignable(members).map((m) => ({ id: m.accountId, label: m.displayName }))]}
      />
      <div className="form-actions">
        <Button type="submit" variant="primary" isPending={pending}>{t('common.create')}</Button>
        <Button onPress={onCancel}>{t('common.cancel')}</Button>
      </div>
    </Form>
  );
}
