import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Cell, Column, Form, Row, Table, TableBody, TableHeader } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useFieldError, useT } from '../../i18n/useT.ts';
import { api, type ApiKey, type NewApiKey } from '../../lib/api.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { formatInstant } from '../../lib/format.ts';
import { Badge, Button, ConfirmDialog, CopyButton, Dialog, EmptyState, ErrorState, KeyIcon, PlusIcon, Select, Skeleton, TextField, UserText, useToast } from '../../ui/index.ts';

const KEY_ROLES = ['admin', 'manager', 'agent', 'analyst'] as const;

export default function ApiKeysPage() {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const client = useQueryClient();
  const keys = useQuery({ queryKey: ['api-keys'], queryFn: api.apiKeys });
  const [createOpen, setCreateOpen] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [pending, setPending] = useState(false);

  const handleRevoke = async () => {
    if (!revoking) return;
    setPending(true);
    try {
      await api.revokeApiKey(revoking.id);
      void client.invalidateQueries({ queryKey: ['api-keys'] });
      toast(t('apiKeys.revoked'));
      setRevoking(null);
    } catch (err) {
      toast(err instanceof Error ? err.message : t('common.errorTitle'), 'bad');
    } finally {
      setPending(false);
    }
  };

  return (
    <div className="page">
      <header className="page-header">
        <h1>{t('apiKeys.title')}</h1>
        <div className="page-actions"><Button variant="primary" onPress={() => setCreateOpen(true)}><PlusIcon />{t('apiKeys.create')}</Button></div>
      </header>
      <p className="muted">{t('apiKeys.intro')}</p>
      {keys.isPending ? <Skeleton lines={4} /> : keys.isError ? <ErrorState detail={keys.error.message} onRetry={() => void keys.refetch()} /> : keys.data.items.length === 0 ? (
        <EmptyState title={t('apiKeys.empty')} icon={<KeyIcon size={28} />} />
      ) : (
        <div className="table-wrap">
          <Table aria-label={t('apiKeys.title')} className="table">
            <TableHeader>
              <Column isRowHeader>{t('apiKeys.name')}</Column>
              <Column>{t('apiKeys.role')}</Column>
              <Column>{t('apiKeys.created')}</Column>
              <Column>{t('apiKeys.lastUsed')}</Column>
              <Column>{t('members.status')}</Column>
              <Column>{t('common.actions')}</Column>
            </TableHeader>
            <TableBody items={keys.data.items} dependencies={[prefs.locale]}>
              {(key) => (
                <Row id={key.id}>
                  <Cell><UserText>{key.name}</UserText></Cell>
                  <Cell>{t(`role.${key.role}`)}</Cell>
                  <Cell>{formatInstant(key.createdAt, prefs)}</Cell>
                  <Cell>{key.lastUsedAt ? formatInstant(key.lastUsedAt, prefs) : t('apiKeys.never')}</Cell>
                  <Cell><Badge tone={key.revokedAt ? 'bad' : 'good'}>{t(key.revokedAt ? 'apiKeys.revoked' : 'apiKeys.active')}</Badge></Cell>
                  <Cell>{!key.revokedAt && <Button variant="ghost" onPress={() => setRevoking(key)}>{t('apiKeys.revoke')}</Button>}</Cell>
                </Row>
              )}
            </TableBody>
          </Table>
        </div>
      )}
      <CreateKeyDialog isOpen={createOpen} onOpenChange={setCreateOpen} />
      <ConfirmDialog title={t('apiKeys.revokeTitle')} body={t('apiKeys.revokeBody')} confirmLabel={t('apiKeys.revoke')} isOpen={Boolean(revoking)} onOpenChange={(open) => !open && setRevoking(null)} onConfirm={handleRevoke} isPending={pending} danger />
    </div>
  );
}

function CreateKeyDialog({ isOpen, onOpenChange }: { isOpen: boolean; onOpenChange: (open: boolean) => void }) {
  const t = useT();
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [role, setRole] = useState<(typeof KEY_ROLES)[number]>('agent');
  const [created, setCreated] = useState<NewApiKey | null>(null);
  const { error, pending, run, setError } = useSubmit();
  const fieldMsg = useFieldError(error);
  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    await run(async () => {
      setCreated(await api.createApiKey({ name, role }));
      void client.invalidateQueries({ queryKey: ['api-keys'] });
    });
  };
  const handleOpenChange = (open: boolean) => {
    onOpenChange(open);
    // The secret is gone from memory once the dialog closes: it is shown once.
    if (!open) { setCreated(null); setName(''); setError(null); }
  };
  return (
    <Dialog title={created ? t('apiKeys.secretTitle') : t('apiKeys.create')} isOpen={isOpen} onOpenChange={handleOpenChange} isDismissable={!created}>
      {(close) => created ? (
        <div className="form">
          <p className="notice" role="status">{t('apiKeys.secretOnce')}</p>
          <TextField label={t('apiKeys.secret')} value={created.secret ?? ''} onChange={() => undefined} isReadOnly dir="ltr" className="secret-field" />
          <div className="form-actions"><CopyButton text={created.secret ?? ''} /><Button variant="primary" onPress={close}>{t('common.close')}</Button></div>
        </div>
      ) : (
        <Form onSubmit={handleSubmit} className="form" validationBehavior="aria">
          {error && !Object.keys(error.fieldErrors).length && <p className="form-error" role="alert">{error.message}</p>}
          <TextField label={t('apiKeys.name')} value={name} onChange={setName} isRequired errorMessage={fieldMsg('name')} autoFocus />
          <Select label={t('apiKeys.role')} value={role} onChange={setRole} options={KEY_ROLES.map((r) => ({ id: r, label: t(`role.${r}`) }))} />
          <div className="form-actions"><Button type="submit" variant="primary" isPending={pending}>{t('common.create')}</Button><Button onPress={close}>{t('common.cancel')}</Button></div>
        </Form>
      )}
    </Dialog>
  );
}
