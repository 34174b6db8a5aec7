import { randomUUID } from 'node:crypto';
import type { AutomationAction, RenderedMessage, RunActionResult, TemplateContent } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { queueMessages, type NewMessage } from '../../platform/messaging/outbox.ts';
import { changeCustomerTags } from '../customers/index.ts';
import type { EngineCustomer } from './automation.repo.ts';
import { webhookEndpointEnabled } from './automation.repo.ts';
import { openFollowup, type FollowupToOpen } from './followup.service.ts';
import { surveyActionHandler, surveyContextOf } from './survey-action.ts';
import { pickLanguage, renderMessage, templateVariables, type RenderWorkspace } from './template.render.ts';

/** What an action needs to know beyond the customer: the workspace, the templates, the trigger. */
export interface ActionContext {
  tenantId: string;
  workspace: RenderWorkspace & { defaultLanguage: string };
  templates: Map<string, { id: string; content: TemplateContent }>;
  rule: { id: string; name: string; builtin: string | null };
  /** the triggering occurrence: { topic, eventId, payload } or { type: 'birthday' | 'inactivity', … } */
  trigger: { topic?: string; eventId?: number; payload?: Record<string, unknown>; [key: string]: unknown };
  now: Date;
}

/** An action decided but not yet done: the dry run shows it, the engine performs it. */
export interface PlannedAction {
  action: AutomationAction;
  wouldRun: boolean;
  reason?: string;
  channel?: 'email' | 'sms' | 'webhook';
  recipient?: string;
  message?: RenderedMessage;
  detail?: Record<string, unknown>;
}

/** What choosing a channel needs to know of a customer. */
type ChannelCustomer = Pick<EngineCustomer, 'consent' | 'email' | 'phone' | 'preferredChannel'>;

const granted = (customer: ChannelCustomer, channel: 'email' | 'sms') => customer.consent[channel]?.granted === true;
const addressOf = (customer: ChannelCustomer, channel: 'email' | 'sms') => (channel === 'email' ? customer.email : customer.phone);

/**
 * The channels to try, in order: the customer's preferred one first, then the other; with no
 * preference SMS first (the channel people in Iran and the Gulf read first).
 */
export function channelOrder(requested: 'preferred' | 'email' | 'sms', preferred: string | null): ('email' | 'sms')[] {
  if (requested !== 'preferred') return [requested];
  return preferred === 'email' ? ['email', 'sms'] : ['sms', 'email'];
}

/** The first channel with consent granted and an address, or null. */
export function reachableChannel(customer: ChannelCustomer, requested: 'preferred' | 'email' | 'sms'): 'email' | 'sms' | null {
  return channelOrder(requested, customer.preferredChannel).find((c) => granted(customer, c) && addressOf(customer, c)) ?? null;
}

/**
 * A webhook's `type`: the name of what happened (the domain event's topic, e.g.
 * `customer.created`), never the rule's name, so a receiver's routing survives a rule rename.
 * Date and inactivity triggers have no domain event; they are named for the occurrence.
 */
export function webhookEventType(trigger: ActionContext['trigger']): string {
  if (typeof trigger.topic === 'string') return trigger.topic;
  if (trigger.type === 'birthday') return 'customer.birthday';
  if (trigger.type === 'inactivity') return 'customer.inactive';
  return 'automation.triggered';
}

/**
 * The body of a webhook a rule calls, in the shape Standard Webhooks recommends: `type`,
 * `timestamp` (when the rule acted on it), `data` (the rule, the customer and the event's payload).
 */
export function webhookBody(ctx: ActionContext, customerId: string): Record<string, unknown> {
  return {
    type: webhookEventType(ctx.trigger),
    timestamp: ctx.now.toISOString(),
    data: { ruleId: ctx.rule.id, customerId, event: ctx.trigger.payload ?? {} },
  };
}

