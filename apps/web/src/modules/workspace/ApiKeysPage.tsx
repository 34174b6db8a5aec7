import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useFieldError, useT } from '../../i18n/useT.ts';
import { api, type ApiKey, type NewApiKey } from '../../lib/api.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { formatInstant } from '../../lib/format.ts';
import {
  Badge, Button, ConfirmDialog, CopyButton, DataTable, Dialog, KeyIcon, PlusIcon, Select, sortRows, TextField, UserText, useToast, type DataTableColumn, type Selection, type SortState,
} from '../../ui/index.ts';

const KEY_ROLES = ['admin', 'manager', 'agent', 'analyst', 'finance'] as const;

export default function ApiKeysPage() {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const client = useQueryClient();
  const keys = useQuery({ queryKey: ['api-keys'], queryFn: api.apiKeys });
  const [createOpen, setCreateOpen] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [pending, setPending] = useState(false);
  const [sort, setSort] = useState<SortState | null>({ key: 'created', direction: 'descending' });
  const [selected, setSelected] = useState<Selection>(new Set());
  const [bulkRevoking, setBulkRevoking] = useState(false);

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

  // Every key on the list is loaded, so a selection is always a set of ids.
  const chosen = selected === 'all' ? [] : [...selected];
  const handleRevokeSelected = async () => {
    setPending(true);
    try {
      await Promise.all(chosen.map((id) => api.revokeApiKey(id)));
      toast(t('apiKeys.revokedMany', { count: chosen.length }));
      setSelected(new Set());
      setBulkRevoking(false);
    } catch (err) {
      toast(err instanceof Error ? err.message : t('common.errorTitle'), 'bad');
    } finally {
      void client.invalidateQueries({ queryKey: ['api-keys'] });
      setPending(false);
    }
  };

  const columns: DataTableColumn<ApiKey>[] = [
    { id: 'name', header: t('apiKeys.name'), isPrimary: true, sortKey: 'name', sortValue: (key) => key.name, cell: (key) => <UserText>{key.name}</UserText> },
    { id: 'role', header: t('apiKeys.role'), sortKey: 'role', sortValue: (key) => KEY_ROLES.indexOf(key.role as (typeof KEY_ROLES)[number]), cell: (key) => t(`role.${key.role}`) },
    { id: 'created', header: t('apiKeys.created'), sortKey: 'created', firstSortDirection: 'descending', sortValue: (key) => Date.parse(key.createdAt), cell: (key) => formatInstant(key.createdAt, prefs) },
    {
      id: 'lastUsed', header: t('apiKeys.lastUsed'), sortKey: 'lastUsed', firstSortDirection: 'descending', sortValue: (key) => (key.lastUsedAt ? Date.parse(key.lastUsedAt) : null),
      cell: (key) => (key.lastUsedAt ? formatInstant(key.lastUsedAt, prefs) : t('apiKeys.never')),
    },
    { id: 'status', header: t('members.status'), cell: (key) => <Badge tone={key.revokedAt ? 'bad' : 'good'}>{t(key.revokedAt ? 'apiKeys.revoked' : 'apiKeys.active')}</Badge> },
    { id: 'actions', header: t('common.actions'), hideHeader: true, cell: (key) => (key.revokedAt ? null : <Button variant="ghost" onPress={() => setRevoking(key)}>{t('apiKeys.revoke')}</Button>) },
  ];

  return (
    <div className="page">
      <header className="page-header">
        <h1>{t('apiKeys.title')}</h1>
        <div className="page-actions"><Button variant="primary" onPress={() => setCreateOpen(true)}><PlusIcon />{t('apiKeys.create')}</Button></div>
      </header>
      <p className="muted">{t('apiKeys.intro')}</p>
      <DataTable
        label={t('apiKeys.title')}
        columns={columns}
        rows={sortRows(keys.data?.items ?? [], columns, sort, prefs.locale)}
        rowKey={(key) => key.id}
        sort={sort}
        onSortChange={setSort}
        selection={{
          selected,
          onChange: setSelected,
          isSelectable: (key) => !key.revokedAt,
          actions: () => <Button variant="danger" onPress={() => setBulkRevoking(true)}>{t('apiKeys.revoke')}</Button>,
        }}
        isLoading={keys.isPending}
        skeletonRows={3}
        error={keys.isError ? { detail: keys.error.message, onRetry: () => void keys.refetch() } : null}
        empty={{ title: t('apiKeys.empty'), icon: <KeyIcon size={28} /> }}
      />
      <CreateKeyDialog isOpen={createOpen} onOpenChange={setCreateOpen} />
      <ConfirmDialog
        title={t('apiKeys.revokeManyTitle', { count: chosen.length })} body={t('apiKeys.revokeBody')} confirmLabel={t('apiKeys.revoke')}
        isOpen={bulkRevoking} onOpenChange={setBulkRevoking} onConfirm={() => void handleRevokeSelected()} isPending={pending} danger
      />
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
