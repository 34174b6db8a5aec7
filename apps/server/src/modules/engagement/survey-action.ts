import type { Executor } from '../../platform/db/connect.ts';

/**
 * The `send_survey` action is carried out by the surveys module, which registers its handler
 * here through index.ts: engagement decides when and by which channel, surveys creates the
 * invitation. Engagement never imports surveys.
 */
export interface SurveyActionRequest {
  tenantId: string;
  customerId: string;
  surveyId: string;
  /** the channel engagement chose: the customer's preferred one with consent and an address */
  channel: 'email' | 'sms';
  /** what the survey is sent after, from the triggering event */
  context: { followupId?: string; caseId?: string; orderId?: string; priorResponseId?: string };
  origin: { ruleId: string; runId: number };
  now: Date;
}

export type SurveyActionOutcome = { status: 'done'; invitationId: string } | { status: 'skipped'; reason: string };

export interface SurveyActionHandler {
  /** which of `ids` are surveys of the workspace (for validating rules) */
  existingSurveys(db: Executor, tenantId: string, ids: string[]): Promise<Set<string>>;
  /** why the survey would not be sent to this customer now (survey closed, recontact limit), or null */
  refusal(db: Executor, tenantId: string, surveyId: string, customerId: string, now: Date): Promise<string | null>;
  /** creates the invitation in the rule run's transaction; its message follows */
  send(tx: Executor, request: SurveyActionRequest): Promise<SurveyActionOutcome>;
}

let handler: SurveyActionHandler | undefined;

export function registerSurveyActionHandler(next: SurveyActionHandler): void {
  handler = next;
}

export function surveyActionHandler(): SurveyActionHandler | undefined {
  return handler;
}

/** The ids a survey sent after this event should be tied to. */
export function surveyContextOf(payload: Record<string, unknown> | undefined): SurveyActionRequest['context'] {
  const context: SurveyActionRequest['context'] = {};
  const id = (value: unknown) => (typeof value === 'string' && /^[0-9a-f-]{36}$/i.test(value) ? value : undefined);
  const followupId = id(payload?.followupId);
  const orderId = id(payload?.orderId);
  const caseId = id(payload?.caseId) ?? id(payload?.complaintId);
  if (followupId) context.followupId = followupId;
  if (orderId) context.orderId = orderId;
  if (caseId) context.caseId = caseId;
  // The negative answer the follow-up or case was opened by (followup.completed, complaint.closed).
  const priorResponseId = followupId ? id(payload?.sourceResponseId) : caseId ? id(payload?.relatedResponseId) : undefined;
  if (priorResponseId) context.priorResponseId = priorResponseId;
  return context;
}
