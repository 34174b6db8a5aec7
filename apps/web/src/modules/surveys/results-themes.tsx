// Open text: frequent terms and phrases per free-text question, with example answers, and a
// button to recompute them now (they are also recomputed hourly). Under the results' filters the
// server computes the slice's own themes at once, examples from the slice only.
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { formatInstant } from '../../lib/format.ts';
import { Button, ErrorState, Skeleton, UserText } from '../../ui/index.ts';
import { useRefreshThemes, useThemes, type ResultsFilter } from './results-api.ts';
import { localText } from './results-format.ts';

export function ResultsThemes({ surveyId, canRefresh, filter = {} }: { surveyId: string; canRefresh: boolean; filter?: ResultsFilter }) {
  const t = useT();
  const prefs = usePrefs();
  const sliced = Object.values(filter).some((v) => v !== undefined && v !== '');
  const themes = useThemes(surveyId, filter);
  const refresh = useRefreshThemes(surveyId);
  const data = themes.data;
  if (data && data.questions.length === 0) return null;
  return (
    <section className="results-section" aria-labelledby="results-themes">
      <div className="results-section-head">
        <h2 id="results-themes">{t('surveys.results.themes.title')}</h2>
        {canRefresh && !sliced && <Button onPress={() => refresh.mutate()} isDisabled={refresh.isPending}>{t(refresh.isPending ? 'surveys.results.themes.refreshing' : 'surveys.results.themes.refresh')}</Button>}
      </div>
      <p className="muted">
        {sliced
          ? t('surveys.results.themes.slice')
          : data?.computedAt ? t('surveys.results.themes.computedAt', { at: formatInstant(data.computedAt, prefs) }) : t('surveys.results.themes.intro')}
      </p>
      {refresh.isError && <p className="field-error" role="alert">{(refresh.error as Error).message}</p>}
      {themes.isError && <ErrorState detail={(themes.error as Error).message} onRetry={() => void themes.refetch()} />}
      {themes.isLoading && <Skeleton lines={4} label={t('surveys.results.themes.title')} />}
      {data?.computedAt && data.questions.map((q) => (
        <div key={q.questionId} className="themes-question">
          <h3><UserText>{localText(q.title, prefs.language)}</UserText></h3>
          {q.themes.length === 0
            ? <p className="muted">{t('surveys.results.themes.none')}</p>
            : (
              <ul className="themes-list">
                {q.themes.slice(0, 15).map((theme) => (
                  <li key={theme.term}>
                    <details>
                      <summary>
                        <span className="theme-term"><UserText>{theme.term}</UserText></span>
                        <span className="theme-count">{t('surveys.results.themes.count', { count: theme.count })}</span>
                      </summary>
                      <ul className="theme-examples">
                        {theme.examples.map((e) => <li key={e.responseId}><blockquote><UserText>{e.text}</UserText></blockquote></li>)}
                      </ul>
                    </details>
                  </li>
                ))}
              </ul>
            )}
        </div>
      ))}
    </section>
  );
}
