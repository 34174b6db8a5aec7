// Getting a survey to people: its public link, a personal link for one customer, sending by
// e-mail or SMS to an audience (once or on a schedule, with the SMS cost beside it), the
// distributions so far with each wave's sent and answered counts, the widget's tag (when the
// survey has the widget on), the shop's kiosks, and the recontact limit.
import { useQuery } from '@tanstack/react-query';
import { useSession } from '../../app/session.ts';
import { useT } from '../../i18n/useT.ts';
import { api } from '../../lib/api.ts';
import { ErrorState, Skeleton } from '../../ui/index.ts';
import { canWriteSurveys } from './builder-context.tsx';
import { DistributionForm } from './distribution-form.tsx';
import { PersonalLink, PublicLink } from './distribution-links.tsx';
import { DistributionList } from './distribution-list.tsx';
import { KiosksPanel } from './kiosks-panel.tsx';
import { RecontactPolicy } from './distribution-policy.tsx';
import { SurveyHeader } from './survey-tabs.tsx';
import { useSurvey } from './surveys-api.ts';
import { WidgetSnippet } from './widget-snippet.tsx';
import './survey-distribution.css';

export default function SurveyDistributionPage({ surveyId }: { surveyId: string }) {
  const t = useT();
  const session = useSession();
  const survey = useSurvey(surveyId);
  const workspace = useQuery({ queryKey: ['workspace'], queryFn: api.workspace });
  const canWrite = canWriteSurveys(session);
  const isAdmin = session.role === 'owner' || session.role === 'admin';
  const header = <SurveyHeader survey={survey.data} surveyId={surveyId} current="distribute" />;
  if (survey.isPending) return <div className="page">{header}<Skeleton lines={8} label={t('surveys.tabs.distribute')} /></div>;
  if (survey.isError) return <div className="page">{header}<ErrorState detail={survey.error.message} onRetry={() => void survey.refetch()} /></div>;
  const s = survey.data;
  const isOpen = s.status === 'live';
  return (
    <div className="page survey-distribution">
      {header}
      {s.status === 'draft' && <p className="notice" role="note">{t('surveys.distribution.notLive')}</p>}
      {s.status === 'closed' && <p className="notice" role="note">{t('surveys.distribution.closed')}</p>}
      <div className="distribution-links">
        <PublicLink token={s.publicToken} />
        <PersonalLink surveyId={surveyId} canWrite={canWrite} isOpen={isOpen} />
      </div>
      {canWrite && isOpen && <DistributionForm surveyId={surveyId} workspace={workspace.data} />}
      <DistributionList surveyId={surveyId} canWrite={canWrite} calendar={workspace.data?.calendar} />
      {s.settings.widget?.enabled && <WidgetSnippet token={s.publicToken} />}
      <KiosksPanel surveyId={surveyId} canWrite={canWrite} />
      <RecontactPolicy isAdmin={isAdmin} />
    </div>
  );
}
