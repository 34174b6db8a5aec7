// The options of a single or multiple choice question: each in the survey's languages, moved
// with buttons, at least two; "other" with its own text box; how many may be picked.
import type { ChoiceOption, Question } from '@vafa/contracts';
import { Toolbar } from 'react-aria-components';
import { useT } from '../../i18n/useT.ts';
import { Button, PlusIcon, Switch, TrashIcon } from '../../ui/index.ts';
import { useBuilder } from './builder-context.tsx';
import { ArrowDownIcon, ArrowUpIcon } from './builder-icons.tsx';
import { LocalTextField, NumberInput } from './builder-fields.tsx';
import { newId } from './builder-model.ts';

type Choice = Extract<Question, { type: 'single_choice' | 'multiple_choice' }>;
const MAX_OPTIONS = 30;

export function OptionsFields({ question, path, number, onChange }: { question: Choice; path: string; number: number; onChange: (q: Question) => void }) {
  const t = useT();
  const { readOnly, error } = useBuilder();
  const setOptions = (options: ChoiceOption[]) => onChange({ ...question, options });
  const move = (i: number, delta: -1 | 1) => {
    const options = [...question.options];
    [options[i], options[i + delta]] = [options[i + delta]!, options[i]!];
    setOptions(options);
  };
  return (
    <>
      <fieldset className="fieldset options">
        <legend>{t('surveys.builder.options')}</legend>
        {error(`${path}.options`) && <p className="field-error">{error(`${path}.options`)}</p>}
        <ol className="option-list">
          {question.options.map((option, i) => (
            <li key={option.id} className="option-row">
              <LocalTextField label={t('surveys.builder.optionN', { n: i + 1 })} path={`${path}.options.${i}.label`} text={option.label}
                onChange={(label) => setOptions(question.options.map((o, j) => (j === i ? { ...o, label } : o)))} />
              {!readOnly && (
                <Toolbar className="row-tools" aria-label={t('surveys.builder.optionTools', { n: i + 1, question: number })}>
                  <Button variant="ghost" className="icon-only" aria-label={t('surveys.builder.optionUp', { n: i + 1 })} isDisabled={i === 0} onPress={() => move(i, -1)}><ArrowUpIcon /></Button>
                  <Button variant="ghost" className="icon-only" aria-label={t('surveys.builder.optionDown', { n: i + 1 })} isDisabled={i === question.options.length - 1} onPress={() => move(i, 1)}><ArrowDownIcon /></Button>
                  <Button variant="ghost" className="icon-only" aria-label={t('surveys.builder.optionRemove', { n: i + 1 })} isDisabled={question.options.length <= 2}
                    onPress={() => setOptions(question.options.filter((_, j) => j !== i))}><TrashIcon /></Button>
                </Toolbar>
              )}
            </li>
          ))}
        </ol>
        {!readOnly && question.options.length < MAX_OPTIONS && (
          <div><Button onPress={() => setOptions([...question.options, { id: newId('opt', question.options.map((o) => o.id)), label: {} as ChoiceOption['label'] }])}><PlusIcon />{t('surveys.builder.addOption')}</Button></div>
        )}
      </fieldset>
      <div className="form-grid">
        <Switch isSelected={question.allowOther} isDisabled={readOnly} onChange={(allowOther) => onChange({ ...question, allowOther })}>{t('surveys.builder.allowOther')}</Switch>
        {question.type === 'multiple_choice' && (
          <NumberInput label={t('surveys.builder.maxChoices')} description={t('surveys.builder.maxChoicesHint')} value={question.maxChoices} isReadOnly={readOnly}
            onChange={(maxChoices) => onChange({ ...question, maxChoices: maxChoices || undefined })} errorMessage={error(`${path}.maxChoices`)} />
        )}
      </div>
    </>
  );
}
