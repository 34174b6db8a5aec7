// The head of every screen of one survey: its name, status and version, and the tab bar
// Build · Distribute · Results · Responses. The tabs are links (each is its own address), so
// the current one says aria-current="page" rather than being an ARIA tab.
import type { ReactNode } from 'react';
import { Link } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { formatNumber } from '../../lib/format.ts';
import { ArrowBack, Badge, UserText } from '../../ui/index.ts';
import type { Survey, SurveyStatus } from './surveys-api.ts';
import './survey-tabs.css';

export type SurveyTab = 'build' | 'distribute' | 'results' | 'responses';
const TABS: SurveyTab[] = ['build', 'distribute', 'results', 'responses'];

const tabHref = (surveyId: string, tab: SurveyTab) => (tab === 'build' ? `/feedback/surveys/${surveyId}` : `/feedback/surveys/${surveyId}/${tab}`);

/** The tab bar shared by the builder, distribution, results and responses screens. */
export function SurveyTabs({ surveyId, current }: { surveyId: string; current: SurveyTab }) {
  const t = useT();
  return (
    <nav className="survey-tabs" aria-label={t('surveys.tabs.label')}>
      <ul>
        {TABS.map((tab) => (
          <li key={tab}>
            <Link className="survey-tab" href={tabHref(surveyId, tab)} aria-current={tab === current ? 'page' : undefined}>{t(`surveys.tabs.${tab}`)}</Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function SurveyStatusBadge({ status }: { status: SurveyStatus }) {
  const t = useT();
  const tone = status === 'live' ? 'good' : status === 'closed' ? 'neutral' : 'info';
  return <Badge tone={tone}>{t(`surveys.status.${status}`)}</Badge>;
}

/**
 * Back to the list, the survey's name as the page's heading with its status and live version,
 * optional actions, then the tabs. Pass the loaded survey (or nothing while it loads).
 */
export function SurveyHeader({ survey, surveyId, current, actions }: { survey?: Survey; surveyId: string; current: SurveyTab; actions?: ReactNode }) {
  const t = useT();
  const prefs = usePrefs();
  return (
    <div className="survey-header">
      <Link href="/feedback/surveys" className="back-link"><ArrowBack />{t('surveys.list.title')}</Link>
      <header className="page-header">
        <div className="survey-title">
          <h1>{survey ? <UserText>{survey.name}</UserText> : t('surveys.tabs.loading')}</h1>
          {survey && (
            <p className="survey-meta">
              <SurveyStatusBadge status={survey.status} />
              <span className="muted">{survey.version > 0 ? t('surveys.tabs.version', { version: formatNumber(survey.version, prefs) }) : t('surveys.tabs.neverPublished')}</span>
              {survey.draftChanged && survey.version > 0 && <Badge tone="warn">{t('surveys.tabs.unpublished')}</Badge>}
            </p>
          )}
        </div>
        {actions && <div className="page-actions">{actions}</div>}
      </header>
      <SurveyTabs surveyId={surveyId} current={current} />
    </div>
  );
}
