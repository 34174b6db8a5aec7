// One question in the builder: a header that opens and closes it (number, title, type and what
// is set: required, shown only if…, texts missing, problems) with buttons to move it up or down,
// copy and delete it; inside, its texts, its type's settings, required and the branching.
import { SERVQUAL_DIMENSIONS, type Question, type ServqualDimension, type ShowIf } from '@vafa/contracts';
import { Button as AriaButton, Disclosure, DisclosurePanel, Heading, Toolbar } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { formatNumber } from '../../lib/format.ts';
import { Badge, Button, ChevronDown, CopyIcon, Select, Switch, TrashIcon } from '../../ui/index.ts';
import { BranchEditor, useBranchSummary } from './builder-branch.tsx';
import { useBuilder } from './builder-context.tsx';
import { ArrowDownIcon, ArrowUpIcon } from './builder-icons.tsx';
import { LocalTextField, NumberInput } from './builder-fields.tsx';
import { branchProblem, optionalText, pickText, setShowIf } from './builder-model.ts';
import { OptionsFields } from './builder-options.tsx';
import { ScaleFields } from './builder-scale.tsx';

export interface QuestionCardProps {
  questions: readonly Question[];
  index: number;
  isExpanded: boolean;
  onExpandedChange: (expanded: boolean) => void;
  onChange: (question: Question) => void;
  onMove: (delta: -1 | 1) => void;
  onDuplicate: () => void;
  onRemove: () => void;
  /** problems of the last save under this question */
  problemCount: number;
}

export function QuestionCard({ questions, index, isExpanded, onExpandedChange, onChange, onMove, onDuplicate, onRemove, problemCount }: QuestionCardProps) {
  const t = useT();
  const prefs = usePrefs();
  const { readOnly, shown, missing, error } = useBuilder();
  const branchSummary = useBranchSummary();
  const question = questions[index]!;
  const path = `questions.${index}`;
  const n = index + 1;
  const title = pickText(question.title, shown[0] ?? 'fa');
  const missingHere = [...missing.keys()].filter((p) => p.startsWith(`${path}.`)).length;
  const branchBroken = Boolean(branchProblem(questions, index));
  const headingId = `question-${question.id}-heading`;

  return (
    <Disclosure className="card question-card" isExpanded={isExpanded} onExpandedChange={onExpandedChange} data-question={question.id}>
      <div className="question-head">
        <Heading level={3} className="question-heading" id={headingId}>
          <AriaButton slot="trigger" className="question-trigger">
            <span className="question-chevron" aria-hidden="true"><ChevronDown /></span>
            <span className="question-number" aria-hidden="true">{formatNumber(n, prefs)}</span>
            <span className="question-summary">
              <span className="visually-hidden">{t('surveys.builder.questionN', { n })}: </span>
              <span className={title ? 'question-title' : 'question-title muted'}>{title || t('surveys.builder.untitled')}</span>
              <span className="question-badges">
                <Badge>{t(`surveys.builder.type.${question.type}`)}</Badge>
                {question.required && <Badge tone="info">{t('surveys.builder.required')}</Badge>}
                {question.showIf && <Badge tone={branchBroken ? 'bad' : 'neutral'}>{branchSummary(questions, question.showIf)}</Badge>}
                {missingHere > 0 && <Badge tone="warn">{t('surveys.builder.missingCount', { count: missingHere })}</Badge>}
                {problemCount > 0 && <Badge tone="bad">{t('surveys.builder.problemCount', { count: problemCount })}</Badge>}
              </span>
            </span>
          </AriaButton>
        </Heading>
        {!readOnly && (
          <Toolbar className="row-tools" aria-label={t('surveys.builder.questionTools', { n })}>
            <Button variant="ghost" className="icon-only" aria-label={t('surveys.builder.moveUp', { n })} isDisabled={index === 0} onPress={() => onMove(-1)}><ArrowUpIcon /></Button>
            <Button variant="ghost" className="icon-only" aria-label={t('surveys.builder.moveDown', { n })} isDisabled={index === questions.length - 1} onPress={() => onMove(1)}><ArrowDownIcon /></Button>
            <Button variant="ghost" className="icon-only" aria-label={t('surveys.builder.duplicate', { n })} onPress={onDuplicate}><CopyIcon /></Button>
            <Button variant="ghost" className="icon-only" aria-label={t('surveys.builder.remove', { n })} isDisabled={questions.length <= 1} onPress={onRemove}><TrashIcon /></Button>
          </Toolbar>
        )}
      </div>
      <DisclosurePanel className="question-panel" aria-labelledby={headingId}>
        <p className="field-description">{t(`surveys.builder.typeHint.${question.type}`)}</p>
        {error(path) && <p className="field-error">{error(path)}</p>}
        {error(`${path}.type`) && <p className="field-error">{error(`${path}.type`)}</p>}
        <LocalTextField label={t('surveys.builder.questionTitle')} path={`${path}.title`} text={question.title} multiline short onChange={(text) => onChange({ ...question, title: text })} />
        <LocalTextField label={t('surveys.builder.questionDescription')} path={`${path}.description`} text={question.description} multiline
          description={t('surveys.builder.optional')} onChange={(text) => onChange({ ...question, description: optionalText(text) })} />
        <TypeFields question={question} path={path} number={n} onChange={onChange} />
        <Switch isSelected={question.required} isDisabled={readOnly} onChange={(required) => onChange({ ...question, required })}>{t('surveys.builder.requiredToggle')}</Switch>
        <BranchEditor questions={questions} index={index} onChange={(showIf?: ShowIf) => onChange(setShowIf(question, showIf))} />
      </DisclosurePanel>
    </Disclosure>
  );
}

function TypeFields({ question, path, number, onChange }: { question: Question; path: string; number: number; onChange: (q: Question) => void }) {
  const t = useT();
  const { readOnly, error } = useBuilder();
  switch (question.type) {
    case 'csat':
    case 'rating':
      return <ScaleFields question={question} path={path} onChange={onChange} />;
    case 'single_choice':
    case 'multiple_choice':
      return <OptionsFields question={question} path={path} number={number} onChange={onChange} />;
    case 'text':
      return (
        <div className="form-grid">
          <Switch isSelected={question.multiline} isDisabled={readOnly} onChange={(multiline) => onChange({ ...question, multiline })}>{t('surveys.builder.multiline')}</Switch>
          <NumberInput label={t('surveys.builder.maxLength')} value={question.maxLength} isReadOnly={readOnly}
            // Left empty, the server's default (2000) applies.
            onChange={(maxLength) => onChange({ ...question, maxLength: maxLength as number })} errorMessage={error(`${path}.maxLength`)} />
        </div>
      );
    case 'servqual':
      return (
        <Select<ServqualDimension> label={t('surveys.builder.dimension')} value={question.dimension} isDisabled={readOnly}
          onChange={(dimension) => onChange({ ...question, dimension })}
          options={SERVQUAL_DIMENSIONS.map((id) => ({ id, label: t(`surveys.builder.dimension.${id}`) }))} />
      );
    default:
      return null;
  }
}
