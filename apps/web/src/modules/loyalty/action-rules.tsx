// The program editor's "points for reviews and your own actions": one card per rule (a review, or
// an action the shop reports under a key of the workspace's choosing), with its points, an
// optional condition on the event's attributes, caps per day and per period, and whether the
// points count for tiers; a sentence under each says what the rule gives, in the reader's words.
import { Fragment, type ReactNode } from 'react';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { formatNumber, localiseDigits } from '../../lib/format.ts';
import { Button, Checkbox, PlusIcon, Select, TextField } from '../../ui/index.ts';
import { ACTION_TYPES, CONDITION_OPS, actionRulesOf, newActionDraft, type ActionDraft, type ActionType, type ConditionOp } from './action-draft.ts';
import './action-rules.css';

/** Stands for the attribute in a sentence until it is put in its own isolate (an invisible separator, never typed). */
const ATTRIBUTE_MARK = '\u2063';

export function ActionRules({ rows, onChange, err }: { rows: ActionDraft[]; onChange: (rows: ActionDraft[]) => void; err: (path: string) => string | undefined }) {
  const t = useT();
  const prefs = usePrefs();
  const update = (row: string, change: Partial<ActionDraft>) => onChange(rows.map((r) => (r.row === row ? { ...r, ...change } : r)));
  const hasReview = rows.some((r) => r.type === 'review');
  return (
    <fieldset className="fieldset action-rules" data-testid="action-rules">
      <legend>{t('loyalty.actions.title')}</legend>
      <p className="field-description">{t('loyalty.actions.hint')}</p>
      {rows.length > 0 && (
        <ul className="action-rule-list">
          {rows.map((r, i) => (
            <li key={r.row} className="action-rule" data-testid={`action-rule-${r.type}`}>
              <div className="action-rule-head">
                <strong>{t(`loyalty.actions.type.${r.type}`)}</strong>
                <Button variant="ghost" onPress={() => onChange(rows.filter((x) => x.row !== r.row))}
                  aria-label={t('loyalty.editor.removeNamed', { name: r.type === 'review' ? t('loyalty.actions.type.review') : r.name.trim() || t('loyalty.actions.type.custom') })}>
                  {t('loyalty.editor.remove')}
                </Button>
              </div>
              {err(`actions.${i}.type`) && <p className="form-error">{err(`actions.${i}.type`)}</p>}
              <div className="form-grid">
                {r.type === 'custom' && (
                  <>
                    <TextField label={t('loyalty.actions.name')} value={r.name} onChange={(name) => update(r.row, { name })} description={t('loyalty.actions.nameHint')}
                      errorMessage={err(`actions.${i}.name`)} />
                    <TextField label={t('loyalty.actions.key')} value={r.key} onChange={(key) => update(r.row, { key })} description={t('loyalty.actions.keyHint')}
                      errorMessage={err(`actions.${i}.key`)} dir="ltr" autoComplete="off" />
                  </>
                )}
                <TextField label={t('loyalty.editor.eventPoints')} value={r.points} onChange={(points) => update(r.row, { points })} inputMode="numeric"
                  description={t('loyalty.actions.pointsHint')} errorMessage={err(`actions.${i}.points`)} />
                <Select label={t('loyalty.actions.condition')} value={r.op} onChange={(op: ConditionOp) => update(r.row, { op })}
                  options={CONDITION_OPS.map((op) => ({ id: op, label: t(`loyalty.actions.op.${op}`) }))} />
                {r.op !== 'none' && (
                  <TextField label={t('loyalty.actions.attribute')} value={r.attribute} onChange={(attribute) => update(r.row, { attribute })}
                    description={t('loyalty.actions.attributeHint')} errorMessage={err(`actions.${i}.attribute`) ?? err(`actions.${i}.condition.attribute`)}
                    dir="ltr" autoComplete="off" />
                )}
                {r.op !== 'none' && r.op !== 'present' && (
                  <TextField label={t('loyalty.actions.value')} value={r.value} onChange={(value) => update(r.row, { value })}
                    inputMode="text" errorMessage={err(`actions.${i}.value`) ?? err(`actions.${i}.condition.value`)} />
                )}
                <TextField label={t('loyalty.actions.perDay')} value={r.perDay} onChange={(perDay) => update(r.row, { perDay })} inputMode="numeric"
                  description={t('loyalty.editor.noCapHint')} errorMessage={err(`actions.${i}.perDay`)} />
                <TextField label={t('loyalty.actions.periodCount')} value={r.periodCount} onChange={(periodCount) => update(r.row, { periodCount })} inputMode="numeric"
                  errorMessage={err(`actions.${i}.periodCount`) ?? err(`actions.${i}.perPeriod.count`)} />
                <TextField label={t('loyalty.actions.periodDays')} value={r.periodDays} onChange={(periodDays) => update(r.row, { periodDays })} inputMode="numeric"
                  description={t('loyalty.actions.periodHint')} errorMessage={err(`actions.${i}.periodDays`) ?? err(`actions.${i}.perPeriod.days`)} />
              </div>
              <Checkbox isSelected={r.qualifying} onChange={(qualifying) => update(r.row, { qualifying })}>{t('loyalty.actions.qualifying')}</Checkbox>
              <RuleSentence rule={r} prefs={prefs} />
            </li>
          ))}
        </ul>
      )}
      <div className="action-rule-add">
        {ACTION_TYPES.map((type: ActionType) => (
          <Button key={type} onPress={() => onChange([...rows, newActionDraft(type, prefs)])} isDisabled={type === 'review' && hasReview}>
            <PlusIcon />{t(`loyalty.actions.add.${type}`)}
          </Button>
        ))}
      </div>
    </fieldset>
  );
}

/** "Earns 20 points, when rating is at least 4, at most 1 a day, counts for tiers" — or nothing while the rule cannot be read. */
function RuleSentence({ rule, prefs }: { rule: ActionDraft; prefs: ReturnType<typeof usePrefs> }) {
  const t = useT();
  const { rules, errors } = actionRulesOf([rule]);
  const r = rules[0];
  if (!r || Object.keys(errors).length > 0) return null;
  const n = (v: number) => formatNumber(v, prefs);
  const parts: ReactNode[] = [t('loyalty.actions.sentence.points', { points: n(r.points) })];
  if (r.condition) {
    const value = r.condition.value === undefined ? '' : typeof r.condition.value === 'number' ? n(r.condition.value) : localiseDigits(r.condition.value, prefs.digits);
    // The attribute is the shop's own name for it (Latin, as sent): set apart, not translated.
    const [before = '', after = ''] = t(`loyalty.actions.sentence.${r.condition.op}`, { value, attribute: ATTRIBUTE_MARK }).split(ATTRIBUTE_MARK);
    parts.push(<>{before}<bdi dir="ltr" translate="no">{r.condition.attribute}</bdi>{after}</>);
  }
  if (r.perDay) parts.push(t('loyalty.actions.sentence.perDay', { count: n(r.perDay) }));
  if (r.perPeriod) parts.push(t('loyalty.actions.sentence.perPeriod', { count: n(r.perPeriod.count), days: n(r.perPeriod.days) }));
  parts.push(t(r.qualifying === false ? 'loyalty.actions.sentence.notQualifying' : 'loyalty.actions.sentence.qualifying'));
  const joiner = t('loyalty.actions.sentence.joiner');
  return (
    <p className="field-description action-rule-sentence" data-testid="action-rule-sentence">
      {parts.map((part, i) => <Fragment key={i}>{i > 0 && joiner}{part}</Fragment>)}
    </p>
  );
}