export function renderFor(ctx: ActionContext, customer: EngineCustomer, content: TemplateContent, language?: string): RenderedMessage {
  const chosen = language && content[language as 'fa'] ? (language as 'fa') : pickLanguage(content, customer.language, ctx.workspace.defaultLanguage);
  const values = templateVariables(chosen, customer, ctx.workspace, ctx.trigger.payload ?? null, ctx.now);
  return renderMessage(content, chosen, values);
}

export async function planAction(db: Executor, ctx: ActionContext, customer: EngineCustomer, action: AutomationAction): Promise<PlannedAction> {
  switch (action.type) {
    case 'send_message': {
      const template = ctx.templates.get(action.templateId);
      if (!template) return { action, wouldRun: false, reason: 'template_missing' };
      const channel = reachableChannel(customer, action.channel);
      if (!channel) return { action, wouldRun: false, reason: 'no_reachable_channel' };
      return { action, wouldRun: true, channel, recipient: addressOf(customer, channel)!, message: renderFor(ctx, customer, template.content) };
    }
    case 'create_followup':
      return { action, wouldRun: true, detail: { dueInBusinessHours: action.dueInBusinessHours, priority: action.priority ?? 'normal', assigneeId: action.assigneeId ?? null } };
    case 'add_tag':
      return customer.tags.includes(action.tag) ? { action, wouldRun: false, reason: 'already_tagged' } : { action, wouldRun: true, detail: { tag: action.tag } };
    case 'remove_tag':
      return customer.tags.includes(action.tag) ? { action, wouldRun: true, detail: { tag: action.tag } } : { action, wouldRun: false, reason: 'not_tagged' };
    case 'call_webhook':
      if (!(await webhookEndpointEnabled(db, ctx.tenantId, action.endpointId))) return { action, wouldRun: false, reason: 'webhook_endpoint_missing' };
      return { action, wouldRun: true, channel: 'webhook', recipient: action.endpointId, detail: { type: webhookEventType(ctx.trigger) } };
    case 'send_survey': {
      const handler = surveyActionHandler();
      if (!handler) return { action, wouldRun: false, reason: 'surveys_unavailable' };
      const channel = reachableChannel(customer, action.channel);
      if (!channel) return { action, wouldRun: false, reason: 'no_reachable_channel' };
      const refused = await handler.refusal(db, ctx.tenantId, action.surveyId, customer.id, ctx.now);
      if (refused) return { action, wouldRun: false, reason: refused };
      return { action, wouldRun: true, channel, recipient: addressOf(customer, channel)!, detail: { surveyId: action.surveyId, context: surveyContextOf(ctx.trigger.payload) } };
    }
  }
}

const FOLLOWUP_REASON: Record<string, string> = { after_interaction: 'after_interaction' };

export interface TagChanges {
  add: Set<string>;
  remove: Set<string>;
}

export async function applyTagChanges(tx: Executor, tenantId: string, customerId: string, changes: TagChanges): Promise<void> {
  if (changes.add.size === 0 && changes.remove.size === 0) return;
  await changeCustomerTags(tx, tenantId, customerId, [...changes.add], [...changes.remove]);
}

/** Where a batch collects its runs' tag changes, messages and follow-ups, to write them once. */
export interface ActionSink {
  tags: TagChanges;
  messages: NewMessage[];
  /** opened by the caller with `openFollowups`; each has its id already, for the run record */
  followups: (FollowupToOpen & { id: string })[];
}

/**
 * Performs planned actions in the caller's transaction; returns what each did for the run
 * record. With a `sink`, tag changes, messages and follow-ups go there and the caller writes them
 * (several runs' at once); without, they are written here.
 */
