// What each condition field holds, so the editor can offer the right words and value widget: the
// server's topic catalogue (automation.rules.ts) says string/number/instant/id/list; this adds
// which strings are codes from a known set (a touchpoint kind, an order status…) and which
// number is money. Pure: no React.
import {
  FollowupOutcome, FollowupPriority, JourneyStage, MessageChannelName, MessageStatus, OrderStatus, SurveyChannel, TouchpointChannel, TouchpointKind,
} from '@vafa/contracts';
import type { ConditionOp } from './automation-model.ts';

/** The widget a value is typed or picked with. */
export type ValueKind =
  | 'money' // integer minor units on the wire, typed in major units with the currency named
  | 'number'
  | 'choice' // one code of a known set, picked by its localised name
  | 'text'
  | 'instant' // an ISO instant on the wire, picked as a day in the user's calendar
  | 'day' // an ISO date (a date attribute), picked in the user's calendar
  | 'boolean'
  | 'list' // a list of codes; conditions ask whether it contains one
  | 'id'; // an internal id: never offered, kept only when a rule already names it

/** A set of codes and the message key prefix of their names (`timeline.kind.` + `call`). */
export interface Vocabulary {
  codes: readonly string[];
  /** message key prefix; absent: the codes are the workspace's own words (attribute choices) */
  prefix?: string;
  /** names that are lower case in running English text ("via website") and need a capital in a list */
  capitalise?: boolean;
}

/** Message suppression and failure reasons the messages screen has names for. */
const MESSAGE_REASONS = [
  'no_consent', 'unsubscribed', 'quiet_hours', 'frequency_cap', 'rate_limited', 'unknown_customer', 'customer_erased', 'customer_merged',
  'email_not_configured', 'sms_not_configured', 'webhook_endpoint_missing', 'smtp_connection', 'max_attempts', 'send_error',
  'outbound_refused', 'outbound_unreachable', 'outbound_timeout', 'tls_failed', 'smtp_auth_failed', 'smtp_protocol',
] as const;

/** The customer fields a `customer.updated` event lists as changed (keys of the update body). */
export const CUSTOMER_FIELDS = ['name', 'phone', 'email', 'birthday', 'language', 'preferredChannel', 'timeZone', 'consent', 'tags', 'attributes', 'externalId'] as const;

export const VOCABULARIES = {
  touchpointKind: { codes: TouchpointKind.options, prefix: 'timeline.kind.' },
  touchpointChannel: { codes: TouchpointChannel.options, prefix: 'touchChannel.', capitalise: true },
  journeyStage: { codes: JourneyStage.options, prefix: 'timeline.stage.' },
  orderStatus: { codes: OrderStatus.options, prefix: 'automations.orderStatus.' },
  messageChannel: { codes: MessageChannelName.options, prefix: 'automations.channelName.', capitalise: true },
  messageStatus: { codes: MessageStatus.options, prefix: 'messages.status.' },
  messageReason: { codes: MESSAGE_REASONS, prefix: 'messages.reason.' },
  followupPriority: { codes: FollowupPriority.options, prefix: 'automations.priority.' },
  followupOutcome: { codes: FollowupOutcome.options, prefix: 'followups.outcome.' },
  surveyScale: { codes: ['nps', 'csat', 'ces'], prefix: 'automations.scale.' },
  surveyChannel: { codes: SurveyChannel.options, prefix: 'surveys.channel.' },
  slaTarget: { codes: ['acknowledge', 'firstResponse', 'resolve'], prefix: 'complaints.slaTarget.' },
  customerField: { codes: CUSTOMER_FIELDS, prefix: 'customer.' },
  // Named by Intl.DisplayNames in the reader's language; the workspace's own currency is added first.
  currency: { codes: ['IRR', 'SAR', 'AED', 'IQD', 'KWD', 'QAR', 'OMR', 'BHD', 'TRY', 'USD', 'EUR'] },
} satisfies Record<string, Vocabulary>;
export type VocabularyName = keyof typeof VOCABULARIES;

export interface FieldSpec {
  kind: ValueKind;
  /** the codes a choice or list field takes */
  vocabulary?: Vocabulary;
  /** currency names come from Intl, not from messages */
  currencyNames?: boolean;
}

