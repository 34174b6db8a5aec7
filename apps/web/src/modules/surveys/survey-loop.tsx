// The closed loop around one response, follow-up or case: the follow-up or case, the earlier
// (negative) answer that opened it and the answers given to surveys sent after it, each a link.
// Shown in a response's dialog and on the follow-up and case pages (through ./index.ts).
import { Link } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { formatInstant, formatNumber } from '../../lib/format.ts';
import { ErrorState, UserText } from '../../ui/index.ts';
import { useSurveyLoop, type LoopResponseRef } from './recovery-api.ts';
import './results-recovery.css';

export interface SurveyLoopProps {
  responseId?: string | undefined;
  followupId?: string | undefined;
  caseId?: string | undefined;
  /** a card of its own (follow-up and case pages) or a part of the response dialog */
  variant?: 'card' | 'inline';
}

export function SurveyLoopCard({ responseId, followupId, caseId, variant = 'card' }: SurveyLoopProps) {
  const t = useT();
  const loop = useSurveyLoop({ responseId, followupId, caseId });
  const data = loop.data;
  const empty = !data || (!data.earlier && data.later.length === 0 && !(data.followupId && !followupId) && !(data.caseId && !caseId));
  // In a response's dialog only a response that is part of a loop says anything.
  if (variant === 'inline' && empty) return null;
  if (variant === 'card' && loop.isError) {
    return <section className="card survey-loop" data-testid="survey-loop"><ErrorState detail={loop.error.message} onRetry={() => void loop.refetch()} /></section>;
  }
  if (variant === 'card' && !data) return null;
  const Heading = variant === 'card' ? 'h2' : 'h3';
  const body = (
    <>
      <Heading id={`loop-${responseId ?? followupId ?? caseId}`}>{t('surveys.loop.title')}</Heading>
      {empty ? <p className="muted">{t(followupId ? 'surveys.loop.noneFollowup' : 'surveys.loop.noneCase')}</p> : (
        <ul className="loop-links">
          {data!.followupId && !followupId && (
            <li><Link href={`/engagement/followups/${data!.followupId}`}>{t('surveys.loop.followup')}</Link></li>
          )}
          {data!.caseId && !caseId && (
            <li><Link href={`/complaints/${data!.caseId}`}>{t('surveys.loop.case')}</Link></li>
          )}
          {data!.earlier && (variant === 'card' || data!.earlier.responseId !== responseId) && <LoopResponse label={t('surveys.loop.earlier')} response={data!.earlier} />}
          {data!.earlier && data!.earlier.responseId === responseId && variant === 'inline' && <li className="muted">{t('surveys.loop.thisOpened')}</li>}
          {data!.later.map((r) => <LoopResponse key={r.responseId} label={t('surveys.loop.later')} response={r} />)}
        </ul>
      )}
    </>
  );
  return variant === 'card'
    ? <section className="card survey-loop" aria-labelledby={`loop-${responseId ?? followupId ?? caseId}`} data-testid="survey-loop">{body}</section>
    : <section className="survey-loop" aria-labelledby={`loop-${responseId ?? followupId ?? caseId}`} data-testid="survey-loop">{body}</section>;
}

function LoopResponse({ label, response }: { label: string; response: LoopResponseRef }) {
  const t = useT();
  const prefs = usePrefs();
  const n = (v: number) => formatNumber(v, prefs);
  const s = response.scores;
  const scores = [
    s.nps !== undefined ? t('surveys.loop.score.nps', { score: n(s.nps) }) : null,
    s.csat !== undefined ? t('surveys.loop.score.csat', { score: n(s.csat), points: n(s.csatPoints ?? 5) }) : null,
    s.ces !== undefined ? t('surveys.loop.score.ces', { score: n(s.ces) }) : null,
  ].filter((x): x is string => x !== null);
  return (
    <li>
      <span className="muted">{label}</span>
      <Link href={`/feedback/surveys/${response.surveyId}/responses?response=${response.responseId}`}><UserText>{response.surveyName}</UserText></Link>
      {scores.map((score) => <span key={score}>{score}</span>)}
      <time className="muted" dateTime={response.submittedAt}>{formatInstant(response.submittedAt, prefs)}</time>
    </li>
  );
}
