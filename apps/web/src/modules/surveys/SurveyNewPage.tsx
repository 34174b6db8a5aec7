// A new survey: its languages first, then a template (names and descriptions in the reader's
// language) or a start from scratch; either creates a draft and opens it in the builder.
import type { SurveyDefinition } from '@vafa/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { navigate } from '../../app/router.ts';
import { useSession } from '../../app/session.ts';
import { useT } from '../../i18n/useT.ts';
import { LANGUAGES, type Language } from '../../lib/format.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { ArrowBack, Button, Checkbox, ErrorState, PlusIcon, Skeleton } from '../../ui/index.ts';
import { canWriteSurveys } from './builder-context.tsx';
import { blankQuestion, newId, onlyLanguages, pickText } from './builder-model.ts';
import { surveyKeys, surveysApi, useSurveyTemplates, type SurveyTemplate } from './surveys-api.ts';
import './survey-list.css';

const SCRATCH = 'scratch';

export default function SurveyNewPage() {
  const t = useT();
  const prefs = usePrefs();
  const session = useSession();
  const client = useQueryClient();
  const canWrite = canWriteSurveys(session);
  const templates = useSurveyTemplates();
  const [languages, setLanguages] = useState<Language[]>([prefs.language]);
  const [starting, setStarting] = useState<string | null>(null);
  const submit = useSubmit();

  const toggleLanguage = (language: Language, on: boolean) => {
    const next = on ? [...languages, language] : languages.filter((l) => l !== language);
    // The reader's language first when chosen: it becomes the survey's default.
    if (next.length > 0) setLanguages(LANGUAGES.filter((l) => next.includes(l)).sort((a, b) => Number(b === prefs.language) - Number(a === prefs.language)));
  };

  /** From scratch: one NPS question, worded as in the NPS template, in the chosen languages. */
  const scratchDefinition = (): SurveyDefinition => {
    const npsTemplate = templates.data?.items.find((x) => x.key === 'nps')?.definition.questions.find((q) => q.type === 'nps');
    const question = npsTemplate
      ? { ...onlyLanguages(npsTemplate, languages), id: newId('q', []), showIf: undefined }
      : blankQuestion('nps', newId('q', []), { [prefs.language]: t('surveys.builder.defaultTitle.nps') });
    return {
      name: t('surveys.templates.scratchName'),
      kind: 'customer',
      settings: { anonymous: false, languages, defaultLanguage: languages[0]!, hiddenFields: [] },
      questions: [question],
    };
  };

  const handleStart = async (key: string) => {
    setStarting(key);
    let id = '';
    const ok = await submit.run(async () => {
      const created = await surveysApi.create(key === SCRATCH ? { definition: scratchDefinition() } : { template: key, languages });
      id = created.id;
      client.setQueryData(surveyKeys.one(id), created);
      void client.invalidateQueries({ queryKey: surveyKeys.all, refetchType: 'none' });
    });
    setStarting(null);
    if (ok) navigate(`/feedback/surveys/${id}`);
  };

  return (
    <div className="page">
      <Link href="/feedback/surveys" className="back-link"><ArrowBack />{t('surveys.list.title')}</Link>
      <header className="page-header">
        <div>
          <h1>{t('surveys.templates.title')}</h1>
          <p className="muted page-intro">{t('surveys.templates.intro')}</p>
        </div>
      </header>
      {!canWrite && <p className="notice">{t('surveys.templates.readOnly')}</p>}
      <section className="card new-languages" aria-labelledby="languages-heading">
        <h2 id="languages-heading">{t('surveys.templates.languages')}</h2>
        <p className="field-description" id="languages-hint">{t('surveys.templates.languagesHint')}</p>
        <div className="checkbox-row" role="group" aria-labelledby="languages-heading" aria-describedby="languages-hint">
          {LANGUAGES.map((language) => {
            const on = languages.includes(language);
            return (
              <Checkbox key={language} isSelected={on} isDisabled={on && languages.length === 1} onChange={(v) => toggleLanguage(language, v)}>
                {t(`language.${language}`)}
              </Checkbox>
            );
          })}
        </div>
      </section>
      {submit.error && <p className="form-error" role="alert">{submit.error.message}</p>}
      <section aria-labelledby="templates-heading">
        <h2 id="templates-heading">{t('surveys.templates.choose')}</h2>
        {templates.isPending ? <Skeleton lines={6} /> : templates.isError ? (
          <ErrorState detail={templates.error.message} onRetry={() => void templates.refetch()} />
        ) : (
          <ul className="template-cards">
            <li className="card template-card template-scratch">
              <h3 id="template-scratch">{t('surveys.templates.scratch')}</h3>
              <p className="muted">{t('surveys.templates.scratchBody')}</p>
              {canWrite && (
                <Button onPress={() => void handleStart(SCRATCH)} isPending={starting === SCRATCH} isDisabled={starting !== null} aria-describedby="template-scratch">
                  <PlusIcon />{t('surveys.templates.startScratch')}
                </Button>
              )}
            </li>
            {templates.data.items.map((template) => (
              <TemplateCard key={template.key} template={template} canWrite={canWrite} isStarting={starting === template.key} isDisabled={starting !== null}
                onStart={() => void handleStart(template.key)} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function TemplateCard({ template, canWrite, isStarting, isDisabled, onStart }: {
  template: SurveyTemplate; canWrite: boolean; isStarting: boolean; isDisabled: boolean; onStart: () => void;
}) {
  const t = useT();
  const prefs = usePrefs();
  const name = pickText(template.name, prefs.language);
  const headingId = `template-${template.key}`;
  const buttonId = `use-${template.key}`;
  return (
    <li className="card template-card" data-template={template.key}>
      <h3 id={headingId}>{name}</h3>
      <p className="muted">{pickText(template.description, prefs.language)}</p>
      <p className="template-count">{t('surveys.templates.questionCount', { count: template.definition.questions.length })}</p>
      {canWrite && (
        // Named "Use this template" and the template's name: the visible words first, as voice control expects.
        <Button variant="primary" onPress={onStart} isPending={isStarting} isDisabled={isDisabled} id={buttonId} aria-labelledby={`${buttonId} ${headingId}`}>
          {t('surveys.templates.use')}
        </Button>
      )}
    </li>
  );
}
