// The case page's thread: e-mails and text messages on the case, its attachments (download, and
// upload for those who work cases), the cases merged into it, and merging this one into another.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type FormEvent } from 'react';
import { Form, Link } from 'react-aria-components';
import { useNavigate } from '@tanstack/react-router';
import { usePrefs } from '../../app/prefs.tsx';
import { useFieldError, useT } from '../../i18n/useT.ts';
import { formatInstant, localeTag } from '../../lib/format.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { Button, Dialog, ErrorState, Select, Skeleton, TextField, UploadIcon, UserText, useToast } from '../../ui/index.ts';
import { ATTACHMENT_MAX_BYTES as COMPLAINT_ATTACHMENT_MAX_BYTES, ATTACHMENT_MAX_FILES as COMPLAINT_ATTACHMENT_MAX_FILES, complaintsApi, type ComplaintDetail } from './api.ts';
import { formatTrackingCode } from './complaint-format.ts';
import { TrackingCode } from './complaint-parts.tsx';

function formatSize(bytes: number, locale: string): string {
  const kb = bytes / 1024;
  return kb < 1024
    ? new Intl.NumberFormat(locale, { style: 'unit', unit: 'kilobyte', unitDisplay: 'long', maximumFractionDigits: 0 }).format(Math.max(1, kb))
    : new Intl.NumberFormat(locale, { style: 'unit', unit: 'megabyte', unitDisplay: 'long', maximumFractionDigits: 1 }).format(kb / 1024);
}

export function CaseThread({ complaint, canWork, canMerge }: { complaint: ComplaintDetail; canWork: boolean; canMerge: boolean }) {
  const t = useT();
  const prefs = usePrefs();
  const thread = useQuery({ queryKey: ['complaints', 'thread', complaint.id, complaint.updatedAt], queryFn: () => complaintsApi.thread(complaint.id) });
  const locale = localeTag(prefs);
  return (
    <section className="card" aria-labelledby="cc-thread">
      <h2 id="cc-thread">{t('complaints.thread')}</h2>
      {thread.isPending ? <Skeleton lines={3} /> : thread.isError ? <ErrorState detail={thread.error.message} onRetry={() => void thread.refetch()} /> : (
        <>
          {thread.data.mergedInto && (
            <p className="notice" role="status">
              {t('complaints.mergedInto')} <Link href={`/complaints/${thread.data.mergedInto}`}>{t('complaints.openCase')}</Link>
            </p>
          )}
          {thread.data.merged.length > 0 && (
            <p>
              {t('complaints.mergedHere')}{' '}
              {thread.data.merged.map((m, i) => <span key={m.id}>{i > 0 && '، '}<TrackingCode code={m.trackingCode} /></span>)}
            </p>
          )}
          {thread.data.messages.length > 0 && (
            <ol className="case-log thread-messages">
              {thread.data.messages.map((m) => (
                <li key={m.id} className={`case-event case-event-${m.direction === 'inbound' ? 'customer_message' : 'response'}`}>
                  <div className="case-event-head">
                    <strong>{t(`complaints.message.${m.channel}.${m.direction}`)}</strong>
                    {m.from && <UserText ltr>{m.from}</UserText>}
                    <time className="muted" dateTime={m.at}>{formatInstant(m.at, prefs)}</time>
                  </div>
                  {m.subject && <p className="case-event-detail"><UserText>{m.subject}</UserText></p>}
                  <p className="case-event-note"><UserText>{m.text}</UserText></p>
                </li>
              ))}
            </ol>
          )}
          <h3 className="subhead">{t('complaints.attachments')}</h3>
          {thread.data.attachments.length === 0 ? <p className="muted">{t('complaints.noAttachments')}</p> : (
            <ul className="attachment-list">
              {thread.data.attachments.map((a) => (
                <li key={a.id}>
                  <a href={complaintsApi.attachmentUrl(complaint.id, a.id)} download><UserText>{a.fileName}</UserText></a>
                  <span className="muted"> · {formatSize(a.sizeBytes, locale)} · {t(`complaints.attachmentSource.${a.source}`)} · {formatInstant(a.createdAt, prefs)}</span>
                </li>
              ))}
            </ul>
          )}
          {canWork && complaint.state !== 'closed' && <AttachForm complaint={complaint} />}
          {canMerge && complaint.state !== 'closed' && !thread.data.mergedInto && <MergeButton complaint={complaint} />}
        </>
      )}
    </section>
  );
}

