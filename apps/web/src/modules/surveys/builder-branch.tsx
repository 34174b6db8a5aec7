// "Show this question only if": an earlier question, a comparison its answer type allows, and
// the value (a score on its scale, some of its options). Questions after it are never offered.
import { scoreRange, type Question, type ShowIf } from '@vafa/contracts';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { formatNumber } from '../../lib/format.ts';
import { Checkbox, Select, Switch } from '../../ui/index.ts';
import { useBuilder } from './builder-context.tsx';
import { branchOps, branchProblem, branchTargets, defaultShowIf, pickText, withOp, type BranchOp } from './builder-model.ts';

/** A question's short name for pickers: "Question 2: How likely…". */
export function useQuestionName(): (question: Question, index: number) => string {
  const t = useT();
  const { shown } = useBuilder();
  return (question, index) => {
    const title = pickText(question.title, shown[0] ?? 'fa');
    return title ? t('surveys.builder.questionNamed', { n: index + 1, title: title.length > 60 ? `${title.slice(0, 57)}…` : title }) : t('surveys.builder.questionN', { n: index + 1 });
  };
}

/** "Shown if question 1 is at most 6", for the question's header. */
export function useBranchSummary(): (questions: readonly Question[], showIf: ShowIf) => string {
  const t = useT();
  const prefs = usePrefs();
  return (questions, showIf) => {
    const index = questions.findIndex((q) => q.id === showIf.question);
    const n = index + 1;
    if (showIf.op === 'answered') return t('surveys.builder.branchSummaryAnswered', { n });
    if (showIf.op === 'in') {
      const target = questions[index];
      const count = Array.isArray(showIf.value) ? showIf.value.length : 0;
      return target ? t('surveys.builder.branchSummaryIn', { n, count }) : t('surveys.builder.branchSummaryAnswered', { n });
    }
    return t(`surveys.builder.branchSummary.${showIf.op}`, { n, value: formatNumber(Number(showIf.value ?? 0), prefs) });
  };
}

export function BranchEditor({ questions, index, onChange }: { questions: readonly Question[]; index: number; onChange: (showIf: ShowIf | undefined) => void }) {
  const t = useT();
  const prefs = usePrefs();
  const { readOnly, error, shown } = useBuilder();
  const questionName = useQuestionName();
  const question = questions[index]!;
  const targets = branchTargets(questions, index);
  const showIf = question.showIf;
  const target = showIf ? questions.find((q) => q.id === showIf.question) : undefined;
  const problem = branchProblem(questions, index);
  const path = `questions.${index}.showIf`;
  const serverError = error(path) ?? error(`${path}.question`) ?? error(`${path}.value`) ?? error(`${path}.op`);

  if (targets.length === 0 && !showIf) {
    return <p className="field-description branch-none">{t('surveys.builder.branchFirst')}</p>;
  }
  const range = target ? scoreRange(target) : undefined;
  const choices = target && (target.type === 'single_choice' || target.type === 'multiple_choice') ? target : undefined;
  const chosen = Array.isArray(showIf?.value) ? showIf.value : [];
  const toggleOption = (id: string, on: boolean) => {
    if (!showIf) return;
    onChange({ ...showIf, value: on ? [...chosen, id] : chosen.filter((x) => x !== id) });
  };

  return (
    <div className="branch">
      <Switch isSelected={Boolean(showIf)} isDisabled={readOnly} onChange={(on) => onChange(on && targets.length > 0 ? defaultShowIf(targets[targets.length - 1]!) : undefined)}>
        {t('surveys.builder.branchToggle')}
      </Switch>
      {showIf && (
        <div className="branch-row">
          <Select
            label={t('surveys.builder.branchQuestion')}
            value={target && targets.includes(target) ? target.id : null}
            isDisabled={readOnly}
            onChange={(id) => { const next = targets.find((q) => q.id === id); if (next) onChange(defaultShowIf(next)); }}
            options={targets.map((q) => ({ id: q.id, label: questionName(q, questions.indexOf(q)) }))}
            errorMessage={problem === 'show_if_later_question' || problem === 'show_if_unknown_question' ? t(`surveys.builder.error.${problem}`) : undefined}
          />
          {target && (
            <Select<BranchOp>
              label={t('surveys.builder.branchOp')}
              value={showIf.op}
              isDisabled={readOnly}
              onChange={(op) => onChange(withOp(showIf, op, target))}
              options={branchOps(target).map((op) => ({ id: op, label: t(`surveys.builder.op.${op}`) }))}
            />
          )}
          {target && range && showIf.op !== 'answered' && (
            <Select
              label={t('surveys.builder.branchValue')}
              value={typeof showIf.value === 'number' ? String(showIf.value) : null}
              isDisabled={readOnly}
              onChange={(v) => onChange({ ...showIf, value: Number(v) })}
              options={Array.from({ length: range.max - range.min + 1 }, (_, i) => range.min + i).map((n) => ({ id: String(n), label: formatNumber(n, prefs) }))}
            />
          )}
          {choices && showIf.op === 'in' && (
            <fieldset className="fieldset branch-options">
              <legend>{t('surveys.builder.branchOptions')}</legend>
              <div className="checkbox-row">
                {choices.options.map((o, i) => (
                  <Checkbox key={o.id} isSelected={chosen.includes(o.id)} isDisabled={readOnly} onChange={(on) => toggleOption(o.id, on)}>
                    {pickText(o.label, shown[0] ?? 'fa') || t('surveys.builder.optionN', { n: i + 1 })}
                  </Checkbox>
                ))}
                {choices.allowOther && (
                  <Checkbox isSelected={chosen.includes('other')} isDisabled={readOnly} onChange={(on) => toggleOption('other', on)}>{t('surveys.builder.otherOption')}</Checkbox>
                )}
              </div>
            </fieldset>
          )}
        </div>
      )}
      {showIf && problem === 'show_if_incompatible' && <p className="field-error">{t('surveys.builder.error.show_if_incompatible')}</p>}
      {serverError && !problem && <p className="field-error">{serverError}</p>}
    </div>
  );
}
