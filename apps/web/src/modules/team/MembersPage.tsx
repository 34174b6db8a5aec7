import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { canManageWorkspace, useSession } from '../../app/session.ts';
import { useFieldError, useT } from '../../i18n/useT.ts';
import { api, type Invitation, type Member, type NewInvitation } from '../../lib/api.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { formatInstant } from '../../lib/format.ts';
import {
  Badge, Button, CopyButton, DataTable, Dialog, PlusIcon, Select, sortRows, TextField, UserText, useToast, type DataTableColumn, type SortState,
} from '../../ui/index.ts';

const ROLES = ['owner', 'admin', 'manager', 'agent', 'analyst', 'finance'] as const;
type RoleId = (typeof ROLES)[number];

export default function MembersPage() {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const client = useQueryClient();
  const session = useSession();
  const canManage = canManageWorkspace(session);
  const members = useQuery({ queryKey: ['members'], queryFn: api.members });
  const invitations = useQuery({ queryKey: ['invitations'], queryFn: api.invitations, enabled: canManage });
  const [inviteOpen, setInviteOpen] = useState(false);
  const [sort, setSort] = useState<SortState | null>({ key: 'name', direction: 'ascending' });

  const change = async (member: Member, patch: { role?: RoleId; disabled?: boolean }) => {
    try {
      await api.updateMember(member.accountId, patch);
      void client.invalidateQueries({ queryKey: ['members'] });
      toast(t('members.roleChanged'));
    } catch (err) {
      toast(err instanceof Error ? err.message : t('common.errorTitle'), 'bad');
    }
  };

  const roleOptions = ROLES.map((r) => ({ id: r, label: t(`role.${r}`) }));
  const mayChange = (m: Member) => canManage && m.accountId !== session.account.id;
  const memberColumns: DataTableColumn<Member>[] = [
    { id: 'name', header: t('members.name'), isPrimary: true, sortKey: 'name', sortValue: (m) => m.displayName, cell: (m) => <UserText>{m.displayName}</UserText> },
    { id: 'email', header: t('members.email'), sortKey: 'email', sortValue: (m) => m.email, cell: (m) => <UserText ltr>{m.email}</UserText> },
    {
      id: 'role', header: t('members.role'), sortKey: 'role', sortValue: (m) => ROLES.indexOf(m.role as RoleId),
      cell: (m) => (mayChange(m)
        ? <Select label={`${t('members.role')}: ${m.displayName}`} className="field-compact" value={m.role} onChange={(role) => void change(m, { role })} options={roleOptions} />
        : t(`role.${m.role}`)),
    },
    { id: 'status', header: t('members.status'), cell: (m) => <Badge tone={m.disabled ? 'bad' : 'good'}>{t(m.disabled ? 'members.disabled' : 'members.active')}</Badge> },
    { id: 'since', header: t('members.since'), sortKey: 'since', firstSortDirection: 'descending', sortValue: (m) => Date.parse(m.createdAt), cell: (m) => formatInstant(m.createdAt, prefs, false) },
    {
      id: 'actions', header: t('common.actions'), hideHeader: true,
      cell: (m) => (mayChange(m) ? <Button variant="ghost" onPress={() => void change(m, { disabled: !m.disabled })}>{t(m.disabled ? 'members.enable' : 'members.disable')}</Button> : null),
    },
  ];
  const invitationColumns: DataTableColumn<Invitation>[] = [
    { id: 'email', header: t('members.email'), isPrimary: true, cell: (inv) => <UserText ltr>{inv.email}</UserText> },
    { id: 'role', header: t('members.role'), cell: (inv) => t(`role.${inv.role}`) },
    { id: 'status', header: t('members.status'), cell: (inv) => <Badge tone={inv.acceptedAt ? 'good' : 'info'}>{t(inv.acceptedAt ? 'members.accepted' : 'members.pending')}</Badge> },
    { id: 'expires', header: t('members.expires'), cell: (inv) => formatInstant(inv.expiresAt, prefs, false) },
    {
      id: 'actions', header: t('common.actions'), hideHeader: true,
      cell: (inv) => (inv.acceptedAt ? null : <Button variant="ghost" onPress={() => void api.cancelInvitation(inv.id).then(() => client.invalidateQueries({ queryKey: ['invitations'] }))}>{t('members.cancelInvite')}</Button>),
    },
  ];

  return (
    <div className="page">
      <header className="page-header">
        <h1>{t('members.title')}</h1>
        {canManage && <div className="page-actions"><Button variant="primary" onPress={() => setInviteOpen(true)}><PlusIcon />{t('members.invite')}</Button></div>}
      </header>
      <DataTable
        label={t('members.title')}
        columns={memberColumns}
        rows={sortRows(members.data?.items ?? [], memberColumns, sort, prefs.locale)}
        rowKey={(m) => m.accountId}
        sort={sort}
        onSortChange={setSort}
        isLoading={members.isPending}
        error={members.isError ? { detail: members.error.message, onRetry: () => void members.refetch() } : null}
      />
      {canManage && (
        <section className="card" aria-labelledby="invitations-heading">
          <h2 id="invitations-heading">{t('members.invitations')}</h2>
          {invitations.data?.items.length === 0 ? <p className="muted">{t('members.noInvitations')}</p> : (
            <DataTable
              label={t('members.invitations')}
              columns={invitationColumns}
              rows={invitations.data?.items ?? []}
              rowKey={(inv) => inv.id}
              isLoading={invitations.isPending}
              skeletonRows={2}
              error={invitations.isError ? { detail: invitations.error.message, onRetry: () => void invitations.refetch() } : null}
            />
          )}
        </section>
      )}
      <InviteDialog isOpen={inviteOpen} onOpenChange={setInviteOpen} />
    </div>
  );
}

