import { z } from 'zod';
import { IsoInstant, Locale, Uuid } from './common.ts';

/**
 * Message templates: ICU MessageFormat per language. `text` is the e-mail body (the HTML part
 * is made from it, escaped), `sms` the SMS text (falls back to `text`), `subject` the e-mail
 * subject (falls back to the workspace name). Variables (all pre-formatted text, in the
 * message's language, calendar and digits):
 *
 * | variable | value |
 * | --- | --- |
 * | `name`, `firstName` | the customer's name; a polite localised wording when it is empty ("valued customer") |
 * | `hasName` | `yes` or `no`, for `{hasName, select, yes {Dear {name}} other {Hello}}` |
 * | `tier`, `points` | customer attributes `tier` / `points` (loyalty), with the same fallback |
 * | `orderNumber`, `orderAmount`, `orderDate` | from the triggering order event |
 * | `today`, `birthday` | dates in the customer's calendar and digits |
 * | `workspaceName` | the sender |
 * | `trackingCode`, `trackingLink`, `caseStatus`, `resolutionSummary`, `recourse`, `reply` | a complaint notice's case; `reply` a staff reply's text (empty elsewhere) |
 * | `expiresOn`, `programName` | a loyalty expiry notice's last day the points are usable and its program (empty elsewhere) |
 */
export const TEMPLATE_VARIABLES = [
  'name', 'firstName', 'hasName', 'tier', 'points', 'orderNumber', 'orderAmount', 'orderDate', 'today', 'birthday', 'workspaceName',
  'trackingCode', 'trackingLink', 'caseStatus', 'resolutionSummary', 'recourse', 'reply', 'expiresOn', 'programName',
] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

export const TemplateLanguageContent = z.strictObject({
  subject: z.string().trim().min(1).max(500).optional(),
  text: z.string().trim().min(1).max(20_000),
  sms: z.string().trim().min(1).max(2_000).optional(),
});
export type TemplateLanguageContent = z.infer<typeof TemplateLanguageContent>;

export const TemplateContent = z
  .strictObject({ fa: TemplateLanguageContent.optional(), ar: TemplateLanguageContent.optional(), en: TemplateLanguageContent.optional() })
  .refine((c) => c.fa !== undefined || c.ar !== undefined || c.en !== undefined, { message: 'at least one language is required' })
  .meta({ id: 'TemplateContent' });
export type TemplateContent = z.infer<typeof TemplateContent>;

export const CreateTemplate = z.strictObject({
  name: z.string().trim().min(1).max(200),
  content: TemplateContent,
});
export type CreateTemplate = z.infer<typeof CreateTemplate>;

export const UpdateTemplate = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  content: TemplateContent.optional(),
});
export type UpdateTemplate = z.infer<typeof UpdateTemplate>;

export const TemplateView = z.object({
  id: Uuid,
  name: z.string(),
  content: TemplateContent,
  createdAt: IsoInstant,
  updatedAt: IsoInstant,
}).meta({ id: 'MessageTemplate' });
export type TemplateView = z.infer<typeof TemplateView>;

/** A sample of the triggering event's payload (e.g. an order.delivered payload) for previews and dry runs. */
export const EventSample = z.record(z.string().max(80), z.unknown());

export const PreviewTemplate = z.strictObject({
  customerId: Uuid,
  language: Locale.optional(),
  event: EventSample.optional(),
});
export const PreviewUnsavedTemplate = PreviewTemplate.extend({ content: TemplateContent });

export const RenderedMessage = z.object({
  language: Locale,
  subject: z.string(),
  text: z.string(),
  html: z.string(),
  sms: z.string(),
}).meta({ id: 'RenderedMessage' });
export type RenderedMessage = z.infer<typeof RenderedMessage>;

// ---- automations

