// The survey's questions in order, each opened or closed on its own, and "add a question" with
// every type the contract has, each said in a line.
import type { LocalText, QuestionType } from '@vafa/contracts';
import { useState } from 'react';
import { Button as AriaButton } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import type { MessageKey } from '../../i18n/index.ts';
import { useKnownKey, useT } from '../../i18n/useT.ts';
import { formatNumber } from '../../lib/format.ts';
import { Button, ConfirmDialog, Dialog, PlusIcon } from '../../ui/index.ts';
import { useBuilder } from './builder-context.tsx';
import {
  QUESTION_TYPES, addQuestion, blankQuestion, dependentsOf, duplicateQuestion, moveQuestion, newId, questionIndexOf, removeQuestion, updateQuestion,
  type Definition,
} from './builder-model.ts';
import { QuestionCard } from './builder-question.tsx';

const MAX_QUESTIONS = 60;

export function QuestionsSection({ definition, onChange, expanded, onExpandedChange, problemPaths }: {
  definition: Definition;
  onChange: (definition: Definition) => void;
  /** ids of the questions open for editing */
  expanded: ReadonlySet<string>;
  onExpandedChange: (id: string, open: boolean) => void;
  /** paths of the last save's problems */
  problemPaths: readonly string[];
}) {
  const t = useT();
  const known = useKnownKey();
  const prefs = usePrefs();
  const { readOnly, shown } = useBuilder();
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<number | null>(null);
  const questions = definition.questions;
  const ids = questions.map((q) => q.id);

  const handleAdd = (type: QuestionType) => {
    const id = newId('q', ids);
    // A new scored question starts with the usual wording when it is written in the reader's language.
    const language = shown[0] ?? prefs.language;
    const defaultKey = `surveys.builder.defaultTitle.${type}`;
    const title = language === prefs.language && known(defaultKey) ? ({ [language]: t(defaultKey as MessageKey) } as LocalText) : undefined;
    onChange(addQuestion(definition, blankQuestion(type, id, title)));
    onExpandedChange(id, true);
    setAdding(false);
    // Bring the new question into view once it is drawn.
    requestAnimationFrame(() => document.querySelector(`[data-question="${id}"]`)?.scrollIntoView({ block: 'start', behavior: 'smooth' }));
  };
  const handleDuplicate = (index: number) => {
    const id = newId('q', ids);
    onChange(duplicateQuestion(definition, index, id));
    onExpandedChange(id, true);
  };
  const dependents = removing === null ? [] : dependentsOf(definition, questions[removing]!.id);
  const list = new Intl.ListFormat(prefs.language, { type: 'conjunction' });

  return (
    <section className="builder-section questions-section" aria-labelledby="questions-heading">
      <div className="section-head">
        <h2 id="questions-heading">{t('surveys.builder.questions')} <span className="muted">({formatNumber(questions.length, prefs)})</span></h2>
      </div>
      <ol className="question-list">
        {questions.map((q, index) => (
          <li key={q.id}>
            <QuestionCard
              questions={questions}
              index={index}
              isExpanded={expanded.has(q.id)}
              onExpandedChange={(open) => onExpandedChange(q.id, open)}
              onChange={(next) => onChange(updateQuestion(definition, index, next))}
              onMove={(delta) => onChange(moveQuestion(definition, index, delta))}
              onDuplicate={() => handleDuplicate(index)}
              onRemove={() => setRemoving(index)}
              problemCount={problemPaths.filter((p) => questionIndexOf(p) === index).length}
            />
          </li>
        ))}
      </ol>
      {!readOnly && questions.length < MAX_QUESTIONS && (
        <div><Button variant="primary" onPress={() => setAdding(true)}><PlusIcon />{t('surveys.builder.addQuestion')}</Button></div>
      )}
      <Dialog title={t('surveys.builder.addQuestionTitle')} isOpen={adding} onOpenChange={setAdding} size="large">
        <ul className="type-list">
          {QUESTION_TYPES.map((type) => (
            <li key={type}>
              <AriaButton className="type-choice" onPress={() => handleAdd(type)}>
                <span className="type-name">{t(`surveys.builder.type.${type}`)}</span>
                <span className="type-hint">{t(`surveys.builder.typeHint.${type}`)}</span>
              </AriaButton>
            </li>
          ))}
        </ul>
      </Dialog>
      <ConfirmDialog
        title={t('surveys.builder.removeTitle', { n: (removing ?? 0) + 1 })}
        body={dependents.length > 0
          ? t('surveys.builder.removeBodyDependents', { questions: list.format(dependents.map((i) => formatNumber(i + 1, prefs))) })
          : t('surveys.builder.removeBody')}
        confirmLabel={t('common.delete')}
        isOpen={removing !== null}
        onOpenChange={(open) => { if (!open) setRemoving(null); }}
        onConfirm={() => { if (removing !== null) onChange(removeQuestion(definition, removing)); setRemoving(null); }}
        danger
      />
    </section>
  );
}
