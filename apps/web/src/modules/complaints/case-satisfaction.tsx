// The post-closure satisfaction question on the tracking page, for a complainant the server asked
// (the view's `satisfaction` and action `answer_satisfaction`): one radio group of the scale the
// server gives, low to high in reading order (so 1 sits on the right in Persian and Arabic), arrow
// keys move within it as React Aria's radio group does in the page's direction. Once answered it
// shows the answer and, when the case came back reopened, says so: the server decides that, the
// page only reports the state it returns.
import { useState, type FormEvent } from 'react';
import { FieldError, Form, Label, Radio, RadioGroup } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { localiseDigits } from '../../lib/format.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { Button } from '../../ui/index.ts';
import type { CustomerCase } from './api.ts';
import './case-satisfaction.css';

export function CaseSatisfaction({ view, onAnswer }: {
  view: CustomerCase;
  /** posts the score; answers the case as the server now shows it */
  onAnswer: (score: number) => Promise<CustomerCase>;
}) {
  const t = useT();
  const prefs = usePrefs();
  const [choice, setChoice] = useState<string | null>(null);
  const [unchosen, setUnchosen] = useState(false);
  const [answeredNow, setAnsweredNow] = useState(false);
  const { error, pending, run } = useSubmit();
  const satisfaction = view.satisfaction;
  if (!satisfaction) return null;
  const digits = (n: number) => localiseDigits(String(n), prefs.digits);
  const points = digits(satisfaction.points);

  if (satisfaction.score !== null && !view.actions.includes('answer_satisfaction')) {
    const reopened = view.status.state === 'reopened';
    return (
      <section className="csat-box csat-answered" aria-labelledby="csat-title" data-testid="csat-answered" data-reopened={reopened || undefined}>
        <h2 id="csat-title">{t('complaintPublic.csatTitle')}</h2>
        <div role="status">
          {answeredNow && <p className="csat-thanks">{t('complaintPublic.csatThanks')}</p>}
          <p data-testid="csat-score">{t('complaintPublic.csatYourAnswer', { score: digits(satisfaction.score), points })}</p>
          {reopened && <p className="csat-reopened" data-testid="csat-reopened">{t('complaintPublic.csatReopened')}</p>}
        </div>
      </section>
    );
  }
  if (!view.actions.includes('answer_satisfaction')) return null;

  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!choice) {
      setUnchosen(true);
      return;
    }
    void run(async () => {
      await onAnswer(Number(choice));
      setAnsweredNow(true);
    });
  };
  const scale = Array.from({ length: satisfaction.points }, (_, i) => i + 1);
  const sep = prefs.language === 'en' ? ', ' : '، ';
  const low = t('complaintPublic.csatLow');
  const high = t('complaintPublic.csatHigh');
  return (
    <section className="csat-box" aria-labelledby="csat-title" data-testid="csat-question">
      <h2 id="csat-title">{t('complaintPublic.csatTitle')}</h2>
      <Form onSubmit={handleSubmit} className="form" validationBehavior="aria">
        {error && <p className="form-error" role="alert">{error.message}</p>}
        <RadioGroup
          className="csat-group"
          orientation="horizontal"
          value={choice}
          onChange={(value) => { setChoice(value); setUnchosen(false); }}
          isInvalid={unchosen}
          isRequired
          isDisabled={pending}
        >
          <Label className="csat-question">{t('complaintPublic.csatQuestion')}</Label>
          <div className="csat-scale" style={{ gridTemplateColumns: `repeat(${satisfaction.points}, minmax(0, 1fr))` }}>
            {scale.map((score) => {
              const said = t('complaintPublic.csatPoint', { score: digits(score), points });
              const end = score === 1 ? low : score === satisfaction.points ? high : null;
              return (
                <Radio key={score} value={String(score)} className="csat-point">
                  <span aria-hidden="true" className="csat-digit">{digits(score)}</span>
                  <span className="visually-hidden">{end ? `${said}${sep}${end}` : said}</span>
                </Radio>
              );
            })}
          </div>
          <div className="csat-ends" aria-hidden="true"><span>{low}</span><span>{high}</span></div>
          <FieldError className="field-error">{t('complaintPublic.csatChoose')}</FieldError>
        </RadioGroup>
        <div className="form-actions"><Button type="submit" variant="primary" isPending={pending}>{t('complaintPublic.csatSend')}</Button></div>
      </Form>
    </section>
  );
}
