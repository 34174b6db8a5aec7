// The scale of a CSAT or rating question: how many points (or which bounds), how it is drawn,
// and, for verbal scales, one label per point; a rating may also caption its two ends.
import type { Question, ScaleStyle } from '@vafa/contracts';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { formatNumber } from '../../lib/format.ts';
import { Select } from '../../ui/index.ts';
import { useBuilder } from './builder-context.tsx';
import { LocalTextField } from './builder-fields.tsx';
import { optionalText, scalePoints, withScale } from './builder-model.ts';

type Csat = Extract<Question, { type: 'csat' }>;
type Rating = Extract<Question, { type: 'rating' }>;

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

export function ScaleFields({ question, path, onChange }: { question: Csat | Rating; path: string; onChange: (q: Question) => void }) {
  const t = useT();
  const prefs = usePrefs();
  const { readOnly, error } = useBuilder();
  const number = (n: number) => ({ id: String(n), label: formatNumber(n, prefs) });
  // Faces read well up to five or so points; a longer rating scale is drawn as numbers, stars or words.
  const styles: ScaleStyle[] = question.type === 'csat' ? ['faces', 'stars', 'numbers', 'labels'] : ['numbers', 'stars', 'labels'];
  const first = question.type === 'csat' ? 1 : question.min;
  return (
    <>
      <div className="form-grid">
        {question.type === 'csat' ? (
          <Select label={t('surveys.builder.points')} value={String(question.points)} isDisabled={readOnly}
            onChange={(v) => onChange(withScale(question, { points: Number(v) }))} options={range(2, 10).map(number)}
            errorMessage={error(`${path}.points`)} />
        ) : (
          <div className="scale-bounds">
            <Select label={t('surveys.builder.scaleFrom')} value={String(question.min)} isDisabled={readOnly}
              onChange={(v) => { const min = Number(v); onChange(withScale(question, { min, max: Math.min(Math.max(question.max, min + 1), min + 10) })); }}
              options={range(0, 1).map(number)} errorMessage={error(`${path}.min`)} />
            <Select label={t('surveys.builder.scaleTo')} value={String(question.max)} isDisabled={readOnly}
              onChange={(v) => onChange(withScale(question, { max: Number(v) }))} options={range(question.min + 1, question.min + 10).map(number)}
              errorMessage={error(`${path}.max`)} />
          </div>
        )}
        <Select<ScaleStyle> label={t('surveys.builder.scaleStyle')} value={question.style} isDisabled={readOnly}
          onChange={(style) => onChange(withScale(question, { style }))} options={styles.map((id) => ({ id, label: t(`surveys.builder.style.${id}`) }))} />
      </div>
      {question.labels !== undefined && (
        <fieldset className="fieldset point-labels">
          <legend>{t('surveys.builder.pointLabels')}</legend>
          {question.style !== 'labels' && <p className="field-description">{t('surveys.builder.pointLabelsSpoken')}</p>}
          {error(`${path}.labels`) && <p className="field-error">{error(`${path}.labels`)}</p>}
          <ol className="point-list">
            {range(0, scalePoints(question) - 1).map((i) => (
              <li key={i}>
                <LocalTextField label={t('surveys.builder.pointLabel', { point: formatNumber(first + i, prefs) })} path={`${path}.labels.${i}`}
                  text={question.labels?.[i]} onChange={(label) => onChange({ ...question, labels: (question.labels ?? []).map((l, j) => (j === i ? label : l)) })} />
              </li>
            ))}
          </ol>
        </fieldset>
      )}
      {question.type === 'rating' && question.style !== 'labels' && (
        <div className="form-grid">
          <LocalTextField label={t('surveys.builder.lowLabel')} path={`${path}.lowLabel`} text={question.lowLabel}
            onChange={(lowLabel) => onChange({ ...question, lowLabel: optionalText(lowLabel) })} description={t('surveys.builder.endLabelHint')} />
          <LocalTextField label={t('surveys.builder.highLabel')} path={`${path}.highLabel`} text={question.highLabel}
            onChange={(highLabel) => onChange({ ...question, highLabel: optionalText(highLabel) })} />
        </div>
      )}
    </>
  );
}
