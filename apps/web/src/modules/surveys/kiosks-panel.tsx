// A survey's kiosks: tablets on a shop counter, each registered to a location with its own link
// (shown once, when registered), how many answers each sent and when it was last seen; revoking
// stops a kiosk's link at once. Placed on the distribution screen.
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useFieldError, useT } from '../../i18n/useT.ts';
import { formatInstant, formatNumber } from '../../lib/format.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import {
  Badge, Button, ConfirmDialog, CopyButton, DataTable, Dialog, PlusIcon, sortRows, TextField, UserText, useToast, type DataTableColumn, type SortState,
} from '../../ui/index.ts';
import { kioskKeys, kiosksApi, useKiosks, type Kiosk } from './kiosks-api.ts';
import './kiosks-panel.css';

export function KiosksPanel({ surveyId, canWrite }: { surveyId: string; canWrite: boolean }) {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const client = useQueryClient();
  const kiosks = useKiosks(surveyId);
  const [registering, setRegistering] = useState(false);
  const [revoking, setRevoking] = useState<Kiosk | null>(null);
  const [pending, setPending] = useState(false);
  const [sort, setSort] = useState<SortState | null>(null);

  const handleRevoke = async () => {
    if (!revoking) return;
    setPending(true);
    try {
      await kiosksApi.revoke(surveyId, revoking.id);
      toast(t('surveys.kiosk.revokedToast'));
      setRevoking(null);
    } catch (err) {
      toast(err instanceof Error ? err.message : t('common.errorTitle'), 'bad');
    } finally {
      void client.invalidateQueries({ queryKey: kioskKeys.list(surveyId) });
      setPending(false);
    }
  };

  const columns: DataTableColumn<Kiosk>[] = [
    { id: 'location', header: t('surveys.kiosk.location'), isPrimary: true, sortKey: 'location', sortValue: (k) => k.location, cell: (k) => <UserText>{k.location}</UserText> },
    { id: 'status', header: t('surveys.kiosk.status'), cell: (k) => <Badge tone={k.revokedAt ? 'bad' : 'good'}>{t(k.revokedAt ? 'surveys.kiosk.revoked' : 'surveys.kiosk.active')}</Badge> },
    {
      id: 'lastSeen', header: t('surveys.kiosk.lastSeen'), sortKey: 'lastSeen', firstSortDirection: 'descending', sortValue: (k) => (k.lastSeenAt ? Date.parse(k.lastSeenAt) : null),
      cell: (k) => (k.lastSeenAt ? formatInstant(k.lastSeenAt, prefs) : t('surveys.kiosk.never')),
    },
    { id: 'responses', header: t('surveys.kiosk.responses'), sortKey: 'responses', firstSortDirection: 'descending', sortValue: (k) => k.responseCount, cell: (k) => formatNumber(k.responseCount, prefs) },
    ...(canWrite
      ? [{ id: 'actions', header: t('common.actions'), hideHeader: true, cell: (k: Kiosk) => (k.revokedAt ? null : <Button variant="ghost" onPress={() => setRevoking(k)}>{t('surveys.kiosk.revoke')}</Button>) }]
      : []),
  ];

  return (
    <section className="card kiosks-panel" aria-labelledby="kiosks-title">
      <div className="kiosks-panel-head">
        <h2 id="kiosks-title">{t('surveys.kiosk.title')}</h2>
        {canWrite && <Button onPress={() => setRegistering(true)}><PlusIcon />{t('surveys.kiosk.register')}</Button>}
      </div>
      <p className="muted">{t('surveys.kiosk.intro')}</p>
      <DataTable
        label={t('surveys.kiosk.title')}
        columns={columns}
        rows={sortRows(kiosks.data?.items ?? [], columns, sort, prefs.locale)}
        rowKey={(k) => k.id}
        sort={sort}
        onSortChange={setSort}
        unsortedLabel={t('surveys.kiosk.unsorted')}
        isLoading={kiosks.isPending}
        skeletonRows={2}
        error={kiosks.isError ? { detail: kiosks.error.message, onRetry: () => void kiosks.refetch() } : null}
        empty={{ title: t('surveys.kiosk.empty') }}
      />
      <RegisterKioskDialog surveyId={surveyId} isOpen={registering} onOpenChange={setRegistering} />
      <ConfirmDialog
        title={t('surveys.kiosk.revokeTitle')} body={t('surveys.kiosk.revokeBody')} confirmLabel={t('surveys.kiosk.revoke')}
        isOpen={Boolean(revoking)} onOpenChange={(open) => !open && setRevoking(null)} onConfirm={() => void handleRevoke()} isPending={pending} danger
      />
    </section>
  );
}

function RegisterKioskDialog({ surveyId, isOpen, onOpenChange }: { surveyId: string; isOpen: boolean; onOpenChange: (open: boolean) => void }) {
  const t = useT();
  const client = useQueryClient();
  const [location, setLocation] = useState('');
  const [link, setLink] = useState<string | null>(null);
  const { error, pending, run, setError } = useSubmit();
  const fieldMsg = useFieldError(error);
  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    await run(async () => {
      const registered = await kiosksApi.register(surveyId, location);
      setLink(registered.url ?? '');
      void client.invalidateQueries({ queryKey: kioskKeys.list(surveyId) });
    });
  };
  const handleOpenChange = (open: boolean) => {
    onOpenChange(open);
    // The link holds the kiosk's token: it is shown this once and forgotten when the dialog closes.
    if (!open) { setLink(null); setLocation(''); setError(null); }
  };
  return (
    <Dialog title={link ? t('surveys.kiosk.linkTitle') : t('surveys.kiosk.register')} isOpen={isOpen} onOpenChange={handleOpenChange} isDismissable={!link}>
      {(close) => link ? (
        <div className="form">
          <p className="notice" role="status">{t('surveys.kiosk.linkOnce')}</p>
          <div className="kiosk-link">
            <code dir="ltr" data-testid="kiosk-link">{link}</code>
            <CopyButton text={link} />
          </div>
          <div className="form-actions"><Button variant="primary" onPress={close}>{t('common.close')}</Button></div>
        </div>
      ) : (
        <Form onSubmit={handleSubmit} className="form" validationBehavior="aria">
          {error && !Object.keys(error.fieldErrors).length && <p className="form-error" role="alert">{error.message}</p>}
          <TextField label={t('surveys.kiosk.location')} description={t('surveys.kiosk.locationHint')} value={location} onChange={setLocation} isRequired
            errorMessage={fieldMsg('location')} autoFocus />
          <div className="form-actions"><Button type="submit" variant="primary" isPending={pending}>{t('surveys.kiosk.registerSubmit')}</Button><Button onPress={close}>{t('common.cancel')}</Button></div>
        </Form>
      )}
    </Dialog>
  );
}
