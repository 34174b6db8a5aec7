// Files a customer adds to a complaint (a photo of the receipt, a PDF) on the public form and the
// tracking page: a button of ours opens the device's picker (the browser's own one speaks the
// browser's language, not the page's), each file listed with its size and a button to take it
// out, and the limits checked here before anything is sent (the server checks them again, and the
// content). A phone user may pick one photo, then another: picks add up.
import { useId, useRef, useState, type ReactNode } from 'react';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { localeTag } from '../../lib/format.ts';
import type { ApiError } from '../../lib/api.ts';
import { Button, CloseIcon, UploadIcon, UserText } from '../../ui/index.ts';
import { ATTACHMENT_MAX_BYTES, ATTACHMENT_MAX_FILES } from './api.ts';

/** What the server keeps (contracts' COMPLAINT_ATTACHMENT_TYPES); the picker offers these first, the server decides by content. */
const ACCEPT = 'image/jpeg,image/png,image/webp,image/gif,application/pdf,text/plain,.jpg,.jpeg,.png,.webp,.gif,.pdf,.txt';

export function formatFileSize(bytes: number, locale: string): string {
  const kb = bytes / 1024;
  return kb < 1024
    ? new Intl.NumberFormat(locale, { style: 'unit', unit: 'kilobyte', unitDisplay: 'long', maximumFractionDigits: 0 }).format(Math.max(1, kb))
    : new Intl.NumberFormat(locale, { style: 'unit', unit: 'megabyte', unitDisplay: 'long', maximumFractionDigits: 1 }).format(kb / 1024);
}

/** Why the chosen files cannot be sent as they are, or null. */
export function filesProblem(files: File[]): { kind: 'too_many' } | { kind: 'too_big'; name: string } | null {
  if (files.length > ATTACHMENT_MAX_FILES) return { kind: 'too_many' };
  const big = files.find((f) => f.size > ATTACHMENT_MAX_BYTES);
  return big ? { kind: 'too_big', name: big.name } : null;
}

/** Where a file's name goes in a sentence: the name is the person's own text, isolated (its Latin extension is no word of the page). */
const NAME = '\u2063';

/** A message with `{name}`, the name set in a bdi of its own. */
function NamedText({ text, name }: { text: string; name: string }) {
  const [before, after] = text.split(NAME);
  return <>{before}<UserText>{name}</UserText>{after}</>;
}

/**
 * The server's refusal of a file, said with the file's name in the reader's language (the server's
 * own words name the accepted formats in Latin letters); undefined when the error is not about files.
 */
export function useFileRefusal(error: ApiError | null, files: File[]): ReactNode {
  const t = useT();
  const prefs = usePrefs();
  if (!error) return undefined;
  const index = Object.keys(error.fieldPaths).map((f) => /^files\[(\d+)\]$/.exec(f)?.[1]).find((i) => i !== undefined);
  const name = files[Number(index ?? 0)]?.name ?? '';
  if (error.code === 'attachment_type_refused') return <NamedText text={t('complaintPublic.fileRefused', { name: NAME })} name={name} />;
  if (error.code === 'attachment_too_large') return <NamedText text={t('complaintPublic.fileTooBig', { name: NAME, size: formatFileSize(ATTACHMENT_MAX_BYTES, localeTag(prefs)) })} name={name} />;
  if (error.code === 'too_many_attachments') return error.message;
  return undefined;
}

export function PublicFilePicker({ files, onChange, serverError }: { files: File[]; onChange: (files: File[]) => void; serverError?: ReactNode }) {
  const t = useT();
  const prefs = usePrefs();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [inputKey, setInputKey] = useState(0);
  const locale = localeTag(prefs);
  const size = formatFileSize(ATTACHMENT_MAX_BYTES, locale);
  const problem = filesProblem(files);
  const problemText = problem?.kind === 'too_many'
    ? t('complaintPublic.tooManyFiles', { files: ATTACHMENT_MAX_FILES })
    : problem ? <NamedText text={t('complaintPublic.fileTooBig', { name: NAME, size })} name={problem.name} /> : serverError;
  return (
    <div className="field public-files" data-testid="public-files">
      <span className="field-label" id={`${id}-label`}>{t('complaintPublic.files')}</span>
      <span id={`${id}-help`} className="field-description">{t('complaintPublic.filesHelp', { files: ATTACHMENT_MAX_FILES, size })}</span>
      {files.length > 0 && (
        <ul className="public-file-list" aria-labelledby={`${id}-label`}>
          {files.map((file, i) => (
            <li key={`${file.name}-${i}`}>
              <span className="public-file-name"><UserText>{file.name}</UserText></span>
              <span className="muted">{formatFileSize(file.size, locale)}</span>
              {/* Named by labelledby, not aria-label: the name keeps its own direction and is no word of the page. */}
              <span className="visually-hidden" id={`${id}-remove-${i}`}><NamedText text={t('complaintPublic.removeFile', { name: NAME })} name={file.name} /></span>
              <Button variant="ghost" className="icon-button" aria-labelledby={`${id}-remove-${i}`} onPress={() => onChange(files.filter((_, j) => j !== i))}>
                <CloseIcon size={16} />
              </Button>
            </li>
          ))}
        </ul>
      )}
      {files.length < ATTACHMENT_MAX_FILES && (
        <Button onPress={() => input.current?.click()} aria-describedby={`${id}-label ${id}-help`}>
          <UploadIcon />{files.length === 0 ? t('complaintPublic.chooseFiles') : t('complaintPublic.chooseMoreFiles')}
        </Button>
      )}
      <input
        key={inputKey}
        ref={input}
        type="file"
        multiple
        accept={ACCEPT}
        className="visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        data-testid="public-files-input"
        onChange={(e) => {
          onChange([...files, ...(e.target.files ?? [])]);
          setInputKey((k) => k + 1);
        }}
      />
      {problemText && <span className="field-error" role="alert">{problemText}</span>}
    </div>
  );
}

/** A field people never see: scripts that fill every field fill it, and their filing is not kept. */
export function Honeypot({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const t = useT();
  return (
    <div className="public-hp" aria-hidden="true">
      <label>
        {t('complaintPublic.leaveEmpty')}
        <input type="text" name="website" tabIndex={-1} autoComplete="off" value={value} onChange={(e) => onChange(e.target.value)} />
      </label>
    </div>
  );
}
