import type { AnswerValue, FeedbackNegativePayload, Question, ResponseSubmittedPayload, SurveyChannel } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { publishEvents } from '../../platform/events/outbox.ts';
import { recordTouchpoint, recordTouchpoints, updateTouchpointData, type TouchpointToRecord } from '../interactions/index.ts';
import { negativeSignal } from './metrics/negative.ts';
import type { ResponseContext } from './response.service.ts';

/** What a completed response sets off beyond its own rows: the timeline entry and the events. */
export interface CompletionEffects {
  tenantId: string;
  surveyId: string;
  responseId: string;
  name: string;
  customerId: string | undefined;
  channel: SurveyChannel;
  stage: string | null;
  questions: Question[];
  answers: Record<string, AnswerValue>;
  submittedAt: Date;
  context: ResponseContext;
  incentivePoints: number | undefined;
}

type Scores = ResponseSubmittedPayload['scores'];

/** The first answer of each scored kind, in question order (a survey rarely asks two NPS questions). */
export function scoresOf(questions: Question[], answers: Record<string, AnswerValue>): Scores {
  const scores: Scores = {};
  for (const q of questions) {
    const a = answers[q.id];
    if (!a || !('score' in a)) continue;
    if ((q.type === 'nps' || q.type === 'enps' || q.type === 'ces') && scores[q.type] === undefined) scores[q.type] = a.score;
    if (q.type === 'csat' && scores.csat === undefined) {
      scores.csat = a.score;
      scores.csatPoints = q.points;
    }
  }
  return scores;
}

/**
 * The negative experience to follow up, if any: the first answer in question order that is a
 * detractor, a bottom-two CSAT or a low CES. One per response, so one unhappy customer gets one
 * follow-up however many scales they marked low.
 */
export function firstNegative(questions: Question[], answers: Record<string, AnswerValue>): { reason: FeedbackNegativePayload['reason']; score: number } | undefined {
  for (const q of questions) {
    const a = answers[q.id];
    if (!a || !('score' in a)) continue;
    const reason = negativeSignal(q, a.score);
    if (reason) return { reason, score: a.score };
  }
  return undefined;
}

// Where the answer was given, in the timeline's channel words.
const TIMELINE_CHANNEL: Record<SurveyChannel, string> = { link: 'web', email: 'email', sms: 'sms', widget: 'web', kiosk: 'store', api: 'other' };

/** The timeline entry of a first completion (an edit updates it in place instead). */
function answeredTouchpoint(effects: CompletionEffects & { customerId: string }): TouchpointToRecord {
  return {
    customer: { id: effects.customerId },
    kind: 'survey.answered',
    channel: TIMELINE_CHANNEL[effects.channel],
    // A survey without a stage is most often about an experience just had.
    stage: effects.stage ?? 'after-sale',
    occurredAt: effects.submittedAt,
    externalId: `survey-response:${effects.responseId}`,
    data: { survey: effects.surveyId, surveyName: effects.name.slice(0, 200), response: effects.responseId, ...scoresOf(effects.questions, effects.answers) },
  };
}

/** Puts the answer on the customer's timeline (an edit updates the scores in place). */
export async function recordAnswerOnTimeline(tx: Executor, effects: CompletionEffects, edit: boolean): Promise<void> {
  if (!effects.customerId) return;
  if (edit) {
    const scores = scoresOf(effects.questions, effects.answers);
    const patch = { nps: scores.nps ?? null, enps: scores.enps ?? null, csat: scores.csat ?? null, csatPoints: scores.csatPoints ?? null, ces: scores.ces ?? null };
    await updateTouchpointData(tx, effects.tenantId, [{ externalId: `survey-response:${effects.responseId}`, patch }]);
    return;
  }
  await recordTouchpoint(tx, effects.tenantId, answeredTouchpoint({ ...effects, customerId: effects.customerId }), { source: 'surveys' });
}

/** A group's first completions on their customers' timelines in one call; throws the first refusal (an unknown or erased customer). */
export async function recordAnswersOnTimeline(tx: Executor, tenantId: string, all: CompletionEffects[]): Promise<void> {
  const named = all.flatMap((effects) => (effects.customerId ? [answeredTouchpoint({ ...effects, customerId: effects.customerId })] : []));
  if (named.length === 0) return;
  const outcomes = await recordTouchpoints(tx, tenantId, named, { source: 'surveys' });
  for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.problem;
}

function negativePayload(effects: CompletionEffects, negative: { reason: FeedbackNegativePayload['reason']; score: number }): FeedbackNegativePayload & { context?: ResponseContext } {
  return {
    surveyId: effects.surveyId,
    responseId: effects.responseId,
    ...(effects.customerId ? { customerId: effects.customerId } : {}),
    reason: negative.reason,
    score: negative.score,
    channel: effects.channel,
    occurredAt: effects.submittedAt.toISOString(),
    ...(Object.keys(effects.context).length > 0 ? { context: effects.context } : {}),
  };
}

/** `response.submitted`, and `feedback.negative` for a negative experience, in the completing transaction. */
export async function publishCompletion(tx: Executor, effects: CompletionEffects): Promise<void> {
  await publishEvents(tx, effects.tenantId, completionEvents(effects));
}

/** The events of a first completion: `response.submitted`, and `feedback.negative` for a negative experience. */
export function completionEvents(effects: CompletionEffects): { topic: string; payload: Record<string, unknown> }[] {
  const submitted: ResponseSubmittedPayload = {
    surveyId: effects.surveyId,
    responseId: effects.responseId,
    ...(effects.customerId ? { customerId: effects.customerId } : {}),
    channel: effects.channel,
    // When it was answered (a kiosk's offline answer, the demo's history): automations treat
    // events long after the fact as history, as they do for imported orders.
    occurredAt: effects.submittedAt.toISOString(),
    scores: scoresOf(effects.questions, effects.answers),
    ...(effects.incentivePoints ? { incentivePoints: effects.incentivePoints } : {}),
    ...(Object.keys(effects.context).length > 0 ? { context: effects.context } : {}),
  };
  const events: { topic: string; payload: Record<string, unknown> }[] = [{ topic: 'response.submitted', payload: { ...submitted } }];
  const negative = firstNegative(effects.questions, effects.answers);
  if (negative) events.push({ topic: 'feedback.negative', payload: { ...negativePayload(effects, negative) } });
  return events;
}

/** After an edit: `feedback.negative` only if the response was not negative before (no second follow-up for the same unhappiness). */
export async function publishNewlyNegative(tx: Executor, effects: CompletionEffects, before: Record<string, AnswerValue>): Promise<void> {
  if (firstNegative(effects.questions, before)) return;
  const negative = firstNegative(effects.questions, effects.answers);
  if (negative) await publishEvents(tx, effects.tenantId, [{ topic: 'feedback.negative', payload: { ...negativePayload(effects, negative) } }]);
}
