// The survey builder: the draft edited in the browser (builder-model.ts), saved whole, published
// as a new version; the server-rendered preview beside it (behind a button on phones).
import { useQueryClient } from '@tanstack/react-query';
import { useBlocker } from '@tanstack/react-router';
import { useMemo, useRef, useState } from 'react';
import { usePrefs } from '../../app/prefs.tsx';
import { navigate } from '../../app/router.ts';
import { useSession } from '../../app/session.ts';
import { useT } from '../../i18n/useT.ts';
import { ApiError } from '../../lib/api.ts';
import { formatNumber, type Language } from '../../lib/format.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { AlertIcon, ConfirmDialog, ErrorState, Skeleton, useToast } from '../../ui/index.ts';
import { ActionBar } from './builder-actions.tsx';
import { BuilderContext, canWriteSurveys, usePathPlace, useSaveErrors, type BuilderContextValue } from './builder-context.tsx';
import { LanguageBar } from './builder-language-bar.tsx';
import { definitionOf, missingCounts, missingTranslations, questionIndexOf, sameDefinition, type Definition } from './builder-model.ts';
import { PreviewPanel } from './builder-preview.tsx';
import { QuestionsSection } from './builder-questions.tsx';
import { AboutSection, LimitsSection } from './builder-settings.tsx';
import { WidgetSection } from './builder-widget.tsx';
import { SurveyHeader } from './survey-tabs.tsx';
import { surveyKeys, surveysApi, useSurvey, type Survey } from './surveys-api.ts';
import './survey-builder.css';

export default function SurveyBuilderPage({ surveyId }: { surveyId: string }) {
  const t = useT();
  const survey = useSurvey(surveyId);
  if (survey.isPending) {
    return <div className="page"><SurveyHeader surveyId={surveyId} current="build" /><Skeleton lines={10} /></div>;
  }
  if (survey.isError) {
    const missing = survey.error instanceof ApiError && survey.error.status === 404;
    return (
      <div className="page">
        <SurveyHeader surveyId={surveyId} current="build" />
        <ErrorState detail={missing ? t('surveys.builder.notFound') : survey.error.message} onRetry={missing ? undefined : () => void survey.refetch()} />
      </div>
    );
  }
  return <Builder key={survey.data.id} survey={survey.data} />;
}

/** The questions opened at first: all of a short survey, the first of a long one. */
function initiallyOpen(survey: Survey): Set<string> {
  return new Set(survey.questions.length <= 3 ? survey.questions.map((q) => q.id) : survey.questions.slice(0, 1).map((q) => q.id));
}

