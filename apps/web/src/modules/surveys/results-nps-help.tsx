// Why "count 7–10, subtract 0–6" is not NPS (REFERENCE.md §1), shown beside the NPS figures.
import { useT } from '../../i18n/useT.ts';

export function NpsHelp() {
  const t = useT();
  return (
    <details className="results-help">
      <summary>{t('surveys.results.npsHelp.title')}</summary>
      <p>{t('surveys.results.npsHelp.definition')}</p>
      <p>{t('surveys.results.npsHelp.wrong')}</p>
      <p>{t('surveys.results.npsHelp.example')}</p>
      <p>{t('surveys.results.npsHelp.interval')}</p>
    </details>
  );
}