export async function performActions(
  tx: Executor,
  ctx: ActionContext,
  customer: EngineCustomer,
  runId: number,
  plans: PlannedAction[],
  sink?: ActionSink,
): Promise<RunActionResult[]> {
  const results: RunActionResult[] = [];
  const messages: NewMessage[] = sink?.messages ?? [];
  const changes: TagChanges = sink?.tags ?? { add: new Set(), remove: new Set() };
  const origin = { ruleId: ctx.rule.id, runId };
  const source = {
    topic: ctx.trigger.topic ?? ctx.trigger.type ?? null,
    eventId: ctx.trigger.eventId ?? null,
    touchpointId: ctx.trigger.payload?.touchpointId ?? null,
    orderId: ctx.trigger.payload?.orderId ?? null,
    // The negative answer a follow-up is about, so a survey sent after it can be compared with it (issue 10).
    ...(ctx.trigger.topic === 'feedback.negative' && typeof ctx.trigger.payload?.responseId === 'string' ? { responseId: ctx.trigger.payload.responseId } : {}),
  };
  for (const plan of plans) {
    const { action } = plan;
    if (!plan.wouldRun) {
      results.push({ type: action.type, status: 'skipped', ...(plan.reason ? { reason: plan.reason } : {}) });
      continue;
    }
    switch (action.type) {
      case 'send_message': {
        const message = plan.message!;
        const isEmail = plan.channel === 'email';
        const id = randomUUID();
        messages.push({
          id,
          customerId: customer.id,
          channel: plan.channel!,
          recipient: plan.recipient!,
          locale: message.language,
          subject: isEmail ? message.subject : null,
          bodyText: isEmail ? message.text : message.sms,
          bodyHtml: isEmail ? message.html : null,
          purpose: 'automated',
          origin: { ...origin, templateId: action.templateId },
        });
        results.push({ type: action.type, status: 'done', channel: plan.channel!, messageId: id });
        break;
      }
      case 'call_webhook': {
        const id = randomUUID();
        messages.push({
          id,
          customerId: customer.id,
          channel: 'webhook',
          recipient: action.endpointId,
          locale: customer.language ?? ctx.workspace.defaultLanguage,
          bodyText: '',
          payload: webhookBody(ctx, customer.id),
          purpose: 'automated',
          origin,
        });
        results.push({ type: action.type, status: 'done', channel: 'webhook', messageId: id });
        break;
      }
      case 'create_followup': {
        const followup = {
          customerId: customer.id,
          reason: (ctx.rule.builtin && (FOLLOWUP_REASON[ctx.rule.builtin] ?? (ctx.rule.builtin.startsWith('negative_experience') ? 'negative_experience' : null))) || ctx.rule.name,
          ruleId: ctx.rule.id,
          source,
          dueInBusinessHours: action.dueInBusinessHours,
          priority: action.priority ?? 'normal',
          assigneeId: action.assigneeId ?? null,
        };
        const id = sink ? randomUUID() : (await openFollowup(tx, ctx.tenantId, followup, ctx.now)).id;
        if (sink) sink.followups.push({ ...followup, id });
        results.push({ type: action.type, status: 'done', followupId: id });
        break;
      }
      case 'send_survey': {
        const handler = surveyActionHandler();
        const outcome = handler
          ? await handler.send(tx, {
            tenantId: ctx.tenantId, customerId: customer.id, surveyId: action.surveyId, channel: plan.channel as 'email' | 'sms',
            context: surveyContextOf(ctx.trigger.payload), origin, now: ctx.now,
          })
          : { status: 'skipped' as const, reason: 'surveys_unavailable' };
        results.push(outcome.status === 'done'
          ? { type: action.type, status: 'done', channel: plan.channel!, invitationId: outcome.invitationId }
          : { type: action.type, status: 'skipped', reason: outcome.reason });
        break;
      }
      case 'add_tag':
        changes.add.add(action.tag);
        changes.remove.delete(action.tag);
        results.push({ type: action.type, status: 'done' });
        break;
      case 'remove_tag':
        changes.remove.add(action.tag);
        changes.add.delete(action.tag);
        results.push({ type: action.type, status: 'done' });
        break;
    }
  }
  if (!sink) {
    await applyTagChanges(tx, ctx.tenantId, customer.id, changes);
    await queueMessages(tx, ctx.tenantId, messages);
  }
  return results;
}
