// One response in a dialog: who answered (a link to the customer, or "anonymous"), where and when,
// the values carried in the link, and every question of the version it answered with its answer
// in the reader's language, and its tags (analysts and up add and remove them). Managers and up may delete it.
import { useState } from 'react';
import { Link } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useSession } from '../../app/session.ts';
import { useT } from '../../i18n/useT.ts';
import { formatInstant, formatNumber } from '../../lib/format.ts';
import { Badge, Button, ConfirmDialog, Dialog, ErrorState, Skeleton, UserText, useToast } from '../../ui/index.ts';
import { canWriteSurveys } from './builder-context.tsx';
import { AnswerText, useLocalText } from './responses-answer.tsx';
import { useDeleteResponse, useResponse } from './responses-api.ts';
import { canTagResponses, ResponseTags } from './responses-tags.tsx';
import { SurveyLoopCard } from './survey-loop.tsx';

export function ResponseDetail({ surveyId, responseId, onClose }: { surveyId: string; responseId: string | null; onClose: () => void }) {
  const t = useT();
  return (
    <Dialog title={t('surveys.responses.detailTitle')} isOpen={responseId !== null} onOpenChange={(open) => !open && onClose()} size="large">
      {responseId && <ResponseBody surveyId={surveyId} responseId={responseId} onDeleted={onClose} />}
    </Dialog>
  );
}

function ResponseBody({ surveyId, responseId, onDeleted }: { surveyId: string; responseId: string; onDeleted: () => void }) {
  const t = useT();
  const prefs = usePrefs();
  const session = useSession();
  const toast = useToast();
  const label = useLocalText();
  const detail = useResponse(surveyId, responseId);
  const remove = useDeleteResponse(surveyId);
  const [confirming, setConfirming] = useState(false);
  if (detail.isPending) return <Skeleton lines={6} />;
  if (detail.isError) return <ErrorState detail={detail.error.message} onRetry={() => void detail.refetch()} />;
  const { response, questions } = detail.data;
  const hidden = Object.entries(response.hidden);
  const handleDelete = () => remove.mutate(responseId, {
    onSuccess: () => {
      setConfirming(false);
      toast(t('surveys.responses.deleted'), 'good');
      onDeleted();
    },
    onError: (error) => toast(error.message, 'bad'),
  });
  return (
    <div className="response-detail">
      <dl className="facts response-facts">
        <div className="fact-pair">
          <dt>{t('surveys.responses.col.customer')}</dt>
          <dd>
            {response.customerId
              ? <Link href={`/customers/${response.customerId}`}>{response.customerName ? <UserText>{response.customerName}</UserText> : t('surveys.responses.unnamed')}</Link>
              : <span className="muted">{t('surveys.responses.anonymous')}</span>}
          </dd>
        </div>
        <div className="fact-pair"><dt>{t('surveys.responses.channel')}</dt><dd>{t(`surveys.channel.${response.channel}`)}</dd></div>
        <div className="fact-pair"><dt>{t('surveys.responses.col.when')}</dt><dd>{formatInstant(response.submittedAt ?? response.startedAt, prefs)}</dd></div>
        <div className="fact-pair"><dt>{t('surveys.responses.language')}</dt><dd>{t(`language.${response.locale}`)}</dd></div>
        <div className="fact-pair"><dt>{t('surveys.responses.version')}</dt><dd>{formatNumber(response.version, prefs)}</dd></div>
        <div className="fact-pair">
          <dt>{t('surveys.responses.status')}</dt>
          <dd><Badge tone={response.status === 'complete' ? 'good' : 'warn'}>{t(`surveys.responses.status.${response.status}`)}</Badge></dd>
        </div>
        {hidden.map(([name, value]) => (
          <div key={name} className="fact-pair"><dt><bdi dir="ltr">{name}</bdi></dt><dd><UserText>{value}</UserText></dd></div>
        ))}
      </dl>
      <ResponseTags surveyId={surveyId} responseId={responseId} tags={response.tags} canEdit={canTagResponses(session)} />
      <SurveyLoopCard responseId={responseId} variant="inline" />
      <ol className="response-answers">
        {questions.map((question) => (
          <li key={question.id}>
            <h3><UserText>{label(question.title)}</UserText></h3>
            <AnswerText question={question} answer={response.answers[question.id]} />
          </li>
        ))}
      </ol>
      {canWriteSurveys(session) && (
        <div className="form-actions">
          <Button variant="danger" onPress={() => setConfirming(true)}>{t('surveys.responses.delete')}</Button>
        </div>
      )}
      <ConfirmDialog
        title={t('surveys.responses.deleteTitle')}
        body={t('surveys.responses.deleteBody')}
        confirmLabel={t('surveys.responses.delete')}
        isOpen={confirming}
        onOpenChange={setConfirming}
        onConfirm={handleDelete}
        isPending={remove.isPending}
        danger
      />
    </div>
  );
}
