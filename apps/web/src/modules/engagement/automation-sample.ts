// The sample event of a dry run as a form: which fields it shows, what they start with (a
// plausible event, or the customer's latest real one), and the payload they make. Pure: unit
// tested in automation-sample.test.ts.
import type { TimelineItemView } from '@vafa/contracts';
import { localiseDigits } from '../../lib/format.ts';
import { minorPerMajor } from '../../lib/money.ts';
import { eventFieldSpec, offeredEventField, VOCABULARIES } from './automation-fields.ts';
import { dayOfInstant, sampleDraftValue, sampleValue, type ValueContext, type ValueError } from './automation-values.ts';

export type SampleDraft = Record<string, { value: string; values: string[] }>;
type CatalogueField = { name: string; type: string };

/**
 * The fields a person fills in: those a condition could name, less the currency, which is the
 * workspace's (the amount is typed in it).
 */
export const sampleFields = (topic: string, fields: CatalogueField[]) =>
  fields.filter((f) => f.name !== 'currency' && offeredEventField(topic, f.name, f.type));

const MESSAGE_STATUS: Record<string, string> = { sent: 'sent', delivered: 'delivered', failed: 'failed', suppressed: 'suppressed' };

/** Raw payload values of a plausible event, so a dry run of an order rule has an order to talk about. */
function plausiblePayload(topic: string, ctx: ValueContext, nowIso: string): Record<string, unknown> {
  if (topic.startsWith('order.')) {
    const status = topic.slice('order.'.length);
    return {
      orderExternalId: localiseDigits('1001', ctx.prefs.digits),
      amountMinor: ctx.money.currency === 'IRR' ? 12_500_000 : 250 * minorPerMajor(ctx.money.currency),
      status,
      occurredAt: nowIso,
      placedAt: nowIso,
      ...(status === 'delivered' ? { deliveredAt: nowIso } : status === 'returned' ? { returnedAt: nowIso } : {}),
    };
  }
  if (topic === 'touchpoint.recorded') return { kind: 'call', channel: 'phone', stage: 'after-sale', occurredAt: nowIso };
  if (topic === 'survey.responded') return { scale: 'nps', score: 3 };
  if (topic === 'feedback.negative') return { reason: 'nps', score: 3, channel: 'email' };
  if (topic === 'response.submitted') return { channel: 'email', 'scores.nps': 9 };
  if (topic.startsWith('message.')) return { channel: 'sms', status: MESSAGE_STATUS[topic.slice('message.'.length)] };
  if (topic.startsWith('followup.')) return { priority: 'normal' };
  if (topic === 'customer.updated') return { fields: ['tags'] };
  if (topic === 'points.awarded') return { points: 100 };
  return {};
}

/** A payload (made up or real) as the form holds it; fields it lacks start empty. */
export function sampleDraftOf(topic: string, fields: CatalogueField[], payload: Record<string, unknown>, ctx: ValueContext): SampleDraft {
  const draft: SampleDraft = {};
  for (const f of sampleFields(topic, fields)) {
    draft[f.name] = payload[f.name] === undefined || payload[f.name] === null ? { value: '', values: [] } : sampleDraftValue(eventFieldSpec(topic, f.name, f.type), payload[f.name], ctx);
  }
  return draft;
}

export const plausibleSample = (topic: string, fields: CatalogueField[], ctx: ValueContext, now = new Date()) =>
  sampleDraftOf(topic, fields, plausiblePayload(topic, ctx, now.toISOString()), ctx);

/** Topics whose sample can be taken from the customer's timeline, and what to look for there. */
export const realSampleSource = (topic: string): 'order' | 'touchpoint' | null =>
  topic.startsWith('order.') ? 'order' : topic === 'touchpoint.recorded' ? 'touchpoint' : null;

/**
 * The payload the event would have carried for the newest matching timeline entry: an order of
 * this kind (else any order) for order topics, any interaction for `touchpoint.recorded`.
 */
export function realPayload(topic: string, items: TimelineItemView[]): Record<string, unknown> | null {
  const source = realSampleSource(topic);
  if (source === 'order') {
    const item = items.find((i) => i.order && i.kind === topic) ?? items.find((i) => i.order);
    if (!item?.order) return null;
    const o = item.order;
    return {
      orderExternalId: o.externalId, amountMinor: o.amountMinor, currency: o.currency, status: o.status, occurredAt: item.occurredAt,
      placedAt: o.placedAt, promisedDeliveryAt: o.promisedDeliveryAt, deliveredAt: o.deliveredAt, returnedAt: o.returnedAt,
    };
  }
  if (source === 'touchpoint') {
    // Vafa's own entries (messages sent, follow-ups) are not published as recorded touchpoints.
    const item = items.find((i) => VOCABULARIES.touchpointKind.codes.includes(i.kind as never));
    if (!item) return null;
    return { kind: item.kind, channel: item.channel, stage: item.stage, occurredAt: item.occurredAt, externalId: item.externalId };
  }
  return null;
}

export type SampleResult = { event: Record<string, unknown> } | { errors: Record<string, ValueError> };

/** The event for the dry run: filled fields converted like condition values; the amount in the workspace currency. */
export function sampleEvent(topic: string, fields: CatalogueField[], draft: SampleDraft, ctx: ValueContext): SampleResult {
  const event: Record<string, unknown> = {};
  const errors: Record<string, ValueError> = {};
  for (const f of sampleFields(topic, fields)) {
    const entry = draft[f.name];
    if (!entry) continue;
    const result = sampleValue(eventFieldSpec(topic, f.name, f.type), entry.value, entry.values, ctx);
    if (!result) continue;
    if ('error' in result) errors[f.name] = result.error;
    else event[f.name] = result.value;
  }
  if (Object.keys(errors).length > 0) return { errors };
  if (event.amountMinor !== undefined && fields.some((f) => f.name === 'currency')) event.currency = ctx.money.currency;
  return { event };
}

/** Days of a real payload's times, for a note saying which entry filled the form. */
export const payloadDay = (payload: Record<string, unknown>, ctx: ValueContext) =>
  typeof payload.occurredAt === 'string' ? dayOfInstant(payload.occurredAt, ctx.timeZone) : '';
