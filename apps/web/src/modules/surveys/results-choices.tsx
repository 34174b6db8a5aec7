// Single and multiple choice questions: how often each option was chosen.
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { formatNumber } from '../../lib/format.ts';
import { Chart, UserText } from '../../ui/index.ts';
import type { Results } from './results-api.ts';
import { localText } from './results-format.ts';
import { isChoice } from './results-questions.ts';

export function ResultsChoices({ results }: { results: Results }) {
  const t = useT();
  const prefs = usePrefs();
  const choices = results.questions.filter(isChoice);
  if (choices.length === 0) return null;
  return (
    <section className="results-section" aria-labelledby="results-choices">
      <h2 id="results-choices">{t('surveys.results.choices.title')}</h2>
      <div className="results-columns">
        {choices.map((q) => {
          const title = localText(q.title, prefs.language);
          const categories = [...q.options.map((o) => ({ key: o.id, label: localText(o.label, prefs.language) })), ...(q.other > 0 ? [{ key: 'x:other', label: t('surveys.results.choices.other') }] : [])];
          return (
            <div key={q.questionId} className="choice-question">
              <h3><UserText>{title}</UserText></h3>
              <p className="muted">{t('surveys.results.n', { n: formatNumber(q.n, prefs) })}</p>
              <Chart
                label={title}
                testId={`choices-${q.questionId}`}
                x={{ categories }}
                series={[{ name: t('surveys.results.answers'), values: [...q.options.map((o) => o.count), ...(q.other > 0 ? [q.other] : [])], tone: 'info' }]}
                integers
                xHeading={t('surveys.results.choices.option')}
                emptyText={t('surveys.results.noAnswers')}
              />
            </div>
          );
        })}
      </div>
    </section>
  );
}