export const EventTrigger = z.strictObject({ type: z.literal('event'), topic: z.string().min(1).max(80) });
/** fires on the customer's birthday, in the calendar they gave it, at/after `at` local time */
export const DateTrigger = z.strictObject({ type: z.literal('date'), field: z.literal('birthday'), at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM') });
/** fires once per spell of inactivity: no activity (last_seen_at) for `days` */
export const InactivityTrigger = z.strictObject({ type: z.literal('inactivity'), days: z.number().int().min(1).max(3650) });
export const AutomationTrigger = z.discriminatedUnion('type', [EventTrigger, DateTrigger, InactivityTrigger]).meta({ id: 'AutomationTrigger' });
export type AutomationTrigger = z.infer<typeof AutomationTrigger>;

export const CONDITION_OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'contains'] as const;
export const ConditionOp = z.enum(CONDITION_OPS);
export type ConditionOp = z.infer<typeof ConditionOp>;
const ConditionScalar = z.union([z.string().max(500), z.number(), z.boolean()]);
export const ConditionValue = z.union([ConditionScalar, z.array(z.union([z.string().max(500), z.number()])).min(1).max(100)]);

export const SegmentConditionRef = z.strictObject({ type: z.literal('segment'), segmentId: Uuid, member: z.boolean() });
export const AttributeCondition = z.strictObject({ type: z.literal('attribute'), key: z.string().min(1).max(80), op: ConditionOp, value: ConditionValue });
export const EventFieldCondition = z.strictObject({ type: z.literal('event'), field: z.string().min(1).max(80), op: ConditionOp, value: ConditionValue });
export const TagCondition = z.strictObject({ type: z.literal('tag'), tag: z.string().trim().min(1).max(100), present: z.boolean() });
export const AutomationCondition = z
  .discriminatedUnion('type', [SegmentConditionRef, AttributeCondition, EventFieldCondition, TagCondition])
  .meta({ id: 'AutomationCondition' });
export type AutomationCondition = z.infer<typeof AutomationCondition>;

/** wall-clock minutes/hours/days, or business hours of the workspace */
export const AutomationDelay = z.union([
  z.strictObject({ minutes: z.number().int().min(1).max(525_600) }),
  z.strictObject({ hours: z.number().int().min(1).max(8_760) }),
  z.strictObject({ days: z.number().int().min(1).max(365) }),
  z.strictObject({ businessHours: z.number().int().min(1).max(2_000) }),
]).meta({ id: 'AutomationDelay' });
export type AutomationDelay = z.infer<typeof AutomationDelay>;

export const SendMessageAction = z.strictObject({ type: z.literal('send_message'), templateId: Uuid, channel: z.enum(['preferred', 'email', 'sms']) });
export const CreateFollowupAction = z.strictObject({
  type: z.literal('create_followup'),
  dueInBusinessHours: z.number().min(0.25).max(720),
  priority: z.enum(['normal', 'urgent']).optional(),
  assigneeId: Uuid.optional(),
});
export const AddTagAction = z.strictObject({ type: z.literal('add_tag'), tag: z.string().trim().min(1).max(100) });
export const RemoveTagAction = z.strictObject({ type: z.literal('remove_tag'), tag: z.string().trim().min(1).max(100) });
export const CallWebhookAction = z.strictObject({ type: z.literal('call_webhook'), endpointId: Uuid });
/**
 * Invites the customer to a live survey by e-mail or SMS (the preferred channel first), with the
 * recontact limit applied; the triggering event's followupId / orderId / caseId is kept with the
 * invitation so the answer is tied to it. The rule's delay spaces it from the event.
 */
export const SendSurveyAction = z.strictObject({ type: z.literal('send_survey'), surveyId: Uuid, channel: z.enum(['preferred', 'email', 'sms']) });
export const AutomationAction = z
  .discriminatedUnion('type', [SendMessageAction, CreateFollowupAction, AddTagAction, RemoveTagAction, CallWebhookAction, SendSurveyAction])
  .meta({ id: 'AutomationAction' });
export type AutomationAction = z.infer<typeof AutomationAction>;

export const AutomationRuleInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
  enabled: z.boolean().default(false),
  trigger: AutomationTrigger,
  conditions: z.array(AutomationCondition).max(20).default([]),
  delay: AutomationDelay.nullable().optional(),
  actions: z.array(AutomationAction).min(1).max(10),
}).meta({ id: 'AutomationRuleInput' });
export type AutomationRuleInput = z.infer<typeof AutomationRuleInput>;
export const CreateAutomation = AutomationRuleInput;

