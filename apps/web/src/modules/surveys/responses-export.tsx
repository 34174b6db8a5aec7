// "Export table": the survey's finished responses as a CSV file (the server streams it with a BOM
// so spreadsheet programs read Persian and Arabic), headings and labels in the language picked
// here. The file follows the screen's filters (the responses list's, or the results' slice):
// what the screen shows is what the file holds.
import { useState } from 'react';
import type { Session } from '../../lib/api.ts';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { LANGUAGES, type Language } from '../../lib/format.ts';
import { Button, ButtonLink, Dialog, DownloadIcon, Select } from '../../ui/index.ts';
import { responseFilterQuery, type ResponseFilter } from './responses-api.ts';
import { surveyAddresses } from './surveys-api.ts';
import './survey-responses.css';

/** surveys:export on the server. */
export const canExportResponses = (session: Session) => ['owner', 'admin', 'manager', 'analyst'].includes(session.role);

/** The export's address: the screen's filters (workspace days as the server reads them), headings in `language`. */
export function exportAddress(surveyId: string, language: Language, filter: Omit<ResponseFilter, 'status'>): string {
  return surveyAddresses.exportCsv(surveyId, language, responseFilterQuery(filter));
}

export function ExportResponses({ surveyId, filter = {} }: {
  surveyId: string;
  /** the screen's filters; a list of half-finished responses exports the finished ones under the rest */
  filter?: Omit<ResponseFilter, 'status'> & { status?: ResponseFilter['status'] };
}) {
  const t = useT();
  const prefs = usePrefs();
  const [isOpen, setOpen] = useState(false);
  const [language, setLanguage] = useState<Language>(prefs.language);
  const filtered = Object.keys(responseFilterQuery(filter)).length > 0;
  return (
    <>
      <Button onPress={() => { setLanguage(prefs.language); setOpen(true); }}><DownloadIcon />{t('surveys.export.button')}</Button>
      <Dialog title={t('surveys.export.title')} isOpen={isOpen} onOpenChange={setOpen} size="small">
        <div className="export-dialog">
          <p>{t('surveys.export.body')}</p>
          {filtered && <p className="muted">{t('surveys.export.followsFilters')}</p>}
          {filter.status === 'partial' && <p className="muted">{t('surveys.export.finishedOnly')}</p>}
          <Select
            label={t('surveys.export.language')}
            options={LANGUAGES.map((l) => ({ id: l, label: t(`language.${l}`) }))}
            value={language}
            onChange={setLanguage}
          />
          <div className="form-actions">
            <ButtonLink variant="primary" href={exportAddress(surveyId, language, filter)} download>
              <DownloadIcon />{t('surveys.export.download')}
            </ButtonLink>
          </div>
        </div>
      </Dialog>
    </>
  );
}
