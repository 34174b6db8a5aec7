// Notes and hand-logged interactions on the customer page: "add note" and "log an interaction"
// above the timeline, and on each entry its words, who wrote it, and edit / delete for its
// author or a manager.
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import { Form } from 'react-aria-components';
import { useIntl } from 'react-intl';
import { usePrefs } from '../../app/prefs.tsx';
import { useSession } from '../../app/session.ts';
import { useFieldError, useT } from '../../i18n/useT.ts';
import type { MessageKey } from '../../i18n/index.ts';
import { formatInstant } from '../../lib/format.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { Button, ConfirmDialog, Dialog, PhoneIcon, PlusIcon, TextField, UserText, useToast } from '../../ui/index.ts';
import { InteractionForm } from './interaction-form.tsx';
import { canWriteTimeline, isHandWritten, mayChange, notesApi, type TimelineEntry } from './notes-api.ts';
import { noteIssues } from './timeline-entry-validation.ts';
import './customer-notes.css';

const TEXT_MAX = 4000;
/** The counter appears when this few characters are left. */
const COUNT_FROM = 400;

/** After a change, the timeline (and the customer's activity) are read again. */
function useRefreshTimeline(customerId: string) {
  const client = useQueryClient();
  return () => {
    void client.invalidateQueries({ queryKey: ['timeline', customerId] });
    void client.invalidateQueries({ queryKey: ['customer', customerId] });
  };
}

/**
 * The timeline card's heading with "add note" and "log an interaction" beside it (for those who
 * may write, on a customer who is neither merged nor erased), and the note composer under it.
 */
export function TimelineComposer({ customerId, canWrite, hasOrders, children }: { customerId: string; canWrite: boolean; hasOrders: boolean; children: ReactNode }) {
  const t = useT();
  const session = useSession();
  const toast = useToast();
  const refresh = useRefreshTimeline(customerId);
  const [composing, setComposing] = useState(false);
  const [logging, setLogging] = useState(false);
  const writer = canWrite && canWriteTimeline(session.role);
  return (
    <>
      <div className="timeline-card-head">
        {children}
        {writer && (
          <div className="timeline-actions">
            <Button onPress={() => setComposing(true)} isDisabled={composing}><PlusIcon />{t('notes.add')}</Button>
            <Button onPress={() => setLogging(true)}><PhoneIcon />{t('notes.log')}</Button>
          </div>
        )}
      </div>
      {composing && (
        <NoteForm
          label={t('notes.new')}
          submitLabel={t('notes.save')}
          onCancel={() => setComposing(false)}
          onSave={async (text) => {
            await notesApi.addNote(customerId, text);
            refresh();
            toast(t('notes.added'));
            setComposing(false);
          }}
        />
      )}
      <Dialog title={t('notes.logTitle')} isOpen={logging} onOpenChange={setLogging} size="large">
        {(close) => (
          <InteractionForm
            defaultStage={hasOrders ? 'after-sale' : 'pre-sale'}
            onCancel={close}
            onSave={async (body) => {
              await notesApi.logInteraction(customerId, body);
              refresh();
              toast(t('notes.logged'));
              close();
            }}
          />
        )}
      </Dialog>
    </>
  );
}

/** A note's text box with save and cancel; Ctrl+Enter (⌘+Enter) saves. */
function NoteForm({ label, submitLabel, initial = '', onSave, onCancel }: {
  label: string; submitLabel: string; initial?: string; onSave: (text: string) => Promise<void>; onCancel: () => void;
}) {
  const t = useT();
  const [text, setText] = useState(initial);
  const [attempted, setAttempted] = useState(false);
  const { error, pending, run } = useSubmit();
  const serverError = useFieldError(error);
  const code = attempted ? noteIssues(text).text : undefined;
  const left = TEXT_MAX - text.trim().length;

  const submit = async () => {
    setAttempted(true);
    if (noteIssues(text).text) return;
    await run(() => onSave(text.trim()));
  };
  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submit();
  };
  const handleKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void submit();
    }
  };
  return (
    // Ctrl+Enter inside the text box saves; React Aria's Form takes no key handler, so a wrapper listens.
    <div onKeyDown={handleKeyDown}>
    <Form className="form note-form" onSubmit={handleSubmit} validationBehavior="aria">
      <TextField
        label={label}
        multiline
        value={text}
        onChange={setText}
        autoFocus
        description={left < COUNT_FROM ? t('notes.charactersLeft', { count: left }) : t('notes.saveHint')}
        errorMessage={code ? t(`fieldError.${code}` as MessageKey) : serverError('text')}
      />
      {error && !error.fieldErrors.text && <p className="form-error" role="alert">{error.message}</p>}
      <div className="form-actions">
        <Button type="submit" variant="primary" isPending={pending}>{submitLabel}</Button>
        <Button onPress={onCancel}>{t('common.cancel')}</Button>
      </div>
    </Form>
    </div>
  );
}