/** Comparisons offered for each kind, most useful first. The server accepts exactly these (opValueMismatch). */
export const OPS_BY_KIND: Record<ValueKind, ConditionOp[]> = {
  money: ['gte', 'gt', 'lte', 'lt', 'eq', 'neq'],
  number: ['gte', 'gt', 'lte', 'lt', 'eq', 'neq'],
  choice: ['eq', 'neq', 'in'],
  text: ['eq', 'neq', 'contains', 'in'],
  instant: ['gte', 'lt', 'gt', 'lte'],
  // The server compares ordering only on numbers and on event instants; a date attribute is matched as a day.
  day: ['eq', 'neq'],
  boolean: ['eq'],
  list: ['contains'],
  id: ['eq', 'neq'],
};

const ORDER_TOPIC = /^order\./;
const MESSAGE_TOPIC = /^message\./;
// Surveys' events: where the answer came from is a survey channel (link, kiosk…), the reason a scale.
const SURVEY_TOPIC = /^(response\.submitted|feedback\.negative)$/;

/** What an event field holds. `catalogueType` is the server's word for fields this table does not know. */
export function eventFieldSpec(topic: string, field: string, catalogueType?: string): FieldSpec {
  const choice = (name: VocabularyName): FieldSpec => ({ kind: 'choice', vocabulary: VOCABULARIES[name] });
  switch (field) {
    case 'amountMinor': return { kind: 'money' };
    case 'score':
    case 'points':
    case 'balance': return { kind: 'number' };
    case 'kind': return choice('touchpointKind');
    case 'channel': return choice(MESSAGE_TOPIC.test(topic) ? 'messageChannel' : SURVEY_TOPIC.test(topic) ? 'surveyChannel' : 'touchpointChannel');
    case 'stage': return choice('journeyStage');
    case 'status':
      if (ORDER_TOPIC.test(topic)) return choice('orderStatus');
      if (MESSAGE_TOPIC.test(topic)) return choice('messageStatus');
      break;
    case 'reason':
      if (MESSAGE_TOPIC.test(topic)) return choice('messageReason');
      if (SURVEY_TOPIC.test(topic)) return choice('surveyScale');
      break;
    case 'priority': return choice('followupPriority');
    case 'outcome': return choice('followupOutcome');
    case 'scale': return choice('surveyScale');
    case 'target': return choice('slaTarget');
    case 'currency': return { kind: 'choice', vocabulary: VOCABULARIES.currency, currencyNames: true };
    case 'fields': return { kind: 'list', vocabulary: VOCABULARIES.customerField };
  }
  const type = catalogueType ?? guessedType(field);
  if (type === 'id') return { kind: 'id' };
  if (type === 'number') return { kind: 'number' };
  if (type === 'instant') return { kind: 'instant' };
  if (type === 'list') return { kind: 'list' };
  return { kind: 'text' };
}

/** Before the catalogue has loaded: the payload naming habits (`orderId`, `placedAt`, but `orderExternalId` is text). */
function guessedType(field: string): string {
  if (/externalId$/i.test(field)) return 'string';
  if (/Id$/.test(field)) return 'id';
  if (/At$/.test(field)) return 'instant';
  return 'string';
}

/**
 * Fields a condition may be put on: not internal ids, and not `source` (which part of Vafa
 * recorded a touchpoint: a code nobody outside the code base would know).
 */
export const offeredEventField = (topic: string, field: string, catalogueType?: string) =>
  field !== 'source' && eventFieldSpec(topic, field, catalogueType).kind !== 'id';

export interface AttributeDefinitionLike {
  key: string;
  type: 'text' | 'number' | 'boolean' | 'date' | 'choice';
  options?: string[];
}

export function attributeSpec(definition: AttributeDefinitionLike | undefined): FieldSpec {
  switch (definition?.type) {
    case 'number': return { kind: 'number' };
    case 'boolean': return { kind: 'boolean' };
    case 'date': return { kind: 'day' };
    case 'choice': return { kind: 'choice', vocabulary: { codes: definition.options ?? [] } };
    default: return { kind: 'text' };
  }
}

/** The first comparison for a kind, and whether `op` still fits it after the field changed. */
export const defaultOp = (kind: ValueKind): ConditionOp => OPS_BY_KIND[kind][0]!;
export const opFits = (kind: ValueKind, op: ConditionOp) => OPS_BY_KIND[kind].includes(op);

/** The codes of a choice field: the currency set starts with the workspace's own. */
export function choiceCodes(spec: FieldSpec, workspaceCurrency: string): string[] {
  const codes = [...(spec.vocabulary?.codes ?? [])];
  if (spec.currencyNames && !codes.includes(workspaceCurrency)) codes.unshift(workspaceCurrency);
  else if (spec.currencyNames) codes.sort((a, b) => (a === workspaceCurrency ? -1 : b === workspaceCurrency ? 1 : 0));
  return codes;
}
