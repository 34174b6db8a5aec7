// A survey answer on a customer's timeline: which survey, the scores given (coloured as the
// results read them) and a link to the whole response.
import type { TouchpointView } from '@vafa/contracts';
import { Link } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { formatNumber } from '../../lib/format.ts';
import { Badge, UserText } from '../../ui/index.ts';

export const SURVEY_KINDS = ['survey.answered'];

const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const str = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : null);
const UUID = /^[0-9a-f-]{36}$/i;

export function SurveyTimelineDetail({ item }: { item: Pick<TouchpointView, 'kind' | 'data'> }) {
  const t = useT();
  const prefs = usePrefs();
  const data = item.data;
  const survey = str(data.survey);
  const response = str(data.response);
  const name = str(data.surveyName);
  const scores: { key: string; label: string; tone: 'good' | 'bad' | 'neutral' }[] = [];
  const nps = num(data.nps);
  if (nps !== null) scores.push({ key: 'nps', label: t('surveys.timeline.nps', { score: formatNumber(nps, prefs) }), tone: nps >= 9 ? 'good' : nps <= 6 ? 'bad' : 'neutral' });
  const csat = num(data.csat);
  const points = num(data.csatPoints) ?? 5;
  if (csat !== null) scores.push({ key: 'csat', label: t('surveys.timeline.csat', { score: formatNumber(csat, prefs), max: formatNumber(points, prefs) }), tone: csat <= 2 ? 'bad' : csat > points - 2 ? 'good' : 'neutral' });
  const ces = num(data.ces);
  if (ces !== null) scores.push({ key: 'ces', label: t('surveys.timeline.ces', { score: formatNumber(ces, prefs) }), tone: ces <= 3 ? 'bad' : ces >= 5 ? 'good' : 'neutral' });
  const enps = num(data.enps);
  if (enps !== null) scores.push({ key: 'enps', label: t('surveys.timeline.enps', { score: formatNumber(enps, prefs) }), tone: enps >= 9 ? 'good' : enps <= 6 ? 'bad' : 'neutral' });
  return (
    <div className="timeline-message" data-testid="timeline-survey">
      {name && <UserText>{name}</UserText>}
      {scores.map((s) => <Badge key={s.key} tone={s.tone}>{s.label}</Badge>)}
      {survey && response && UUID.test(survey) && UUID.test(response) && (
        <Link href={`/feedback/surveys/${survey}/responses?response=${response}`}>{t('surveys.timeline.open')}</Link>
      )}
    </div>
  );
}