/** Who wrote a hand-written entry, with their name isolated as user data (it may be in another script). */
function useAuthorLine(entry: TimelineEntry): ReactNode {
  const intl = useIntl();
  const author = entry.author;
  if (!author || !isHandWritten(entry)) return null;
  const name = (value: string) => <UserText>{value}</UserText>;
  if (author.type === 'api_key') {
    return author.name === null ? intl.formatMessage({ id: 'notes.byDeletedKey' }) : intl.formatMessage({ id: 'notes.byKey' }, { name: name(author.name) });
  }
  return intl.formatMessage({ id: 'notes.by' }, { name: author.name === null ? intl.formatMessage({ id: 'notes.formerMember' }) : name(author.name) });
}

/**
 * What a person wrote on a timeline entry, who wrote it and whether it was edited; edit and
 * delete for its author or a manager (not on a merged or erased customer's page).
 */
export function TimelineEntryDetail({ item, customerId, canWrite }: { item: TimelineEntry; customerId: string; canWrite: boolean }) {
  const t = useT();
  const prefs = usePrefs();
  const session = useSession();
  const toast = useToast();
  const refresh = useRefreshTimeline(customerId);
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [deletePending, setDeletePending] = useState(false);
  const author = useAuthorLine(item);
  if (!author && !item.text) return null;
  const isNote = item.kind === 'note';
  const changeable = canWrite && mayChange(item, session);

  const handleDelete = async () => {
    setDeletePending(true);
    try {
      await (isNote ? notesApi.deleteNote(customerId, item.id) : notesApi.deleteInteraction(customerId, item.id));
      refresh();
      toast(t(isNote ? 'notes.noteDeleted' : 'notes.interactionDeleted'));
      setDeleting(false);
    } catch (err) {
      toast(err instanceof Error ? err.message : t('common.networkError'), 'bad');
    } finally {
      setDeletePending(false);
    }
  };

  return (
    <div className="timeline-entry" data-testid="timeline-entry">
      {editing && isNote ? (
        <NoteForm
          label={t('notes.editNote')}
          submitLabel={t('common.save')}
          initial={item.text ?? ''}
          onCancel={() => setEditing(false)}
          onSave={async (text) => {
            await notesApi.editNote(customerId, item.id, text);
            refresh();
            toast(t('notes.updated'));
            setEditing(false);
          }}
        />
      ) : item.text && <bdi className="timeline-entry-text" dir="auto">{item.text}</bdi>}
      <div className="timeline-entry-meta">
        {author && <span className="muted" data-testid="timeline-entry-author">{author}</span>}
        {item.editedAt && <span className="muted" title={formatInstant(item.editedAt, prefs)}>{t('notes.edited')}</span>}
        {changeable && !editing && (
          <span className="timeline-entry-actions">
            <Button variant="ghost" onPress={() => setEditing(true)} aria-label={t(isNote ? 'notes.editNote' : 'notes.editInteraction')}>{t('common.edit')}</Button>
            <Button variant="ghost" onPress={() => setDeleting(true)} aria-label={t(isNote ? 'notes.deleteNote' : 'notes.deleteInteraction')}>{t('common.delete')}</Button>
          </span>
        )}
      </div>
      {!isNote && (
        <Dialog title={t('notes.editInteraction')} isOpen={editing} onOpenChange={setEditing} size="large">
          {(close) => (
            <InteractionForm
              entry={item}
              defaultStage="after-sale"
              onCancel={close}
              onSave={async (body) => {
                await notesApi.editInteraction(customerId, item.id, body);
                refresh();
                toast(t('notes.updated'));
                close();
              }}
            />
          )}
        </Dialog>
      )}
      <ConfirmDialog
        title={t(isNote ? 'notes.deleteNoteTitle' : 'notes.deleteInteractionTitle')}
        body={t('notes.deleteBody')}
        confirmLabel={t('common.delete')}
        isOpen={deleting}
        onOpenChange={setDeleting}
        onConfirm={() => void handleDelete()}
        isPending={deletePending}
        danger
      />
    </div>
  );
}
