import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Cell, Column, Form, Row, Table, TableBody, TableHeader } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { canManageWorkspace, useSession } from '../../app/session.ts';
import { useFieldError, useT } from '../../i18n/useT.ts';
import { api, type Member, type NewInvitation } from '../../lib/api.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { formatInstant } from '../../lib/format.ts';
import { Badge, Button, CopyButton, Dialog, ErrorState, PlusIcon, Select, Skeleton, TextField, UserText, useToast } from '../../ui/index.ts';

const ROLES = ['owner', 'admin', 'manager', 'agent', 'analyst'] as const;
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

  const change = async (member: Member, patch: { role?: RoleId; disabled?: boolean }) => {
    try {
      await api.updateMember(member.accountId, patch);
      void client.invalidateQueries({ queryKey: ['members'] });
      toast(t('members.roleChanged'));
    } catch (err) {
      toast(err instanceof Error ? err.message : t('common.errorTitle'), 'bad');
    }
  };

  return (
    <div className="page">
      <header className="page-header">
        <h1>{t('members.title')}</h1>
        {canManage && <div className="page-actions"><Button variant="primary" onPress={() => setInviteOpen(true)}><PlusIcon />{t('members.invite')}</Button></div>}
      </header>
      {members.isPending ? <Skeleton lines={5} /> : members.isError ? <ErrorState detail={members.error.message} onRetry={() => void members.refetch()} /> : (
        <div className="table-wrap">
          <Table aria-label={t('members.title')} className="table">
            <TableHeader>
              <Column isRowHeader>{t('members.name')}</Column>
              <Column>{t('members.email')}</Column>
              <Column>{t('members.role')}</Column>
              <Column>{t('members.status')}</Column>
              <Column>{t('members.since')}</Column>
              <Column>{t('common.actions')}</Column>
            </TableHeader>
            <TableBody items={members.data.items} dependencies={[prefs.locale]}>
              {(m) => {
                const self = m.accountId === session.account.id;
                return (
                  <Row id={m.accountId}>
                    <Cell><UserText>{m.displayName}</UserText></Cell>
                    <Cell><UserText ltr>{m.email}</UserText></Cell>
                    <Cell>
                      {canManage && !self ? (
                        <Select label={`${t('members.role')}: ${m.displayName}`} className="field-compact" value={m.role} onChange={(role) => void change(m, { role })} options={ROLES.map((r) => ({ id: r, label: t(`role.${r}`) }))} />
                      ) : t(`role.${m.role}`)}
                    </Cell>
                    <Cell><Badge tone={m.disabled ? 'bad' : 'good'}>{t(m.disabled ? 'members.disabled' : 'members.active')}</Badge></Cell>
                    <Cell>{formatInstant(m.createdAt, prefs, false)}</Cell>
                    <Cell>{canManage && !self ? <Button variant="ghost" onPress={() => void change(m, { disabled: !m.disabled })}>{t(m.disabled ? 'members.enable' : 'members.disable')}</Button> : null}</Cell>
                  </Row>
                );
              }}
            </TableBody>
          </Table>
        </div>
      )}
      {canManage && (
        <section className="card" aria-labelledby="invitations-heading">
          <h2 id="invitations-heading">{t('members.invitations')}</h2>
          {invitations.data && invitations.data.items.length === 0 && <p className="muted">{t('members.noInvitations')}</p>}
          {invitations.data && invitations.data.items.length > 0 && (
            <table className="simple-table">
              <thead><tr><th scope="col">{t('members.email')}</th><th scope="col">{t('members.role')}</th><th scope="col">{t('members.status')}</th><th scope="col">{t('members.expires')}</th><th scope="col">{t('common.actions')}</th></tr></thead>
              <tbody>
                {invitations.data.items.map((inv) => (
                  <tr key={inv.id}>
                    <td><UserText ltr>{inv.email}</UserText></td>
                    <td>{t(`role.${inv.role}`)}</td>
                    <td><Badge tone={inv.acceptedAt ? 'good' : 'info'}>{t(inv.acceptedAt ? 'members.accepted' : 'members.pending')}</Badge></td>
                    <td>{formatInstant(inv.expiresAt, prefs, false)}</td>
                    <td>{!inv.acceptedAt && <Button variant="ghost" onPress={() => void api.cancelInvitation(inv.id).then(() => client.invalidateQueries({ queryKey: ['invitations'] }))}>{t('members.cancelInvite')}</Button>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
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
