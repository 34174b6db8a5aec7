import { randomUUID } from 'node:crypto';
import { SurveyDefinition, type AnswerValue, type Locale, type Question, type SurveyChannel } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { Problem } from '../../platform/http/problem.ts';
import { postgresErrorCode } from '../../platform/http/problem.ts';
import { eventsInsert } from '../../platform/events/outbox.ts';
import * as repo from './response.repo.ts';
import {
  completionEvents, publishCompletion, publishNewlyNegative, recordAnswerOnTimeline, recordAnswersOnTimeline, type CompletionEffects,
} from './response.effects.ts';
import { checkAnswers, missingRequired, visibleQuestions, type AnswerError } from './response.validate.ts';
import { applyToRollups, manyRollupsUpsert, responseIdOnShard, type RollupInput } from './rollup.repo.ts';
import type { OpenedLink } from './response-public.ts';
import type { surveyResponses } from './survey.schema.ts';
import { hashSurveyToken } from './survey-token.ts';
import { liveSurvey, type LiveSurvey } from './survey-version.ts';
import { priorResponseIdOf } from './loop-link.ts';
import { customerSegmentIds, customersSegmentIds } from '../customers/index.ts';

/** What was sent after (a follow-up, a case, an order), carried from the invitation to the events. */
export interface ResponseContext {
  followupId?: string;
  caseId?: string;
  orderId?: string;
  /** the earlier answer the follow-up or case was opened by (set only by invitations: loop-link.ts) */
  priorResponseId?: string;
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

function cleanContext(context: Record<string, unknown> | undefined, linked?: Record<string, unknown>): ResponseContext {
  const out: ResponseContext = {};
  for (const key of ['followupId', 'caseId', 'orderId'] as const) {
    const value = context?.[key];
    if (typeof value === 'string' && value.length <= 200) out[key] = value;
  }
  // The earlier answer comes only from the invitation (checked when it was made) or the response itself, never from the submission.
  const prior = priorResponseIdOf(linked?.priorResponseId);
  if (prior && (out.followupId || out.caseId)) out.priorResponseId = prior;
  return out;
}

/** The answers that still count: those to questions the respondent is shown. */
function visibleAnswers(questions: Question[], answers: Record<string, AnswerValue>): Record<string, AnswerValue> {
  const visible = visibleQuestions(questions, answers);
  return Object.fromEntries(Object.entries(answers).filter(([id]) => visible.has(id)));
}

/** The submission's answers checked against the questions, merged with those already saved. Throws the 422 Problem. */
function checkSubmission(questions: Question[], saved: Record<string, AnswerValue>, answers: Record<string, AnswerValue>, completing: boolean) {
  const checked = checkAnswers(questions, saved, answers);
  if (checked.errors.length > 0) throw answerProblem(checked.errors);
  const merged = visibleAnswers(questions, { ...saved, ...checked.given });
  const stale = Object.keys(saved).filter((id) => !(id in merged));
  if (completing) {
    const missing = missingRequired(questions, merged);
    if (missing.length > 0) throw answerProblem(missing);
  }
  return { given: checked.given, merged, stale };
}

/** When the answer was given: the sender's time (a kiosk's offline answer) unless it is in the future, else now. */
function givenAt(input: AnswerSubmission, now: Date): Date {
  return input.submittedAt && input.submittedAt.getTime() < now.getTime() + DAY_MS ? input.submittedAt : now;
}

/** Everything a submission writes, decided by `planResponse` (reads, locks, validation) and written by `writeResponse`. */
export interface ResponsePlan {
  input: AnswerSubmission;
  now: Date;
  /** the version answered */
  survey: LiveSurvey;
  anonymous: boolean;
  invitation: repo.InvitationRow | undefined;
  existing: repo.ResponseRow | undefined;
  saved: Record<string, AnswerValue>;
  given: Record<string, AnswerValue>;
  merged: Record<string, AnswerValue>;
  stale: string[];
  wasComplete: boolean;
  completing: boolean;
  customerId: string | undefined;
  context: ResponseContext;
  hidden: Record<string, string>;
  givenAt: Date;
  submittedAt: Date;
  stage: string | null;
  segmentIds: string[];
  /** the quota's total, when this completion counts against it (the survey closes once reached) */
  quotaTotal: number | undefined;
}

/**
 * The reading half of `saveResponse`: takes the locks (client reference, invitation, response,
 * quota), checks the submission and decides every row and effect. A resend of a reference
 * already stored comes back as `replay`. Throws a Problem for anything refused.
 */
export async function planResponse(tx: Executor, input: AnswerSubmission): Promise<{ replay: SavedResponse } | { plan: ResponsePlan }> {
  const { tenantId, surveyId } = input;
  const now = new Date();

  // A resend of an answer already received (a kiosk back online) returns the first result.
  if (input.clientRef) {
    // Two sends of one reference at once queue here (the unique index covers kiosks only).
    await repo.lockClientRef(tx, tenantId, surveyId, input.clientRef);
    const earlier = await repo.findByClientRef(tx, tenantId, surveyId, input.kioskId, input.clientRef);
    if (earlier) return { replay: { responseId: earlier.id, status: earlier.status as SavedResponse['status'], created: false } };
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
  const wasComplete = existing?.status === 'complete';
  const completing = input.complete || wasComplete;
  const { given, merged, stale } = checkSubmission(questions, saved, input.answers, completing);

  const customerId = anonymous ? undefined : (invitation?.customerId ?? input.customerId ?? (existing ? (await repo.respondentOf(tx, tenantId, existing.id))?.customerId : undefined));
  const context = anonymous ? {} : cleanContext(
    { ...(existing?.context as Record<string, unknown> | undefined), ...invitation?.context, ...input.context },
    { ...(existing?.context as Record<string, unknown> | undefined), ...invitation?.context },
  );
  const hidden = keptHidden(survey.definition, existing?.hidden as Record<string, string> | undefined, anonymous ? undefined : invitation?.hidden, input.hidden);
  const given_ = givenAt(input, now);
  const submittedAt = wasComplete ? existing!.submittedAt! : given_;
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

  return {
    plan: {
      input, now, survey, anonymous, invitation, existing, saved, given, merged, stale, wasComplete, completing, customerId, context, hidden,
      givenAt: given_, submittedAt, stage, segmentIds, quotaTotal: countsAgainstQuota ? quota.total : undefined,
    },
  };
}

function newResponseRow(plan: ResponsePlan, id: string): typeof surveyResponses.$inferInsert {
  const { input } = plan;
  return {
    tenantId: input.tenantId, id, surveyId: input.surveyId, version: plan.survey.version, status: input.complete ? 'complete' : 'partial',
    channel: input.channel, locale: input.locale, stage: plan.stage, hidden: plan.hidden, context: plan.context, segmentIds: plan.segmentIds,
    kioskId: input.kioskId ?? null, clientRef: input.clientRef ?? null, deviceHash: input.deviceHash ?? null,
    step: input.step ?? 0, startedAt: plan.givenAt, updatedAt: plan.now, submittedAt: input.complete ? plan.givenAt : null,
  };
}

function completionEffects(plan: ResponsePlan, responseId: string): CompletionEffects {
  const { survey, input } = plan;
  return {
    tenantId: input.tenantId, surveyId: input.surveyId, responseId, name: survey.definition.name, customerId: plan.customerId,
    channel: (plan.existing?.channel ?? input.channel) as SurveyChannel, stage: plan.stage, questions: survey.definition.questions,
    answers: plan.merged, submittedAt: plan.submittedAt, context: plan.context, incentivePoints: survey.definition.settings.incentivePoints,
  };
}

function rollupInput(plan: ResponsePlan, responseId: string): RollupInput {
  return {
    surveyId: plan.input.surveyId, responseId, submittedAt: plan.submittedAt, channel: (plan.existing?.channel ?? plan.input.channel) as SurveyChannel,
    stage: plan.stage, questions: plan.survey.definition.questions, segmentIds: plan.segmentIds, answers: plan.merged,
  };
}

/** The writing half of `saveResponse`: the rows and effects `planResponse` decided, in the same transaction. */
export async function writeResponse(tx: Executor, plan: ResponsePlan): Promise<SavedResponse> {
  const { input, existing, wasComplete, completing } = plan;
  const { tenantId, surveyId } = input;
  let created = false;
  let id: string;
  if (!existing) {
    id = randomUUID();
    const inserted = await repo.insertResponse(tx, newResponseRow(plan, id));
    if (!inserted) {
      // Lost the race with the first send of the same clientRef.
      const earlier = input.clientRef ? await repo.findByClientRef(tx, tenantId, surveyId, input.kioskId, input.clientRef) : undefined;
      if (earlier) return { responseId: earlier.id, status: earlier.status as SavedResponse['status'], created: false };
      throw new Problem(409, 'already_answered');
    }
    created = true;
    if (plan.customerId) {
      try {
        await repo.insertRespondent(tx, { tenantId, responseId: id, customerId: plan.customerId, invitationId: plan.invitation?.id ?? null });
      } catch (error) {
        if (postgresErrorCode(error) === '23505') throw new Problem(409, 'already_answered');
        if (postgresErrorCode(error) === '23503') throw new Problem(422, 'unknown_customer');
        throw error;
      }
    }
  } else {
    id = existing.id;
    await repo.updateResponse(tx, tenantId, existing.id, {
      status: completing ? 'complete' : 'partial', locale: input.locale, hidden: plan.hidden, context: plan.context,
      ...(completing ? { segmentIds: plan.segmentIds, submittedAt: plan.submittedAt } : {}),
      ...(input.step !== undefined ? { step: Math.max(existing.step, input.step) } : {}),
      ...(input.deviceHash && !existing.deviceHash ? { deviceHash: input.deviceHash } : {}),
    });
  }

  await repo.deleteAnswers(tx, tenantId, id, plan.stale);
  await repo.upsertAnswers(tx, tenantId, surveyId, id, plan.given);

  if (!completing) return { responseId: id, status: 'partial', created };

  const effects = completionEffects(plan, id);
  if (plan.customerId) await recordAnswerOnTimeline(tx, effects, wasComplete);
  if (wasComplete) {
    await publishNewlyNegative(tx, effects, plan.saved);
  } else {
    await publishCompletion(tx, effects);
    if (plan.invitation) await repo.markInvitationResponded(tx, tenantId, plan.invitation.id, plan.anonymous);
    if (plan.quotaTotal !== undefined && (await repo.countComplete(tx, tenantId, surveyId)) >= plan.quotaTotal) {
      await repo.closeSurveyForQuota(tx, tenantId, surveyId);
    }
  }

  // The rollup rows are the only rows every completion of a survey shares, so they are written
  // last: their row locks are then held for one statement and the commit, not for the whole
  // transaction (written first, answers queued behind each other's timeline and event writes).
  // An edit takes its old answers out before adding the new ones.
  const rollup = rollupInput(plan, id);
  if (wasComplete) await applyToRollups(tx, tenantId, { ...rollup, segmentIds: existing!.segmentIds, answers: plan.saved }, -1);
  await applyToRollups(tx, tenantId, rollup, 1);
  return { responseId: id, status: 'complete', created };
}

/**
 * Validates and stores a submission in the caller's transaction. On completion (and on an edit of
 * a complete response) it keeps the rollups current, enforces quotas, records the answer on the
 * customer's timeline and publishes `response.submitted` / `feedback.negative`. An anonymous
 * survey's response never gets a respondent row, nor any customer, invitation or context
 * reference. Throws a Problem (4xx, stable code) for anything refused; nothing is then written.
 */
export async function saveResponse(tx: Executor, input: AnswerSubmission): Promise<SavedResponse> {
  const planned = await planResponse(tx, input);
  return 'replay' in planned ? planned.replay : writeResponse(tx, planned.plan);
}

/** Whether a submission may be written in a group (response.coalescer.ts): a new, complete answer to a survey without a quota. */
export function groupable(input: AnswerSubmission, live: LiveSurvey): boolean {
  const quota = live.definition.settings.quota;
  return input.complete && !input.responseId && !input.kioskId && input.surveyId === live.id
    && !(quota && (quota.total !== undefined || quota.segments.length > 0));
}

/** A groupable submission checked in memory against the version it answers, before its group's transaction. */
export interface PlannedCompletion {
  input: AnswerSubmission;
  survey: LiveSurvey;
  now: Date;
  checked: { given: Record<string, AnswerValue>; merged: Record<string, AnswerValue> } | { refusal: Problem };
}

/**
 * Checks a new complete answer without touching the database. A refusal is kept, not thrown,
 * so the group reports it in the order `saveResponse` would (a used invitation before a bad answer).
 */
export function planCompletion(input: AnswerSubmission, survey: LiveSurvey, now = new Date()): PlannedCompletion {
  try {
    const { given, merged } = checkSubmission(survey.definition.questions, {}, input.answers, true);
    return { input, survey, now, checked: { given, merged } };
  } catch (error) {
    if (error instanceof Problem) return { input, survey, now, checked: { refusal: error } };
    throw error;
  }
}

/** What became of one answer of a group: saved, refused, or to be saved by itself (`saveResponse`). */
export type GroupOutcome = { saved: SavedResponse } | { problem: Problem } | { alone: true };

/**
 * Writes a group of new complete answers to one workspace in the caller's transaction, set-based:
 * one lock of all client references, one statement reading the surveys' state and locking all
 * invitations (each in key order, as `saveResponse` takes them, so the two never deadlock), the
 * segments, one timeline call, then one statement for every row of the group (responses,
 * respondents, answers, invitations, events and rollups): with BEGIN and COMMIT eight round
 * trips (the timeline takes three) however many answers. Each answer is re-checked under the
 * locks as `saveResponse` checks it, in the same order, and gets its own outcome. An answer this path does not cover (its invitation already has a started response, a
 * newer version published since it was checked) comes back `alone`. A database error on any
 * row throws: the caller then saves the answers one by one. With `shard`, the new responses'
 * ids put them all on that rollup shard (responseIdOnShard).
 */
export async function saveCompletions(tx: Executor, tenantId: string, group: PlannedCompletion[], options: { shard?: number } = {}): Promise<GroupOutcome[]> {
  const outcomes: (GroupOutcome | undefined)[] = new Array(group.length);
  const now = new Date();

  const withRef = group.flatMap((p, i) => (p.input.clientRef ? [i] : []));
  if (withRef.length > 0) {
    const refs = withRef.map((i) => ({ surveyId: group[i]!.input.surveyId, clientRef: group[i]!.input.clientRef! }));
    await repo.lockClientRefs(tx, tenantId, refs);
    const earlier = await repo.findByClientRefs(tx, tenantId, refs);
    for (const i of withRef) {
      const found = earlier.get(`${group[i]!.input.surveyId}\0${group[i]!.input.clientRef}`);
      if (found) outcomes[i] = { saved: { responseId: found.id, status: found.status as SavedResponse['status'], created: false } };
    }
  }

  const open = group.flatMap((_, i) => (outcomes[i] ? [] : [i]));
  const invitationIds = open.flatMap((i) => (group[i]!.input.invitationId ? [group[i]!.input.invitationId!] : []));
  const { surveys: states, invitations } = await repo.lockGroupState(tx, tenantId, open.map((i) => group[i]!.input.surveyId), invitationIds);

  interface Accepted { index: number; plan: ResponsePlan; responseId: string }
  const accepted: Accepted[] = [];
  for (const i of open) {
    const planned = group[i]!;
    const { input, survey } = planned;
    const state = states.get(input.surveyId);
    if (!state || state.liveVersion === null) {
      outcomes[i] = { problem: new Problem(404, 'survey_not_found') };
      continue;
    }
    const anonymous = survey.definition.settings.anonymous;
    const invitation = input.invitationId ? invitations.get(input.invitationId) : undefined;
    if (input.invitationId && (!invitation || invitation.surveyId !== input.surveyId)) {
      outcomes[i] = { problem: new Problem(404, 'invitation_not_found') };
      continue;
    }
    if (invitation?.expiresAt && invitation.expiresAt.getTime() <= now.getTime()) {
      outcomes[i] = { problem: new Problem(410, 'invitation_expired') };
      continue;
    }
    // A response started through the invitation (a page's step) is continued, not begun again.
    if (invitation && !anonymous && invitation.responseId) {
      outcomes[i] = { alone: true };
      continue;
    }
    if (invitation?.respondedAt) {
      outcomes[i] = { problem: new Problem(409, 'already_answered') };
      continue;
    }
    if (state.liveVersion !== survey.version) {
      outcomes[i] = { alone: true };
      continue;
    }
    if (!surveyOpen({ ...survey, status: state.status }, now)) {
      outcomes[i] = { problem: new Problem(409, 'survey_closed') };
      continue;
    }
    if ('refusal' in planned.checked) {
      outcomes[i] = { problem: planned.checked.refusal };
      continue;
    }
    const customerId = anonymous ? undefined : (invitation?.customerId ?? input.customerId);
    const context = anonymous ? {} : cleanContext({ ...invitation?.context, ...input.context }, invitation?.context);
    const hidden = keptHidden(survey.definition, anonymous ? undefined : invitation?.hidden, input.hidden);
    const at = givenAt(input, planned.now);
    accepted.push({
      index: i,
      responseId: options.shard === undefined ? randomUUID() : responseIdOnShard(options.shard),
      plan: {
        input, now: planned.now, survey, anonymous, invitation, existing: undefined, saved: {}, given: planned.checked.given, merged: planned.checked.merged,
        stale: [], wasComplete: false, completing: true, customerId, context, hidden, givenAt: at, submittedAt: at,
        stage: survey.definition.settings.stage ?? null, segmentIds: [], quotaTotal: undefined,
      },
    });
  }
  if (accepted.length === 0) return outcomes as GroupOutcome[];

  const customerIds = [...new Set(accepted.flatMap((a) => (a.plan.customerId ? [a.plan.customerId] : [])))];
  const segments = await customersSegmentIds(tx, tenantId, customerIds);
  for (const a of accepted) a.plan.segmentIds = a.plan.customerId ? (segments.get(a.plan.customerId) ?? []) : [];

  // The timeline first (it locks the customers, as the respondent rows' keys would), then every
  // row of the group, its events and, as in writeResponse, the rollups every completion shares
  // in one last statement, so those stay locked for that statement and the commit.
  const effects = accepted.map((a) => completionEffects(a.plan, a.responseId));
  await recordAnswersOnTimeline(tx, tenantId, effects);
  const rollups = manyRollupsUpsert(tenantId, accepted.map((a) => rollupInput(a.plan, a.responseId)));
  const inserted = await repo.writeCompletions(tx, tenantId, {
    responses: accepted.map((a) => newResponseRow(a.plan, a.responseId)),
    respondents: accepted.flatMap((a) => (a.plan.customerId ? [{ responseId: a.responseId, customerId: a.plan.customerId, invitationId: a.plan.invitation?.id ?? null }] : [])),
    answers: accepted.map((a) => ({ surveyId: a.plan.input.surveyId, responseId: a.responseId, answers: a.plan.given })),
    invitations: accepted.flatMap((a) => (a.plan.invitation ? [{ id: a.plan.invitation.id, anonymous: a.plan.anonymous }] : [])),
    also: [eventsInsert(tenantId, effects.flatMap(completionEvents)), ...(rollups ? [rollups] : [])],
  });
  if (inserted !== accepted.length) throw new Error('a response of the group was not inserted');

  for (const a of accepted) outcomes[a.index] = { saved: { responseId: a.responseId, status: 'complete', created: true } };
  return outcomes as GroupOutcome[];
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

/** Parsed definitions of published versions by (workspace, survey, version): a published version never changes. */
const definitions = new Map<string, SurveyDefinition>();
const DEFINITIONS_KEPT = 1000;

async function versionDefinition(db: Executor, tenantId: string, surveyId: string, version: number): Promise<SurveyDefinition | undefined> {
  const key = `${tenantId}:${surveyId}:${version}`;
  const known = definitions.get(key);
  if (known) return known;
  const stored = await repo.versionDefinition(db, tenantId, surveyId, version);
  if (stored === undefined) return undefined;
  // Stored definitions were validated when published; parsing fills defaults added since.
  const definition = SurveyDefinition.parse(stored);
  if (definitions.size >= DEFINITIONS_KEPT) definitions.delete(definitions.keys().next().value!);
  definitions.set(key, definition);
  return definition;
}

/**
 * `openLink` (response-public.ts) in one statement: the token, the survey's current status and
 * live version and the invitation are read fresh on every request (a closed survey refuses at
 * once), the live version's definition comes from memory after its first use. `readLink` reads
 * the row (the routes pass a LinkReader's, which reads concurrent requests' links together).
 */
export async function openAnswerLink(
  db: Executor,
  token: string,
  readLink: (tokenHash: Buffer) => Promise<repo.LinkRow | undefined> = (hash) => repo.linkByTokenHash(db, hash),
): Promise<OpenedLink | undefined> {
  if (!/^[A-Za-z0-9_-]{22}$/.test(token)) return undefined;
  const row = await readLink(hashSurveyToken(token));
  if (!row || (row.kind !== 'public' && row.kind !== 'invitation') || row.liveVersion === null) return undefined;
  if (row.kind === 'invitation' && !row.invitation) return undefined;
  const definition = await versionDefinition(db, row.tenantId, row.surveyId, row.liveVersion);
  if (!definition) return undefined;
  return {
    token,
    resolved: { tenantId: row.tenantId, kind: row.kind, targetId: row.targetId, surveyId: row.surveyId },
    live: { id: row.surveyId, status: row.status as LiveSurvey['status'], version: row.liveVersion, definition, closedReason: row.closedReason },
    invitation: row.invitation ?? undefined,
  };
}
