// The root-cause taxonomy: codes with fa/ar/en labels and a SERVQUAL dimension, sub-causes one
// level deep, archived (never deleted) so closed cases and reports keep them.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Form } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { Badge, Button, DataTable, Dialog, PlusIcon, Select, Switch, TextField, UserText, useToast, type DataTableColumn } from '../../ui/index.ts';
import { SERVQUAL, settingsApi, settingsKeys, type Cause, type Dimension } from './complaint-settings-api.ts';
import { UnplacedError, usePathError } from './settings-parts.tsx';

const NONE = 'none';

export function CausesSection({ canEdit }: { canEdit: boolean }) {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const client = useQueryClient();
  const causes = useQuery({ queryKey: settingsKeys.causes, queryFn: settingsApi.causes });
  const [showArchived, setShowArchived] = useState(false);
  const [editing, setEditing] = useState<Cause | 'new' | null>(null);
  const archive = useSubmit();
  const all = causes.data?.items ?? [];
  // Parents first, each followed by its sub-causes.
  const ordered = all.filter((c) => !c.parentCode).sort((a, b) => a.position - b.position)
    .flatMap((p) => [p, ...all.filter((c) => c.parentCode === p.code).sort((a, b) => a.position - b.position)])
    .filter((c) => showArchived || !c.archived);
  const labelOf = (code: string | null) => (code ? all.find((c) => c.code === code)?.labels[prefs.language] ?? code : null);

  const toggleArchive = async (cause: Cause) => {
    const ok = await archive.run(async () => {
      await settingsApi.updateCause(cause.code, { archived: !cause.archived });
      await client.invalidateQueries({ queryKey: settingsKeys.causes });
      await client.invalidateQueries({ queryKey: ['complaints', 'root-causes'] });
    });
    toast(ok ? t(cause.archived ? 'complaints.settings.cause.restored' : 'complaints.settings.cause.archived') : archive.error?.message ?? t('common.errorTitle'), ok ? 'good' : 'bad');
  };

  const columns: DataTableColumn<Cause>[] = [
    {
      id: 'label', header: t('complaints.settings.cause.label'), isPrimary: true,
      cell: (c) => <span className={c.parentCode ? 'sub-cause' : undefined}>{c.parentCode && <span className="muted">{labelOf(c.parentCode)} › </span>}<UserText>{c.labels[prefs.language]}</UserText></span>,
    },
    { id: 'code', header: t('complaints.settings.cause.code'), cell: (c) => <bdi dir="ltr" translate="no" className="cause-code">{c.code}</bdi> },
    { id: 'dimension', header: t('complaints.settings.cause.dimension'), cell: (c) => t(`complaints.settings.dimension.${c.dimension}`) },
    { id: 'state', header: t('complaints.settings.cause.state'), cell: (c) => (c.archived ? <Badge>{t('complaints.settings.cause.archivedBadge')}</Badge> : <Badge tone="good">{t('complaints.settings.cause.inUse')}</Badge>) },
    ...(canEdit ? [{
      id: 'actions', header: t('common.actions'), hideHeader: true,
      cell: (c: Cause) => (
        <span className="row-actions">
          <Button variant="ghost" onPress={() => setEditing(c)} aria-label={t('complaints.settings.cause.editNamed', { name: c.labels[prefs.language] })}>{t('common.edit')}</Button>
          <Button variant="ghost" isDisabled={archive.pending} onPress={() => void toggleArchive(c)}
            aria-label={t(c.archived ? 'complaints.settings.cause.restoreNamed' : 'complaints.settings.cause.archiveNamed', { name: c.labels[prefs.language] })}>
            {t(c.archived ? 'complaints.settings.cause.restore' : 'complaints.settings.cause.archive')}
          </Button>
        </span>
      ),
    }] : []),
  ];
  return (
    <section className="card settings-card">
      <div className="card-head">
        <h2>{t('complaints.settings.cause.title')}</h2>
        {canEdit && <Button variant="primary" onPress={() => setEditing('new')}><PlusIcon />{t('complaints.settings.cause.add')}</Button>}
      </div>
      <p className="muted settings-intro">{t('complaints.settings.cause.intro')}</p>
      <Switch isSelected={showArchived} onChange={setShowArchived}>{t('complaints.settings.cause.showArchived')}</Switch>
      <DataTable
        label={t('complaints.settings.cause.title')}
        columns={columns}
        rows={ordered}
        rowKey={(c) => c.code}
        rowProps={(c) => ({ 'data-code': c.code })}
        isLoading={causes.isPending}
        error={causes.isError ? { detail: causes.error.message, onRetry: () => void causes.refetch() } : undefined}
        empty={{ title: t('complaints.settings.cause.empty') }}
      />
      {editing && <CauseDialog cause={editing === 'new' ? null : editing} parents={all.filter((c) => !c.parentCode && !c.archived)} onClose={() => setEditing(null)} />}
    </section>
  );
}

