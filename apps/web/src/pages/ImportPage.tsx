import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { CUSTOMER_IMPORT_FIELDS } from '@vafa/contracts';

import { useT } from '../i18n/useT.ts';
import { ApiError, api, downloads, type Import } from '../lib/api.ts';
import { readCsvHead } from '../lib/csv.ts';

import { Badge, Button, ButtonLink, DownloadIcon, Select, UploadIcon, UserText } from '../ui/index.ts';
import { ProgressBar } from '../ui/progress.tsx';

const AUTO = '_auto';

export default function ImportPage() {
  const t = useT();

  const client = useQueryClient();
  const fileInput = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [head, setHead] = useState<{ headers: string[]; sample: string[] } | null>(null);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [importId, setImportId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

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
    if (!chosen) return;
    setFile(chosen);
    const parsed = readCsvHead(await chosen.slice(0, 64 * 1024).text());
    if (parsed.headers.length === 0) {
      setError(t('import.emptyFile'));
      setHead(null);
      return;
    }
    setHead(parsed);
    setMapping(Object.fromEntries(parsed.headers.map((h) => [h, AUTO])));
  };

  const handleStart = async () => {
    if (!file) return;
    setPending(true);
    setError(null);
    try {
      const chosen = Object.fromEntries(Object.entries(mapping).filter(([, field]) => field !== AUTO));
      const started = await api.importCustomers(file, Object.keys(chosen).length ? chosen : undefined);
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
    setImportId(null);
    if (fileInput.current) fileInput.current.value = '';
  };

  const fieldOptions = [
    { id: AUTO, label: '—' },
    ...CUSTOMER_IMPORT_FIELDS.map((f) => ({ id: f, label: f === 'ignore' ? t('import.field.ignore') : f })),
  ];
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
            {head && (
              <>
                <h3>{t('import.mapTitle')}</h3>
                <p className="muted">{t('import.mapHint')}</p>
                <table className="simple-table mapping-table">
                  <thead><tr><th scope="col">{t('import.column')}</th><th scope="col">{t('import.sample')}</th><th scope="col">{t('import.field')}</th></tr></thead>
                  <tbody>
                    {head.headers.map((header, i) => (
                      <tr key={header}>
                        <th scope="row"><UserText>{header}</UserText></th>
                        <td><UserText>{head.sample[i] ?? ''}</UserText></td>
                        <td>
                          <Select label={`${t('import.field')}: ${header}`} className="field-compact" value={mapping[header] ?? AUTO} onChange={(v) => setMapping((m) => ({ ...m, [header]: v }))} options={fieldOptions} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
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
            </ul>
            {job.error && <p className="form-error">{job.error}</p>}
            {done && (
              <div className="form-actions">
                {job.rowsFailed > 0 && <ButtonLink href={downloads.importErrors(job.id)} download><DownloadIcon />{t('import.errorReport')}</ButtonLink>}
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
