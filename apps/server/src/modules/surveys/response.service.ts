import { randomUUID } from 'node:crypto';
import type { AnswerValue, Locale, Question, SurveyChannel, SurveyDefinition } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { Problem } from '../../platform/http/problem.ts';
import { postgresErrorCode } from '../../platform/http/problem.ts';
import * as repo from './response.repo.ts';
import { publishCompletion, publishNewlyNegative, recordAnswerOnTimeline } from './response.effects.ts';
import { checkAnswers, missingRequired, visibleQuestions, type AnswerError } from './response.validate.ts';
import { applyToRollups } from './rollup.repo.ts';
import { liveSurvey, type LiveSurvey } from './survey-version.ts';
import { customerSegmentIds } from '../customers/index.ts';

/** What was sent after (a follow-up, a case, an order), carried from the invitation to the events. */
export interface ResponseContext {
  followupId?: string;
  caseId?: string;
  orderId?: string;
}

/**
 * One submission of answers, from any channel: the response page, the JSON API, the widget, a
 * kiosk or an SMS reply. `complete: false` saves a step (a partial response, resumable).
 */
export interface AnswerSubmission {
  tenantId: string;
  surveyId: string;
  channel: SurveyChannel;
  locale: Locale;
  answers: Record<string, AnswerValue>;
  /** values carried in the link, kept only for the names the survey declares (settings.hiddenFields) */
  hidden?: Record<string, string>;
  complete: boolean;
  /** continue (or, once complete, edit) this response; the caller proves it is the respondent's (same invitation or device) */
  responseId?: string;
  invitationId?: string;
  customerId?: string;
  kioskId?: string;
  /** the sender's own reference: a resend with the same one is a no-op returning the first result */
  clientRef?: string;
  /** SHA-256 of the respondent's device cookie */
  deviceHash?: Buffer;
  context?: ResponseContext;
  /** when the answer was given (a kiosk's offline answer); now when absent */
  submittedAt?: Date;
  /** the page's step the respondent reached, for resuming */
  step?: number;
}