function CauseDialog({ cause, parents, onClose }: { cause: Cause | null; parents: Cause[]; onClose: () => void }) {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const client = useQueryClient();
  const { error, pending, run } = useSubmit();
  const errorFor = usePathError(error);
  const [code, setCode] = useState(cause?.code ?? '');
  const [parent, setParent] = useState<string>(cause?.parentCode ?? NONE);
  const [dimension, setDimension] = useState<Dimension | typeof NONE>(cause?.dimension ?? (cause ? NONE : 'reliability'));
  const [labels, setLabels] = useState(cause?.labels ?? { fa: '', ar: '', en: '' });
  const handleSubmit = async () => {
    const trimmed = { fa: labels.fa.trim(), ar: labels.ar.trim(), en: labels.en.trim() };
    const ok = await run(async () => {
      if (cause) await settingsApi.updateCause(cause.code, { labels: trimmed, ...(dimension !== NONE ? { dimension } : {}) });
      else await settingsApi.createCause({ code: code.trim(), labels: trimmed, ...(parent !== NONE ? { parentCode: parent } : {}), ...(dimension !== NONE ? { dimension } : {}) });
      await client.invalidateQueries({ queryKey: settingsKeys.causes });
      await client.invalidateQueries({ queryKey: ['complaints', 'root-causes'] });
    });
    if (ok) {
      toast(t('complaints.settings.cause.saved'));
      onClose();
    }
  };
  return (
    <Dialog title={cause ? t('complaints.settings.cause.editTitle') : t('complaints.settings.cause.addTitle')} isOpen onOpenChange={(open) => !open && onClose()}>
      <Form className="form" onSubmit={(e) => { e.preventDefault(); void handleSubmit(); }} validationBehavior="aria">
        <TextField label={t('complaints.settings.cause.code')} value={code} onChange={setCode} isRequired isReadOnly={Boolean(cause)} dir="ltr"
          description={t('complaints.settings.cause.codeHint')} errorMessage={errorFor('code')} />
        {!cause && (
          <Select label={t('complaints.settings.cause.parent')} value={parent} onChange={setParent} errorMessage={errorFor('parentCode')}
            options={[{ id: NONE, label: t('complaints.settings.cause.topLevel') }, ...parents.map((p) => ({ id: p.code, label: p.labels[prefs.language] }))]} />
        )}
        <Select label={t('complaints.settings.cause.dimension')} value={dimension} onChange={(v) => setDimension(v as Dimension | typeof NONE)} errorMessage={errorFor('dimension')}
          options={[...(parent !== NONE && !cause ? [{ id: NONE, label: t('complaints.settings.cause.parentDimension') }] : []), ...SERVQUAL.map((d) => ({ id: d, label: t(`complaints.settings.dimension.${d}`) }))]} />
        <TextField label={t('complaints.settings.cause.labelFa')} value={labels.fa} onChange={(fa) => setLabels((l) => ({ ...l, fa }))} isRequired dir="rtl" errorMessage={errorFor('labels.fa')} />
        <TextField label={t('complaints.settings.cause.labelAr')} value={labels.ar} onChange={(ar) => setLabels((l) => ({ ...l, ar }))} isRequired dir="rtl" errorMessage={errorFor('labels.ar')} />
        <TextField label={t('complaints.settings.cause.labelEn')} value={labels.en} onChange={(en) => setLabels((l) => ({ ...l, en }))} isRequired dir="ltr" errorMessage={errorFor('labels.en')} />
        <UnplacedError error={error} placed={(p) => /^(code|parentCode|dimension|labels)/.test(p)} />
        <div className="form-actions">
          <Button type="submit" variant="primary" isPending={pending}>{t('common.save')}</Button>
          <Button onPress={onClose}>{t('common.cancel')}</Button>
        </div>
      </Form>
    </Dialog>
  );
}
