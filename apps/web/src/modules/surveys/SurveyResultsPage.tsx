// A survey's results: score tiles with their 95 % intervals, the trend with interval bands and
// significant changes marked, the SERVQUAL zone of tolerance, choices, breakdowns by channel,
// segment and stage, response rates, and what people wrote. Every figure is the server's
// (modules/surveys/metrics over rollups); this screen only lays them out.
import { useState } from 'react';
import { useSession } from '../../app/session.ts';
import { useT } from '../../i18n/useT.ts';
import { ApiError } from '../../lib/api.ts';
import { EmptyState, ErrorState, Skeleton } from '../../ui/index.ts';
import { ResultsBreakdown } from './results-breakdown.tsx';
import { ResultsChoices } from './results-choices.tsx';
import { ResultsFilters } from './results-filters.tsx';
import { canExportResponses, ExportResponses } from './responses-export.tsx';
import { NpsHelp } from './results-nps-help.tsx';
import { isScored } from './results-questions.ts';
import { ResultsRates } from './results-rates.tsx';
import { ResultsRecovery } from './results-recovery.tsx';
import { ResultsThemes } from './results-themes.tsx';
import { ScoreTile } from './results-tiles.tsx';
import { ResultsTrend } from './results-trend.tsx';
import { ResultsZone } from './results-zone.tsx';
import { useResults, type ResultsFilter } from './results-api.ts';
import { SurveyHeader } from './survey-tabs.tsx';
import { useSurvey } from './surveys-api.ts';
import './survey-results.css';

/** Results are analysis: analysts, managers and up (surveys:results on the server). */
const canReadResults = (role: string) => role !== 'agent';

export default function SurveyResultsPage({ surveyId }: { surveyId: string }) {
  const t = useT();
  const session = useSession();
  const survey = useSurvey(surveyId);
  const [filter, setFilter] = useState<ResultsFilter>({});
  const allowed = canReadResults(session.role);
  const results = useResults(surveyId, filter);
  const exportAction = canExportResponses(session)
    ? <ExportResponses surveyId={surveyId} filter={filter} />
    : undefined;
  const header = <SurveyHeader survey={survey.data} surveyId={surveyId} current="results" actions={results.isError ? undefined : exportAction} />;
  if (!allowed) return <div className="page">{header}<EmptyState title={t('surveys.results.forbidden')} /></div>;
  if (results.isPending) return <div className="page">{header}<Skeleton lines={10} label={t('surveys.tabs.results')} /></div>;
  if (results.isError) {
    const missing = results.error instanceof ApiError && results.error.status === 404;
    return (
      <div className="page">
        {header}
        <ErrorState detail={missing ? t('surveys.builder.notFound') : results.error.message} onRetry={missing ? undefined : () => void results.refetch()} />
      </div>
    );
  }
  const data = results.data;
  const scored = data.questions.filter(isScored);
  const hasNps = scored.some((q) => q.type === 'nps' || q.type === 'enps');
  return (
    <div className="page survey-results">
      {header}
      <ResultsFilters filter={filter} onChange={setFilter} />
      {data.responses.total > 0 && <p className="results-total">{t('surveys.results.total', { count: data.responses.total })}</p>}
      {data.responses.total === 0 && (
        <EmptyState title={t('surveys.results.empty.title')}>{t(Object.values(filter).some(Boolean) ? 'surveys.results.empty.filtered' : 'surveys.results.empty.body')}</EmptyState>
      )}
      {scored.length > 0 && (
        <section className="results-section" aria-labelledby="results-scores">
          <h2 id="results-scores">{t('surveys.results.scores')}</h2>
          <div className="score-tiles">{scored.map((q) => <ScoreTile key={q.questionId} question={q} smallSample={data.smallSample} />)}</div>
          {hasNps && <NpsHelp />}
        </section>
      )}
      <ResultsTrend surveyId={surveyId} questions={scored} filter={filter} />
      <ResultsZone results={data} />
      <ResultsChoices results={data} />
      <ResultsBreakdown surveyId={surveyId} questions={scored} filter={filter} smallSample={data.smallSample} />
      <ResultsRates results={data} />
      <ResultsRecovery surveyId={surveyId} />
      <ResultsThemes surveyId={surveyId} canRefresh={allowed} filter={filter} />
    </div>
  );
}