function InviteDialog({ isOpen, onOpenChange }: { isOpen: boolean; onOpenChange: (open: boolean) => void }) {
  const t = useT();
  const client = useQueryClient();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<RoleId>('agent');
  const [created, setCreated] = useState<NewInvitation | null>(null);
  const { error, pending, run, setError } = useSubmit();
  const fieldMsg = useFieldError(error);

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    await run(async () => {
      setCreated(await api.invite({ email, role }));
      void client.invalidateQueries({ queryKey: ['invitations'] });
    });
  };
  const handleOpenChange = (open: boolean) => {
    onOpenChange(open);
    if (!open) { setCreated(null); setEmail(''); setError(null); }
  };
  // The server builds the link from its public URL; fall back to this page's origin. (This page sends
  // no Idempotency-Key, so the answer always carries the link: only replays withhold it.)
  const link = created ? (created.acceptUrl?.startsWith('http') ? created.acceptUrl : `${window.location.origin}/invitations/accept#${created.token ?? ''}`) : '';

  return (
    <Dialog title={created ? t('members.invited') : t('members.inviteTitle')} isOpen={isOpen} onOpenChange={handleOpenChange}>
      {(close) => created ? (
        <div className="form">
          <p>{t('members.linkOnce', { email: created.email })}</p>
          <TextField label={t('members.acceptLink')} value={link} onChange={() => undefined} isReadOnly dir="ltr" />
          <div className="form-actions"><CopyButton text={link} /><Button variant="primary" onPress={close}>{t('common.close')}</Button></div>
        </div>
      ) : (
        <Form onSubmit={handleSubmit} className="form" validationBehavior="aria">
          {error && !Object.keys(error.fieldErrors).length && <p className="form-error" role="alert">{error.message}</p>}
          <TextField label={t('members.email')} type="email" dir="ltr" value={email} onChange={setEmail} isRequired errorMessage={fieldMsg('email')} autoFocus />
          <Select label={t('members.role')} value={role} onChange={setRole} errorMessage={fieldMsg('role')} options={ROLES.map((r) => ({ id: r, label: t(`role.${r}`) }))} />
          <div className="form-actions"><Button type="submit" variant="primary" isPending={pending}>{t('members.invite')}</Button><Button onPress={close}>{t('common.cancel')}</Button></div>
        </Form>
      )}
    </Dialog>
  );
}
