// One answer in the reader's words: a score with its scale, the chosen options' labels, a date in
// the reader's calendar, SERVQUAL's three levels, free text isolated as the respondent wrote it.
import type { AnswerValue, LocalText, Question } from '@vafa/contracts';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { formatDay, formatNumber } from '../../lib/format.ts';
import { Badge, UserText } from '../../ui/index.ts';
import { localText } from './results-format.ts';

type Tone = 'good' | 'bad' | 'warn' | 'neutral';

/** The label of text written in the survey's languages, in the reader's (else the survey's). */
export function useLocalText() {
  const { language } = usePrefs();
  return (text: LocalText | undefined) => (text ? localText(text, language) : '');
}

/** NPS buckets and the negative-experience bands the server uses (metrics/negative.ts). */
export function scoreTone(question: Question | undefined, score: number): Tone {
  switch (question?.type) {
    case 'nps':
    case 'enps':
      return score >= 9 ? 'good' : score >= 7 ? 'neutral' : 'bad';
    case 'csat':
      return score <= 2 ? 'bad' : score > question.points - 2 ? 'good' : 'neutral';
    case 'ces':
      return score <= 3 ? 'bad' : score >= 5 ? 'good' : 'neutral';
    default:
      return 'neutral';
  }
}

function scaleMax(question: Question | undefined): number | undefined {
  switch (question?.type) {
    case 'nps':
    case 'enps':
      return 10;
    case 'csat':
      return question.points;
    case 'ces':
      return 7;
    case 'rating':
      return question.max;
    default:
      return undefined;
  }
}

export function AnswerText({ question, answer }: { question: Question | undefined; answer: AnswerValue | undefined }) {
  const t = useT();
  const prefs = usePrefs();
  const label = useLocalText();
  if (!answer) return <span className="muted">{t('surveys.responses.notShown')}</span>;
  if ('skipped' in answer) return <span className="muted">{t('surveys.responses.skipped')}</span>;
  if ('score' in answer) {
    const max = scaleMax(question);
    const verbal = question && (question.type === 'csat' || question.type === 'rating') ? question.labels?.[answer.score - (question.type === 'rating' ? question.min : 1)] : undefined;
    return (
      <span className="answer-score">
        <Badge tone={scoreTone(question, answer.score)}>
          {max === undefined ? formatNumber(answer.score, prefs) : t('surveys.responses.scoreOf', { score: formatNumber(answer.score, prefs), max: formatNumber(max, prefs) })}
        </Badge>
        {verbal && <UserText>{label(verbal)}</UserText>}
      </span>
    );
  }
  if ('choices' in answer) {
    const options = question && (question.type === 'single_choice' || question.type === 'multiple_choice') ? question.options : [];
    const names = answer.choices.map((id) => label(options.find((o) => o.id === id)?.label) || id);
    return (
      <span>
        {names.map((name, i) => <span key={i} className="answer-choice"><UserText>{name}</UserText></span>)}
        {answer.other && <span className="answer-choice">{t('surveys.responses.other')}: <UserText>{answer.other}</UserText></span>}
      </span>
    );
  }
  if ('date' in answer) return <span>{formatDay(answer.date, prefs)}</span>;
  if ('perceived' in answer) {
    return (
      <span className="answer-servqual">
        {t('surveys.responses.servqual', {
          desired: formatNumber(answer.desired, prefs), adequate: formatNumber(answer.adequate, prefs), perceived: formatNumber(answer.perceived, prefs),
        })}
      </span>
    );
  }
  return <p className="answer-text"><UserText>{answer.text}</UserText></p>;
}