export const UpdateAutomation = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  enabled: z.boolean().optional(),
  trigger: AutomationTrigger.optional(),
  conditions: z.array(AutomationCondition).max(20).optional(),
  delay: AutomationDelay.nullable().optional(),
  actions: z.array(AutomationAction).min(1).max(10).optional(),
});
export type UpdateAutomation = z.infer<typeof UpdateAutomation>;

export const AutomationView = z.object({
  id: Uuid,
  name: z.string(),
  enabled: z.boolean(),
  /** the built-in rule this is (`after_interaction`, `negative_experience.*`), else null */
  builtin: z.string().nullable(),
  trigger: AutomationTrigger,
  conditions: z.array(AutomationCondition),
  delay: AutomationDelay.nullable(),
  actions: z.array(AutomationAction),
  createdBy: z.string().nullable(),
  createdAt: IsoInstant,
  updatedAt: IsoInstant,
}).meta({ id: 'Automation' });
export type AutomationView = z.infer<typeof AutomationView>;

export const AutomationRunStatus = z.enum(['waiting', 'done', 'skipped', 'failed']);
/** What one action did: done, or skipped with a reason (no_reachable_channel, …). */
export const RunActionResult = z.object({
  type: z.string(),
  status: z.enum(['done', 'skipped']),
  reason: z.string().optional(),
  channel: z.string().optional(),
  messageId: z.string().optional(),
  followupId: z.string().optional(),
  invitationId: z.string().optional(),
});
export type RunActionResult = z.infer<typeof RunActionResult>;

export const AutomationRunView = z.object({
  id: z.string(),
  ruleId: Uuid,
  customerId: Uuid,
  triggerKey: z.string(),
  status: AutomationRunStatus,
  /** why it was skipped: condition_failed:<n>:<type>, customer_erased, rule_disabled, … */
  reason: z.string().nullable(),
  trigger: z.record(z.string(), z.unknown()),
  actions: z.array(RunActionResult),
  dueAt: IsoInstant.nullable(),
  createdAt: IsoInstant,
  completedAt: IsoInstant.nullable(),
}).meta({ id: 'AutomationRun' });
export type AutomationRunView = z.infer<typeof AutomationRunView>;

export const AutomationRunPage = z.object({ items: z.array(AutomationRunView), nextCursor: z.string().nullable() });

export const DryRunAutomation = z.strictObject({ customerId: Uuid, event: EventSample.optional() });
export const DryRunUnsavedAutomation = z.strictObject({ rule: AutomationRuleInput, customerId: Uuid, event: EventSample.optional() });

export const DryRunResult = z.object({
  /** all conditions passed and the customer can be acted on */
  matched: z.boolean(),
  /** why nothing would run, when not matched */
  reason: z.string().nullable(),
  conditions: z.array(z.object({ index: z.number().int(), type: z.string(), passed: z.boolean(), reason: z.string() })),
  /** when the actions would run (now, or after the delay) */
  runsAt: IsoInstant,
  actions: z.array(z.object({
    type: z.string(),
    wouldRun: z.boolean(),
    reason: z.string().optional(),
    channel: z.string().optional(),
    recipient: z.string().optional(),
    message: RenderedMessage.optional(),
    detail: z.record(z.string(), z.unknown()).optional(),
  })),
}).meta({ id: 'AutomationDryRun' });
export type DryRunResult = z.infer<typeof DryRunResult>;

export const CatalogueField = z.object({ name: z.string(), type: z.enum(['string', 'number', 'instant', 'id', 'list']) });
export const AutomationCatalogue = z.object({
  topics: z.array(z.object({ topic: z.string(), fields: z.array(CatalogueField), available: z.boolean() })),
  triggers: z.array(z.string()),
  conditions: z.array(z.string()),
  conditionOps: z.array(ConditionOp),
  actions: z.array(z.object({ type: z.string(), emits: z.array(z.string()) })),
  templateVariables: z.array(z.string()),
}).meta({ id: 'AutomationCatalogue' });
export type AutomationCatalogue = z.infer<typeof AutomationCatalogue>;