export interface SavedResponse {
  responseId: string;
  status: 'partial' | 'complete';
  created: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function answerProblem(errors: AnswerError[]): Problem {
  const first = errors[0]!;
  return new Problem(422, first.code, first.params ?? {}, errors.map(({ field, code, message }) => ({ field, code, message })));
}

/** Whether the survey takes answers now: live and not past its closing time. */
export function surveyOpen(live: LiveSurvey, now = new Date()): boolean {
  if (live.status !== 'live') return false;
  const closesAt = live.definition.settings.closesAt;
  return !closesAt || Date.parse(closesAt) > now.getTime();
}

function keptHidden(definition: SurveyDefinition, ...sources: (Record<string, string> | undefined)[]): Record<string, string> {
  const names = new Set(definition.settings.hiddenFields);
  const kept: Record<string, string> = {};
  for (const source of sources) {
    for (const [name, value] of Object.entries(source ?? {})) {
      if (names.has(name) && typeof value === 'string') kept[name] = value.slice(0, 200);
    }
  }
  return kept;
}

function cleanContext(context: Record<string, unknown> | undefined): ResponseContext {
  const out: ResponseContext = {};
  for (const key of ['followupId', 'caseId', 'orderId'] as const) {
    const value = context?.[key];
    if (typeof value === 'string' && value.length <= 200) out[key] = value;
  }
  return out;
}

/** The answers that still count: those to questions the respondent is shown. */
function visibleAnswers(questions: Question[], answers: Record<string, AnswerValue>): Record<string, AnswerValue> {
  const visible = visibleQuestions(questions, answers);
  return Object.fromEntries(Object.entries(answers).filter(([id]) => visible.has(id)));
}

/**
 * Validates and stores a submission in the caller's transaction. On completion (and on an edit of
 * a complete response) it keeps the rollups current, enforces quotas, records the answer on the
 * customer's timeline and publishes `response.submitted` / `feedback.negative`. An anonymous
 * survey's response never gets a respondent row, nor any customer, invitation or context
 * reference. Throws a Problem (4xx, stable code) for anything refused; nothing is then written.
 */
export async function saveResponse(tx: Executor, input: AnswerSubmission): Promise<SavedResponse> {
  const { tenantId, surveyId } = input;
  const now = new Date();

  // A resend of an answer already received (a kiosk back online) returns the first result.
  if (input.clientRef) {
    // Two sends of one reference at once queue here (the unique index covers kiosks only).
    await repo.lockClientRef(tx, tenantId, surveyId, input.clientRef);
    const earlier = await repo.findByClientRef(tx, tenantId, surveyId, input.kioskId, input.clientRef);
    if (earlier) return { responseId: earlier.id, status: earlier.status as SavedResponse['status'], created: false };
  }

  const current = await liveSurvey(tx, tenantId, surveyId);
  if (!current) throw new Problem(404, 'survey_not_found');
  const anonymous = current.definition.settings.anonymous;

  // The invitation is locked first: concurrent submissions through one link queue here.
  const invitation = input.invitationId ? await repo.lockInvitation(tx, tenantId, input.invitationId) : undefined;
  if (input.invitationId && (!invitation || invitation.surveyId !== surveyId)) throw new Problem(404, 'invitation_not_found');
  if (invitation?.expiresAt && invitation.expiresAt.getTime() <= now.getTime()) throw new Problem(410, 'invitation_expired');

  let existing: repo.ResponseRow | undefined;
  let responseId = input.responseId;
  if (!responseId && invitation && !anonymous) responseId = await repo.responseOfInvitation(tx, tenantId, invitation.id);
  if (responseId) {
    existing = await repo.lockResponse(tx, tenantId, surveyId, responseId);
    if (!existing) throw new Problem(404, 'response_not_found');
    if (input.responseId && !(await ownsResponse(tx, tenantId, existing, input))) throw new Problem(404, 'response_not_found');
    // Through an invitation without naming the response: a resent link, not an edit.
    if (!input.responseId && existing.status === 'complete') throw new Problem(409, 'already_answered');
  } else if (invitation?.respondedAt) {
    throw new Problem(409, 'already_answered');
  }

  // Answers continue on the version they were started on, so an edit never changes their meaning.
  const survey = existing && existing.version !== current.version ? await liveSurvey(tx, tenantId, surveyId, existing.version) : current;
  if (!survey) throw new Problem(404, 'survey_not_found');
  if (!surveyOpen(current, now)) throw new Problem(409, 'survey_closed');

  const questions = survey.definition.questions;
  const saved = existing ? await repo.answersOf(tx, tenantId, existing.id) : {};
  const checked = checkAnswers(questions, saved, input.answers);
  if (checked.errors.length > 0) throw answerProblem(checked.errors);

  const merged = visibleAnswers(questions, { ...saved, ...checked.given });
  const stale = Object.keys(saved).filter((id) => !(id in merged));
  const wasComplete = existing?.status === 'complete';
  const completing = input.complete || wasComplete;
  if (completing) {
    const missing = missingRequired(questions, merged);
    if (missing.length > 0) throw answerProblem(missing);
  }

  const customerId = anonymous ? undefined : (invitation?.customerId ?? input.customerId ?? (existing ? (await repo.respondentOf(tx, tenantId, existing.id))?.customerId : undefined));
  const context = anonymous ? {} : cleanContext({ ...(existing?.context as Record<string, unknown> | undefined), ...invitation?.context, ...input.context });
  const hidden = keptHidden(survey.definition, existing?.hidden as Record<string, string> | undefined, anonymous ? undefined : invitation?.hidden, input.hidden);
  const given = input.submittedAt && input.submittedAt.getTime() < now.getTime() + DAY_MS ? input.submittedAt : now;
  const submittedAt = wasComplete ? existing!.submittedAt! : given;
  const stage = survey.definition.settings.stage ?? null;

  const segmentIds = completing && customerId ? await customerSegmentIds(tx, tenantId, customerId) : [];
  const quota = survey.definition.settings.quota;
  const countsAgainstQuota = input.complete && !wasComplete && quota && (quota.total !== undefined || quota.segments.length > 0);
  if (countsAgainstQuota) {
    await repo.lockSurveyQuota(tx, tenantId, surveyId);
    // Another completion may have filled the quota while this one waited for the lock.
    if (quota.total !== undefined && (await repo.countComplete(tx, tenantId, surveyId)) >= quota.total) throw new Problem(409, 'survey_closed');
    for (const limit of quota.segments) {
      if (segmentIds.includes(limit.segmentId) && (await repo.countComplete(tx, tenantId, surveyId, limit.segmentId)) >= limit.limit) {
        throw new Problem(409, 'quota_reached');
      }
    }
  }

  let created = false;
  if (!existing) {
    responseId = randomUUID();
    const inserted = await repo.insertResponse(tx, {
      tenantId, id: responseId, surveyId, version: survey.version, status: input.complete ? 'complete' : 'partial',
      channel: input.channel, locale: input.locale, stage, hidden, context, segmentIds,
      kioskId: input.kioskId ?? null, clientRef: input.clientRef ?? null, deviceHash: input.deviceHash ?? null,
      step: input.step ?? 0, startedAt: given, updatedAt: now, submittedAt: input.complete ? given : null,
    });
    if (!inserted) {
      // Lost the race with the first send of the same clientRef.
      const earlier = input.clientRef ? await repo.findByClientRef(tx, tenantId, surveyId, input.kioskId, input.clientRef) : undefined;
      if (earlier) return { responseId: earlier.id, status: earlier.status as SavedResponse['status'], created: false };
      throw new Problem(409, 'already_answered');
    }
    created = true;
    if (customerId) {
      try {
        await repo.insertRespondent(tx, { tenantId, responseId, customerId, invitationId: invitation?.id ?? null });
      } catch (error) {
        if (postgresErrorCode(error) === '23505') throw new Problem(409, 'already_answered');
        if (postgresErrorCode(error) === '23503') throw new Problem(422, 'unknown_customer');
        throw error;
      }
    }
  } else {
    await repo.updateResponse(tx, tenantId, existing.id, {
      status: completing ? 'complete' : 'partial', locale: input.locale, hidden, context,
      ...(completing ? { segmentIds, submittedAt } : {}),
      ...(input.step !== undefined ? { step: Math.max(existing.step, input.step) } : {}),
      ...(input.deviceHash && !existing.deviceHash ? { deviceHash: input.deviceHash } : {}),
    });
  }
  const id = responseId!;

  await repo.deleteAnswers(tx, tenantId, id, stale);
  await repo.upsertAnswers(tx, tenantId, surveyId, id, checked.given);

  if (!completing) return { responseId: id, status: 'partial', created };

  const channel = (existing?.channel ?? input.channel) as SurveyChannel;
  const effects = {
    tenantId, surveyId, responseId: id, name: survey.definition.name, customerId, channel, stage,
    questions, answers: merged, submittedAt, context, incentivePoints: survey.definition.settings.incentivePoints,
  };
  if (customerId) await recordAnswerOnTimeline(tx, effects, wasComplete);
  if (wasComplete) {
    await publishNewlyNegative(tx, effects, saved);
  } else {
    await publishCompletion(tx, effects);
    if (invitation) await repo.markInvitationResponded(tx, tenantId, invitation.id, anonymous);
    if (countsAgainstQuota && quota.total !== undefined && (await repo.countComplete(tx, tenantId, surveyId)) >= quota.total) {
      await repo.closeSurveyForQuota(tx, tenantId, surveyId);
    }
  }

  // The rollup rows are the only rows every completion of a survey shares, so they are written
  // last: their row locks are then held for one statement and the commit, not for the whole
  // transaction (written first, answers queued behind each other's timeline and event writes).
  // An edit takes its old answers out before adding the new ones.
  const rollupBase = { surveyId, responseId: id, submittedAt, channel, stage, questions };
  if (wasComplete) await applyToRollups(tx, tenantId, { ...rollupBase, segmentIds: existing!.segmentIds, answers: saved }, -1);
  await applyToRollups(tx, tenantId, { ...rollupBase, segmentIds, answers: merged }, 1);
  return { responseId: id, status: 'complete', created };
}

/**
 * A named response may be continued by whoever started it: the same invitation, the same
 * device (cookie), or the same kiosk. Anything else is answered as if it did not exist.
 */
async function ownsResponse(tx: Executor, tenantId: string, existing: repo.ResponseRow, input: AnswerSubmission): Promise<boolean> {
  if (input.deviceHash && existing.deviceHash && Buffer.compare(input.deviceHash, existing.deviceHash) === 0) return true;
  if (input.kioskId && existing.kioskId === input.kioskId) return true;
  if (input.invitationId) {
    const respondent = await repo.respondentOf(tx, tenantId, existing.id);
    return respondent?.invitationId === input.invitationId;
  }
  return false;
}
