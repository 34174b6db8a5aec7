import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { CUSTOMER_IMPORT_FIELDS, type CustomerImportMapping } from '@vafa/contracts';

import type { MessageKey } from '../../i18n/index.ts';
import { useT } from '../../i18n/useT.ts';
import { ApiError, api, downloads, type Import, type ImportProposal } from '../../lib/api.ts';
import { readCsvHead } from '../../lib/csv.ts';

import { Badge, Button, ButtonLink, Checkbox, DownloadIcon, Select, UploadIcon, UserText } from '../../ui/index.ts';
import { ProgressBar } from '../../ui/progress.tsx';

type Translate = ReturnType<typeof useT>;

const CONSENT = 'consent_';
const BIRTHDAY_IN = 'birthday:';
const ATTRIBUTE = 'attribute.';
// Bidi isolation: a Latin header inside a Persian sentence (or the reverse) keeps its own direction.
const isolate = (text: string) => `\u2068${text}\u2069`;

/** Shops put an apostrophe before a value a spreadsheet would read as a formula ('+98…); the importer drops it, so the preview does too. */
const withoutFormulaGuard = (value: string) => (/^'[=+\-@]/.test(value) ? value.slice(1) : value);

/** A field in the reader's words: never a raw key on screen. */
function fieldLabel(field: string, t: Translate): string {
  if (field === 'ignore') return t('import.field.ignore');
  if (field.startsWith(CONSENT)) return t('import.fields.consent', { channel: t(`channel.${field.slice(CONSENT.length)}` as MessageKey) });
  if (field.startsWith(BIRTHDAY_IN)) return t('import.fields.birthdayIn', { calendar: t(`calendar.${field.slice(BIRTHDAY_IN.length)}` as MessageKey) });
  if (field.startsWith(ATTRIBUTE)) return t('import.fields.attribute', { key: isolate(field.slice(ATTRIBUTE.length)) });
  return t(`import.fields.${field}` as MessageKey);
}

export default function ImportPage() {
  const t = useT();

  const client = useQueryClient();
  const fileInput = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [head, setHead] = useState<{ headers: string[]; sample: string[] } | null>(null);
  const [proposal, setProposal] = useState<ImportProposal | null>(null);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  /** joined field → whether the user keeps the join the importer proposed */
  const [keptJoins, setKeptJoins] = useState<Record<string, boolean>>({});
  const [runAutomations, setRunAutomations] = useState(false);
  const [importId, setImportId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [reading, setReading] = useState(false);

  const status = useQuery({
    queryKey: ['import', importId],
    queryFn: () => api.importStatus(importId!),
    enabled: Boolean(importId),
    refetchInterval: (query) => {
      const data = query.state.data as Import | undefined;
      return data && (data.status === 'succeeded' || data.status === 'failed') ? false : 700;
    },
  });
  const done = status.data && (status.data.status === 'succeeded' || status.data.status === 'failed');
  useEffect(() => {
    if (done) void client.invalidateQueries({ queryKey: ['customers'] });
  }, [done, client]);

  const handleFile = async (chosen: File | undefined) => {
    setError(null);
    setImportId(null);
    setProposal(null);
    if (!chosen) return;
    setFile(chosen);
    const parsed = readCsvHead(await chosen.slice(0, 64 * 1024).text());
    if (parsed.headers.length === 0) {
      setError(t('import.emptyFile'));
      setHead(null);
      return;
    }
    setHead(parsed);
    setReading(true);
    try {
      // The server proposes: the same header matching (letters folded, shops recognised) as an upload without a mapping.
      const proposed = await api.proposeCustomerImport(parsed.headers);
      setProposal(proposed);
      setMapping(Object.fromEntries(parsed.headers.map((h) => [h, proposed.columns[h] ?? 'ignore'])));
      setKeptJoins(Object.fromEntries(Object.keys(proposed.joins).map((field) => [field, true])));
    } catch (err) {
      setHead(null);
      setError(err instanceof ApiError ? err.message : t('common.networkError'));
    } finally {
      setReading(false);
    }
  };

  const joins = Object.fromEntries(Object.entries(proposal?.joins ?? {}).filter(([field]) => keptJoins[field]));
  const joinedField = (header: string) => Object.entries(joins).find(([, headers]) => headers.includes(header))?.[0];

  const handleJoinToggle = (field: string, keep: boolean) => {
    setKeptJoins((kept) => ({ ...kept, [field]: keep }));
    // Apart, the first column keeps the field and the others are skipped until the user says otherwise.
    const headers = proposal?.joins[field] ?? [];
    setMapping((m) => ({ ...m, ...Object.fromEntries(headers.map((h, i) => [h, keep || i === 0 ? field : 'ignore'])) }));
  };

  const handleStart = async () => {
    if (!file || !head) return;
    setPending(true);
    setError(null);
    try {
      const columns = Object.fromEntries(head.headers.filter((h) => !joinedField(h)).map((h) => [h, mapping[h] ?? 'ignore']));
      const started = await api.importCustomers(file, { columns, joins, runAutomations } as CustomerImportMapping);
      setImportId(started.id);
      client.setQueryData(['import', started.id], started);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t('common.networkError'));
    } finally {
      setPending(false);
    }
  };

  const reset = () => {
    setFile(null);
    setHead(null);
    setProposal(null);
    setImportId(null);
    setRunAutomations(false);
    if (fileInput.current) fileInput.current.value = '';
  };

  const proposedAttributes = Object.values(proposal?.columns ?? {}).filter((f) => f.startsWith(ATTRIBUTE));
  const fieldOptions = [...new Set<string>([...CUSTOMER_IMPORT_FIELDS, ...proposedAttributes])].map((f) => ({ id: f, label: fieldLabel(f, t) }));
  const joinText = (field: string, headers: string[]) => t('import.joinLine', { columns: headers.map(isolate).join(' + '), field: fieldLabel(field, t) });
  const job = status.data;
  const percent = job && job.totalBytes > 0 ? Math.min(100, Math.round((job.processedBytes / job.totalBytes) * 100)) : undefined;

  return (
    <div className="page">
      <header className="page-header"><h1>{t('import.title')}</h1></header>

      <section className="card" aria-labelledby="upload-heading">
        <h2 id="upload-heading">{t('import.upload')}</h2>
        {!importId && (
          <>
            <div className="file-field">
              <label htmlFor="import-file" className="field-label">{t('import.file')}</label>
              <div className="file-row">
                <Button onPress={() => fileInput.current?.click()}><UploadIcon />{t('import.chooseFile')}</Button>
                <span className="muted">{file ? <UserText>{file.name}</UserText> : t('import.noFile')}</span>
              </div>
              <input id="import-file" ref={fileInput} type="file" accept=".csv,text/csv" className="visually-hidden" onChange={(e) => void handleFile(e.target.files?.[0])} />
              <p className="field-description">{t('import.fileHint')}</p>
            </div>
            {reading && <p className="muted" role="status">{t('import.proposalLoading')}</p>}
            {head && proposal && (
              <>
                <h3>{t('import.mapTitle')}</h3>
                <p className="import-detected" data-testid="import-platform">
                  {proposal.platform ? t('import.detected', { platform: t(`import.platform.${proposal.platform}`) }) : t('import.detectedNone')}
                </p>
                {Object.keys(proposal.joins).length > 0 && (
                  <div className="import-joins">
                    <h4>{t('import.joinsTitle')}</h4>
                    <ul>
                      {Object.entries(proposal.joins).map(([field, headers]) => (
                        <li key={field}>
                          <span className="import-join-line" data-testid={`join-${field}`}>{joinText(field, headers)}</span>
                          <Checkbox isSelected={keptJoins[field] ?? false} onChange={(keep) => handleJoinToggle(field, keep)}>{t('import.joinKeep')}</Checkbox>
                        </li>
                      ))}
                    </ul>
                  </div>
                )}
                <p className="muted">{t('import.mapHint')}</p>
                <table className="simple-table mapping-table">
                  <thead><tr><th scope="col">{t('import.column')}</th><th scope="col">{t('import.sample')}</th><th scope="col">{t('import.field')}</th></tr></thead>
                  <tbody>
                    {head.headers.map((header, i) => {
                      const joined = joinedField(header);
                      return (
                        <tr key={header}>
                          <th scope="row"><UserText>{header}</UserText></th>
                          <td><UserText>{withoutFormulaGuard(head.sample[i] ?? '')}</UserText></td>
                          <td>
                            {joined ? (
                              <span className="muted">{t('import.joinedInto', { field: fieldLabel(joined, t) })}</span>
                            ) : (
                              <Select label={`${t('import.field')}: ${header}`} className="field-compact" value={mapping[header] ?? 'ignore'} onChange={(v) => setMapping((m) => ({ ...m, [header]: v }))} options={fieldOptions} />
                            )}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
                <fieldset className="import-automations">
                  <legend>{t('import.automationsTitle')}</legend>
                  <Checkbox isSelected={runAutomations} onChange={setRunAutomations}>{t('import.automationsLabel')}</Checkbox>
                  <p className="field-description" data-testid="automations-explanation">{runAutomations ? t('import.automationsOn') : t('import.automationsOff')}</p>
                </fieldset>
                <div className="form-actions"><Button variant="primary" onPress={handleStart} isPending={pending}>{t('import.start')}</Button></div>
              </>
            )}
          </>
        )}
        {error && <p className="form-error" role="alert">{error}</p>}
        {job && (
          <div className="import-progress" data-testid="import-progress">
            <div className="import-status">
              <Badge tone={job.status === 'succeeded' ? 'good' : job.status === 'failed' ? 'bad' : 'info'}>{t(`import.status.${job.status}`)}</Badge>
              <UserText>{job.fileName}</UserText>
            </div>
            <ProgressBar label={t('import.progress')} value={job.status === 'succeeded' ? 100 : percent} />
            <ul className="import-counts" aria-live="polite">
              <li>{t('import.rows', { count: job.rowsTotal })}</li>
              <li>{t('import.inserted', { count: job.rowsInserted })}</li>
              <li>{t('import.updated', { count: job.rowsUpdated })}</li>
              <li>{t('import.failed', { count: job.rowsFailed })}</li>
              {job.rowsWarned > 0 && <li>{t('import.warned', { count: job.rowsWarned })}</li>}
            </ul>
            <div className="import-summary muted">
              {job.platform && <p>{t('import.detected', { platform: t(`import.platform.${job.platform}`) })}</p>}
              {Object.entries(job.joins).map(([field, headers]) => <p key={field}>{joinText(field, headers)}</p>)}
              {job.kind === 'customers' && <p>{job.runAutomations ? t('import.automationsRan') : t('import.automationsSkipped')}</p>}
            </div>
            {job.error && <p className="form-error">{job.error}</p>}
            {done && (
              <div className="form-actions">
                {job.rowsFailed + job.rowsWarned > 0 && <ButtonLink href={downloads.importErrors(job.id)} download><DownloadIcon />{t('import.report')}</ButtonLink>}
                <Button onPress={reset}>{t('import.another')}</Button>
              </div>
            )}
          </div>
        )}
      </section>

      <section className="card" aria-labelledby="export-heading">
        <h2 id="export-heading">{t('import.exportTitle')}</h2>
        <p className="muted">{t('import.exportHint')}</p>
        <div className="form-actions">
          <ButtonLink href={downloads.customersCsv} download><DownloadIcon />{t('import.exportCustomers')}</ButtonLink>
          <ButtonLink href={downloads.ordersCsv} download><DownloadIcon />{t('import.exportOrders')}</ButtonLink>
        </div>
      </section>
    </div>
  );
}