function Builder({ survey }: { survey: Survey }) {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const client = useQueryClient();
  const session = useSession();
  const readOnly = !canWriteSurveys(session);
  const placeOf = usePathPlace();

  // What the server holds, and the working copy; they differ while there are unsaved edits.
  const [saved, setSaved] = useState<Definition>(() => definitionOf(survey));
  const [draft, setDraft] = useState<Definition>(() => definitionOf(survey));
  const hasUnsavedEdits = !readOnly && !sameDefinition(draft, saved);
  const languages = draft.settings.languages;
  // Until one is picked, texts are written in the reader's language when the survey has it.
  const [chosenLanguage, setChosenLanguage] = useState<Language | null>(null);
  const editing = [chosenLanguage, prefs.language].find((l): l is Language => Boolean(l && languages.includes(l))) ?? draft.settings.defaultLanguage;
  const [sideBySide, setSideBySide] = useState(false);
  const [expanded, setExpanded] = useState<Set<string>>(() => initiallyOpen(survey));
  const [previewShown, setPreviewShown] = useState(false);
  const save = useSubmit();
  const action = useSubmit();
  const errors = useSaveErrors(save.error ?? action.error);
  const missing = useMemo(() => missingTranslations(draft), [draft]);
  const counts = useMemo(() => missingCounts(draft), [draft]);

  // Set once the survey is deleted: nothing is left to lose by leaving.
  const gone = useRef(false);
  const blocker = useBlocker({ shouldBlockFn: () => hasUnsavedEdits && !gone.current, enableBeforeUnload: hasUnsavedEdits, withResolver: true });

  const context: BuilderContextValue = {
    languages,
    shown: sideBySide ? languages : [editing],
    readOnly,
    error: (path) => errors.byPath.get(path),
    missing,
  };

  const setExpandedOne = (id: string, open: boolean) => setExpanded((current) => {
    const next = new Set(current);
    if (open) next.add(id);
    else next.delete(id);
    return next;
  });
  /** After a refused save: open every question the server found a problem in. */
  const openProblems = (error: unknown) => {
    if (!(error instanceof ApiError)) return;
    const indexes = Object.keys(error.fieldPaths).map(questionIndexOf).filter((i): i is number => i !== undefined);
    setExpanded((current) => new Set([...current, ...indexes.map((i) => draft.questions[i]?.id).filter((id): id is string => Boolean(id))]));
  };
  const remember = (next: Survey) => {
    client.setQueryData(surveyKeys.one(next.id), next);
    void client.invalidateQueries({ queryKey: surveyKeys.all, refetchType: 'none' });
  };

  /** Saves the working copy; edits made while the save was on its way are kept. */
  const saveDraft = async (): Promise<Survey> => {
    const sent = draft;
    try {
      const result = await surveysApi.saveDraft(survey.id, sent);
      const stored = definitionOf(result);
      setSaved(stored);
      setDraft((current) => (sameDefinition(current, sent) ? stored : current));
      remember(result);
      return result;
    } catch (error) {
      openProblems(error);
      throw error;
    }
  };
  const handleSave = async () => {
    action.setError(null);
    if (await save.run(saveDraft)) toast(t('surveys.builder.saved'));
  };
  const handlePublish = async () => {
    save.setError(null);
    let version = 0;
    const ok = await action.run(async () => {
      if (hasUnsavedEdits) await saveDraft();
      const result = await surveysApi.publish(survey.id);
      version = result.version;
      remember(result);
    });
    if (ok) toast(t('surveys.builder.published', { version: formatNumber(version, prefs) }));
    return ok;
  };
  const handleClose = async () => {
    const ok = await action.run(async () => remember(await surveysApi.close(survey.id)));
    if (ok) toast(t('surveys.builder.closed'));
    return ok;
  };
  const handleReopen = async () => {
    if (await action.run(async () => remember(await surveysApi.reopen(survey.id)))) toast(t('surveys.builder.reopened'));
  };
  /** A copy of the draft as saved (unsaved edits are saved first, so the copy has them). */
  const handleDuplicate = async () => {
    let copyId = '';
    const ok = await action.run(async () => {
      if (hasUnsavedEdits) await saveDraft();
      copyId = (await surveysApi.duplicate(survey.id)).id;
      void client.invalidateQueries({ queryKey: surveyKeys.all });
    });
    if (ok) {
      toast(t('surveys.builder.duplicated'));
      navigate(`/feedback/surveys/${copyId}`);
    }
  };
  const handleDelete = async () => {
    const ok = await action.run(async () => {
      await surveysApi.remove(survey.id);
      client.removeQueries({ queryKey: surveyKeys.one(survey.id) });
      await client.invalidateQueries({ queryKey: surveyKeys.all });
    });
    if (ok) {
      toast(t('surveys.builder.deleted'));
      gone.current = true;
      navigate('/feedback/surveys', { replace: true });
    }
    return ok;
  };
  const handleShowMissing = (language: Language) => {
    setSideBySide(false);
    setChosenLanguage(language);
    const indexes = [...missing].filter(([, langs]) => langs.includes(language)).map(([path]) => questionIndexOf(path)).filter((i): i is number => i !== undefined);
    setExpanded((current) => new Set([...current, ...indexes.map((i) => draft.questions[i]!.id)]));
    setPreviewShown(false);
    requestAnimationFrame(() => document.querySelector<HTMLElement>('.field-missing input, .field-missing textarea')?.focus());
  };

  const problem = save.error ?? action.error;
  return (
    <BuilderContext.Provider value={context}>
      <div className="page builder-page">
        <SurveyHeader survey={survey} surveyId={survey.id} current="build" />
        {readOnly && <p className="notice">{t('surveys.builder.readOnly')}</p>}
        <div className="builder-layout" data-preview={previewShown}>
          <div className="builder-main">
            <ActionBar
              survey={survey}
              readOnly={readOnly}
              hasUnsavedEdits={hasUnsavedEdits}
              missingCounts={counts}
              isSaving={save.pending}
              isBusy={save.pending || action.pending}
              previewShown={previewShown}
              onPreviewToggle={() => setPreviewShown((v) => !v)}
              onSave={() => void handleSave()}
              onPublish={handlePublish}
              onClose={handleClose}
              onReopen={() => void handleReopen()}
              onDuplicate={() => void handleDuplicate()}
              onDelete={handleDelete}
              onShowMissing={handleShowMissing}
            />
            {problem && (
              <div className="form-error problem-banner" role="alert" data-testid="builder-error">
                <AlertIcon />
                <div>
                  <p>{errors.list.length > 0 ? t('surveys.builder.saveRefused', { count: errors.list.length }) : problem.message}</p>
                  {errors.list.length > 0 && (
                    <ul className="problem-list">
                      {errors.list.slice(0, 8).map((e) => <li key={e.path}><strong>{placeOf(e.path)}</strong>: {e.message}</li>)}
                    </ul>
                  )}
                </div>
              </div>
            )}
            <div className="builder-sections">
              <LanguageBar languages={languages} editing={editing} onEditingChange={setChosenLanguage} sideBySide={sideBySide} onSideBySideChange={setSideBySide} missingCounts={counts} />
              <AboutSection definition={draft} onChange={setDraft} />
              <QuestionsSection definition={draft} onChange={setDraft} expanded={expanded} onExpandedChange={setExpandedOne} problemPaths={errors.list.map((e) => e.path)} />
              <LimitsSection definition={draft} onChange={setDraft} />
              <WidgetSection definition={draft} onChange={setDraft} />
            </div>
          </div>
          <aside className="builder-side" aria-label={t('surveys.builder.preview')}>
            <PreviewPanel survey={survey} hasUnsavedEdits={hasUnsavedEdits} />
          </aside>
        </div>
      </div>
      <ConfirmDialog
        title={t('surveys.builder.leaveTitle')}
        body={t('surveys.builder.leaveBody')}
        confirmLabel={t('surveys.builder.leave')}
        isOpen={blocker.status === 'blocked'}
        onOpenChange={(open) => { if (!open && blocker.status === 'blocked') blocker.reset(); }}
        onConfirm={() => { if (blocker.status === 'blocked') blocker.proceed(); }}
        danger
      />
    </BuilderContext.Provider>
  );
}
