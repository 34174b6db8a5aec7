// The actions on a selection of the customer list: add or remove a tag, add to a segment's
// hand-picked list, export as CSV. Each asks in a small dialog, then says what changed.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSession } from '../../app/session.ts';
import { useT } from '../../i18n/useT.ts';
import { api, type CustomerFilters } from '../../lib/api.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { Button, Dialog, DownloadIcon, ErrorState, Select, TextField, useToast, type Selection } from '../../ui/index.ts';
import {
  canEditCustomers, canExportCustomers, canListInSegments, customersApi, downloadText, selectionOf, type BulkAction,
} from './customers-bulk-api.ts';

type Step = 'add_tags' | 'remove_tags' | 'add_to_segment' | null;

/** The link that streams the CSV of every customer the filters match (too many for a page to hold). */
function filteredExportHref(filters: CustomerFilters): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, String(value));
  const text = params.toString();
  return `/api/exports/customers.csv${text ? `?${text}` : ''}`;
}

export function CustomersBulkActions({ selected, count, filters, onDone }: {
  selected: Selection;
  /** how many customers the selection covers, for the dialogs' titles */
  count: number;
  filters: CustomerFilters;
  onDone: () => void;
}) {
  const t = useT();
  const session = useSession();
  const toast = useToast();
  const client = useQueryClient();
  const [step, setStep] = useState<Step>(null);
  const exporting = useSubmit();
  const selection = selectionOf(selected, filters);

  const handleExport = async () => {
    if (!('ids' in selection)) {
      const link = document.createElement('a');
      link.href = filteredExportHref(filters);
      link.download = 'customers.csv';
      document.body.append(link);
      link.click();
      link.remove();
      return;
    }
    // Excel needs the byte-order mark to read Persian and Arabic as UTF-8; fetch's text() drops it.
    await exporting.run(async () => downloadText(`\uFEFF${await customersApi.exportCsv(selection)}`, 'customers.csv'));
  };

  const handleApplied = (action: BulkAction, changed: number) => {
    const message = action.type === 'add_tags' ? 'customers.bulk.tagged' : action.type === 'remove_tags' ? 'customers.bulk.untagged' : 'customers.bulk.listed';
    toast(t(message, { count: changed }));
    void client.invalidateQueries({ queryKey: ['customers'] });
    void client.invalidateQueries({ queryKey: ['customers-count'] });
    void client.invalidateQueries({ queryKey: ['segments'] });
    for (const key of ['segment-members', 'segment-listed', 'segment-preview']) void client.invalidateQueries({ queryKey: [key] });
    setStep(null);
    onDone();
  };

  return (
    <>
      {canEditCustomers(session.role) && (
        <>
          <Button onPress={() => setStep('add_tags')}>{t('customers.bulk.addTag')}</Button>
          <Button onPress={() => setStep('remove_tags')}>{t('customers.bulk.removeTag')}</Button>
        </>
      )}
      {canListInSegments(session.role) && <Button onPress={() => setStep('add_to_segment')}>{t('customers.bulk.addToSegment')}</Button>}
      {canExportCustomers(session.role) && (
        <Button onPress={() => void handleExport()} isPending={exporting.pending}><DownloadIcon />{t('customers.bulk.export')}</Button>
      )}
      {exporting.error && <span className="field-error" role="alert">{exporting.error.message}</span>}
      {step && (
        <BulkDialog step={step} count={count} onClose={() => setStep(null)} onApply={(action) => customersApi.bulk(selection, action)} onApplied={handleApplied} />
      )}
    </>
  );
}

function BulkDialog({ step, count, onClose, onApply, onApplied }: {
  step: NonNullable<Step>;
  count: number;
  onClose: () => void;
  onApply: (action: BulkAction) => Promise<{ changed: number }>;
  onApplied: (action: BulkAction, changed: number) => void;
}) {
  const t = useT();
  const [tag, setTag] = useState('');
  const [segmentId, setSegmentId] = useState<string | null>(null);
  const [newList, setNewList] = useState('');
  const [missing, setMissing] = useState(false);
  const submit = useSubmit();
  const segments = useQuery({ queryKey: ['segments'], queryFn: api.segments, enabled: step === 'add_to_segment' });
  const title = t(step === 'add_tags' ? 'customers.bulk.addTagTitle' : step === 'remove_tags' ? 'customers.bulk.removeTagTitle' : 'customers.bulk.segmentTitle', { count });

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const listName = newList.trim();
    const ready = step === 'add_to_segment' ? Boolean(segmentId ?? listName) : Boolean(tag.trim());
    setMissing(!ready);
    if (!ready) return;
    const applied: { action?: BulkAction; changed: number } = { changed: 0 };
    const done = await submit.run(async () => {
      let action: BulkAction;
      if (step === 'add_to_segment') {
        // A new list is a segment whose rules match no one: its members are those added to it.
        const id = segmentId ?? (await api.createSegment({ name: listName, rules: { match: 'any', conditions: [] } })).id;
        setSegmentId(id);
        action = { type: 'add_to_segment', segmentId: id };
      } else {
        action = { type: step, tags: [tag.trim()] };
      }
      applied.changed = (await onApply(action)).changed;
      applied.action = action;
    });
    if (done && applied.action) onApplied(applied.action, applied.changed);
  };

  const fieldError = submit.error?.fieldPaths['action.tags.0']?.message ?? (missing ? t('customers.bulk.tagRequired') : undefined);
  return (
    <Dialog title={title} isOpen onOpenChange={(open) => !open && onClose()} size="small">
      <form className="form" onSubmit={(e) => void handleSubmit(e)} noValidate>
        {step === 'add_to_segment' ? (
          segments.isError ? <ErrorState detail={segments.error.message} onRetry={() => void segments.refetch()} /> : (
            <>
              {(segments.data?.items.length ?? 0) > 0 && (
                <Select
                  label={t('customers.bulk.segment')}
                  value={segmentId}
                  onChange={(id) => { setSegmentId(id); setNewList(''); }}
                  options={(segments.data?.items ?? []).map((s) => ({ id: s.id, label: s.name }))}
                />
              )}
              <TextField
                label={t('customers.bulk.newList')}
                description={t('customers.bulk.segmentHint')}
                value={newList}
                onChange={(name) => { setNewList(name); if (name.trim()) setSegmentId(null); }}
                errorMessage={missing ? t('customers.bulk.chooseSegment') : submit.error?.fieldPaths.name?.message}
              />
            </>
          )
        ) : (
          <TextField label={t('customers.bulk.tag')} value={tag} onChange={setTag} autoFocus errorMessage={fieldError} />
        )}
        {submit.error && !submit.error.fieldPaths['action.tags.0'] && <p className="field-error" role="alert">{submit.error.message}</p>}
        <div className="form-actions">
          <Button type="submit" variant="primary" isPending={submit.pending}>{t('customers.bulk.apply')}</Button>
          <Button onPress={onClose}>{t('common.cancel')}</Button>
        </div>
      </form>
    </Dialog>
  );
}
