// The survey answer that opened the case (a negative answer, when the workspace opens cases from
// them): its survey, when it was given and a link to it on the survey's responses screen. Shown
// only for a case that names one; says so when the answer was deleted since.
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { ApiError } from '../../lib/api.ts';
import { formatInstant } from '../../lib/format.ts';
import { ErrorState, Skeleton, UserText } from '../../ui/index.ts';
import { caseContextApi, caseContextKeys } from './case-context-api.ts';
import type { ComplaintDetail } from './api.ts';
import './case-context.css';

export function CaseSurveyOrigin({ complaint }: { complaint: Pick<ComplaintDetail, 'id' | 'relatedResponseId'> }) {
  const t = useT();
  const prefs = usePrefs();
  const origin = useQuery({
    queryKey: caseContextKeys.surveyOrigin(complaint.id),
    queryFn: () => caseContextApi.surveyOrigin(complaint.id),
    enabled: Boolean(complaint.relatedResponseId),
    retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
  });
  if (!complaint.relatedResponseId) return null;
  if (origin.isError && origin.error instanceof ApiError && (origin.error.status === 403 || origin.error.status === 404)) return null;
  const response = origin.data?.response;
  return (
    <section className="card case-origin" aria-labelledby="cc-origin" data-testid="case-survey-origin">
      <h2 id="cc-origin">{t('complaints.context.originTitle')}</h2>
      {origin.isPending ? <Skeleton lines={2} /> : origin.isError ? <ErrorState detail={origin.error.message} onRetry={() => void origin.refetch()} /> : !response ? (
        <p className="muted">{t('complaints.context.originGone')}</p>
      ) : (
        <>
          <p className="case-origin-survey"><UserText>{response.surveyName}</UserText></p>
          {response.submittedAt && (
            <p className="muted">{t('complaints.context.originAnswered', { date: formatInstant(response.submittedAt, prefs) })}</p>
          )}
          <p>
            <Link href={`/feedback/surveys/${response.surveyId}/responses?response=${origin.data.responseId}`} data-testid="case-survey-origin-link">
              {t('complaints.context.originOpen')}
            </Link>
          </p>
        </>
      )}
    </section>
  );
}