function AttachForm({ complaint }: { complaint: ComplaintDetail }) {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const client = useQueryClient();
  const inputId = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const [files, setFiles] = useState<File[]>([]);
  const [note, setNote] = useState('');
  const [inputKey, setInputKey] = useState(0);
  const { error, pending, run } = useSubmit();
  const tooBig = files.find((f) => f.size > COMPLAINT_ATTACHMENT_MAX_BYTES);
  const tooMany = files.length > COMPLAINT_ATTACHMENT_MAX_FILES;
  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (files.length === 0 || tooBig || tooMany) return;
    await run(async () => {
      await complaintsApi.attach(complaint.id, files, note.trim() || undefined);
      setFiles([]);
      setNote('');
      setInputKey((k) => k + 1);
      void client.invalidateQueries({ queryKey: ['complaints', 'detail', complaint.id] });
      void client.invalidateQueries({ queryKey: ['complaints', 'thread', complaint.id] });
      toast(t('complaints.attached'));
    });
  };
  const limit = t('complaints.attachLimits', { files: COMPLAINT_ATTACHMENT_MAX_FILES, size: formatSize(COMPLAINT_ATTACHMENT_MAX_BYTES, localeTag(prefs)) });
  return (
    <Form onSubmit={handleSubmit} className="form attach-form" validationBehavior="aria">
      <div className="field file-field">
        <label className="field-label" htmlFor={inputId}>{t('complaints.attachFiles')}</label>
        {/* The browser's own picker says "Choose Files / No file chosen" in the browser's language, not the page's: a button of ours opens it. */}
        <div className="file-row">
          <Button onPress={() => fileInput.current?.click()} aria-describedby={`${inputId}-chosen ${inputId}-help`}><UploadIcon />{t('complaints.chooseFiles')}</Button>
          <span id={`${inputId}-chosen`} className="muted file-names">
            {files.length === 0 ? t('complaints.noFilesChosen') : files.map((f, i) => <span key={i}>{i > 0 && '، '}<UserText>{f.name}</UserText></span>)}
          </span>
        </div>
        <input key={inputKey} ref={fileInput} id={inputId} type="file" multiple className="visually-hidden" tabIndex={-1} onChange={(e) => setFiles([...(e.target.files ?? [])])} aria-describedby={`${inputId}-help`} />
        <span id={`${inputId}-help`} className="field-description">{limit}</span>
        {(tooBig || tooMany) && <span className="field-error" role="alert">{tooMany ? limit : t('complaints.attachTooBig', { name: tooBig!.name })}</span>}
      </div>
      {files.length > 0 && <TextField label={t('complaints.note')} value={note} onChange={setNote} />}
      {error && <p className="form-error" role="alert">{error.message}</p>}
      {files.length > 0 && <div className="form-actions"><Button type="submit" isPending={pending}>{t('complaints.attach')}</Button></div>}
    </Form>
  );
}

function MergeButton({ complaint }: { complaint: ComplaintDetail }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  return (
    <div className="merge-row">
      <Button variant="ghost" onPress={() => setOpen(true)}>{t('complaints.merge')}</Button>
      <Dialog title={t('complaints.merge')} isOpen={open} onOpenChange={setOpen}>
        {(close) => <MergeForm complaint={complaint} onDone={close} />}
      </Dialog>
    </div>
  );
}

function MergeForm({ complaint, onDone }: { complaint: ComplaintDetail; onDone: () => void }) {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const client = useQueryClient();
  const navigate = useNavigate();
  // Candidates: open cases, the same customer's first.
  const open = useQuery({ queryKey: ['complaints', 'merge-candidates'], queryFn: () => complaintsApi.queue({ state: 'open', severity: undefined }, undefined, 200) });
  const [into, setInto] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const { error, pending, run } = useSubmit();
  const fe = useFieldError(error);
  const candidates = (open.data?.items ?? []).filter((c) => c.id !== complaint.id)
    .sort((a, b) => Number(b.customerId !== null && b.customerId === complaint.customerId) - Number(a.customerId !== null && a.customerId === complaint.customerId));
  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (!into) return;
    await run(async () => {
      const survivor = await complaintsApi.merge(complaint.id, { into, ...(note.trim() ? { note: note.trim() } : {}) });
      void client.invalidateQueries({ queryKey: ['complaints'] });
      toast(t('complaints.merged'));
      onDone();
      void navigate({ to: '/complaints/$id', params: { id: survivor.id } });
    });
  };
  return (
    <Form onSubmit={handleSubmit} className="form" validationBehavior="aria">
      <p className="muted">{t('complaints.mergeHelp')}</p>
      {error && !('into' in error.fieldErrors) && <p className="form-error" role="alert">{error.message}</p>}
      {open.isPending ? <Skeleton lines={2} /> : (
        <Select
          label={t('complaints.mergeInto')}
          value={into}
          onChange={setInto}
          errorMessage={fe('into')}
          options={candidates.map((c) => ({
            id: c.id,
            label: `${formatTrackingCode(c.trackingCode, prefs.digits)} · ${c.contact.name ?? (c.customerId ? t('complaints.linkedCustomer') : t('complaints.anonymous'))}`,
          }))}
        />
      )}
      <TextField label={t('complaints.note')} value={note} onChange={setNote} multiline />
      <div className="form-actions">
        <Button type="submit" variant="primary" isPending={pending} isDisabled={!into}>{t('complaints.merge')}</Button>
        <Button onPress={onDone}>{t('common.cancel')}</Button>
      </div>
    </Form>
  );
}
