// "Export table": the survey's finished responses as a CSV file (the server streams it with a BOM
// so spreadsheet programs read Persian and Arabic), headings and labels in the language picked
// here. The server filters by period only: the results screen passes its period; other filters
// on the screen do not apply to the file, and the dialog says so.
import { parseDate } from '@internationalized/date';
import { useState } from 'react';
import type { Session } from '../../lib/api.ts';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { LANGUAGES, type Language } from '../../lib/format.ts';
import { Button, ButtonLink, Dialog, DownloadIcon, Select } from '../../ui/index.ts';
import { surveyAddresses } from './surveys-api.ts';
import './survey-responses.css';

/** surveys:export on the server. */
export const canExportResponses = (session: Session) => ['owner', 'admin', 'manager', 'analyst'].includes(session.role);

/** Days of the workspace (inclusive, ISO) as the export's instants [start of `from`, start of the day after `to`). */
export function exportPeriod(period: { from?: string | undefined; to?: string | undefined }, timeZone: string): { from?: string; to?: string } {
  return {
    ...(period.from ? { from: parseDate(period.from).toDate(timeZone).toISOString() } : {}),
    ...(period.to ? { to: parseDate(period.to).add({ days: 1 }).toDate(timeZone).toISOString() } : {}),
  };
}

export function ExportResponses({ surveyId, period = {}, otherFilters }: {
  surveyId: string;
  /** the screen's period, days of the workspace (ISO) */
  period?: { from?: string | undefined; to?: string | undefined };
  /** the screen has filters the file cannot follow */
  otherFilters: boolean;
}) {
  const t = useT();
  const prefs = usePrefs();
  const [isOpen, setOpen] = useState(false);
  const [language, setLanguage] = useState<Language>(prefs.language);
  return (
    <>
      <Button onPress={() => { setLanguage(prefs.language); setOpen(true); }}><DownloadIcon />{t('surveys.export.button')}</Button>
      <Dialog title={t('surveys.export.title')} isOpen={isOpen} onOpenChange={setOpen} size="small">
        <div className="export-dialog">
          <p>{t('surveys.export.body')}</p>
          {otherFilters && <p className="muted">{t(period.from || period.to ? 'surveys.export.periodOnly' : 'surveys.export.filtersIgnored')}</p>}
          <Select
            label={t('surveys.export.language')}
            options={LANGUAGES.map((l) => ({ id: l, label: t(`language.${l}`) }))}
            value={language}
            onChange={setLanguage}
          />
          <div className="form-actions">
            <ButtonLink variant="primary" href={surveyAddresses.exportCsv(surveyId, language, exportPeriod(period, prefs.timeZone))} download>
              <DownloadIcon />{t('surveys.export.download')}
            </ButtonLink>
          </div>
        </div>
      </Dialog>
    </>
  );
}
