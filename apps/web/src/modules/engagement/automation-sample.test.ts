import type { TimelineItemView } from '@vafa/contracts';
import { describe, expect, it } from 'vitest';
import { plausibleSample, realPayload, sampleDraftOf, sampleEvent, sampleFields, type SampleDraft } from './automation-sample.ts';
import type { ValueContext } from './automation-values.ts';

const fa: ValueContext = {
  money: { currency: 'IRR', irrDisplay: 'toman' },
  timeZone: 'Asia/Tehran',
  prefs: { language: 'fa', calendar: 'persian', digits: 'arabext' },
};
const ORDER_FIELDS = [
  { name: 'orderId', type: 'id' }, { name: 'orderExternalId', type: 'string' }, { name: 'customerId', type: 'id' }, { name: 'status', type: 'string' },
  { name: 'amountMinor', type: 'number' }, { name: 'currency', type: 'string' }, { name: 'occurredAt', type: 'instant' }, { name: 'deliveredAt', type: 'instant' },
];
const TOUCHPOINT_FIELDS = [{ name: 'kind', type: 'string' }, { name: 'channel', type: 'string' }, { name: 'stage', type: 'string' }, { name: 'source', type: 'string' }];

const item = (kind: string, extra: Partial<TimelineItemView> = {}): TimelineItemView => ({
  id: `t-${kind}`, customerId: 'c', kind, channel: 'store', stage: 'sale', occurredAt: '2025-03-20T21:00:00.000Z', externalId: null, source: 'api',
  data: {}, order: null, createdAt: '2025-03-20T21:00:00.000Z', author: null, text: null, editedAt: null, ...extra,
});

describe('the sample event form', () => {
  it('shows what a person can fill in: no ids, no recording source, no currency (the amount is in the workspace’s)', () => {
    expect(sampleFields('order.delivered', ORDER_FIELDS).map((f) => f.name)).toEqual(['orderExternalId', 'status', 'amountMinor', 'occurredAt', 'deliveredAt']);
    expect(sampleFields('touchpoint.recorded', TOUCHPOINT_FIELDS).map((f) => f.name)).toEqual(['kind', 'channel', 'stage']);
  });
  it('starts with a plausible delivered order in tomans and Persian digits', () => {
    const draft = plausibleSample('order.delivered', ORDER_FIELDS, fa, new Date('2025-03-21T06:00:00Z'));
    expect(draft.status).toEqual({ value: 'delivered', values: [] });
    expect(draft.amountMinor?.value).toBe('۱٬۲۵۰٬۰۰۰');
    expect(draft.orderExternalId?.value).toBe('۱۰۰۱');
    expect(draft.deliveredAt?.value).toBe('2025-03-21');
  });
  it('makes the event: minor units with the workspace currency, noon of a picked day, empty fields left out', () => {
    const draft: SampleDraft = { ...plausibleSample('order.delivered', ORDER_FIELDS, fa), orderExternalId: { value: '', values: [] } };
    draft.amountMinor = { value: '۳۰۰٬۰۰۰', values: [] };
    draft.deliveredAt = { value: '2025-03-21', values: [] };
    const result = sampleEvent('order.delivered', ORDER_FIELDS, draft, fa);
    expect(result).toMatchObject({ event: { amountMinor: 3_000_000, currency: 'IRR', status: 'delivered', deliveredAt: '2025-03-21T08:30:00.000Z' } });
    expect('event' in result && 'orderExternalId' in result.event).toBe(false);
  });
  it('names the fields that are not values instead of sending them', () => {
    const draft = { ...plausibleSample('order.delivered', ORDER_FIELDS, fa), amountMinor: { value: 'سیصد', values: [] } };
    expect(sampleEvent('order.delivered', ORDER_FIELDS, draft, fa)).toEqual({ errors: { amountMinor: 'not_a_number' } });
  });
});

describe('a real event from the customer’s timeline', () => {
  const order = {
    id: 'o', customerId: 'c', externalId: 'A-77', status: 'returned' as const, amountMinor: 4_500_000, currency: 'IRR', items: [], channel: null,
    placedAt: '2025-03-01T10:00:00.000Z', promisedDeliveryAt: null, deliveredAt: '2025-03-05T10:00:00.000Z', returnedAt: '2025-03-10T10:00:00.000Z',
    promiseKept: null, createdAt: '2025-03-01T10:00:00.000Z', updatedAt: '2025-03-10T10:00:00.000Z',
  };
  const timeline = [item('message.sms'), item('followup.opened'), item('order.returned', { order }), item('call')];

  it('takes the newest order of the trigger’s kind, else any order', () => {
    expect(realPayload('order.returned', timeline)).toMatchObject({ orderExternalId: 'A-77', amountMinor: 4_500_000, status: 'returned' });
    expect(realPayload('order.placed', timeline)).toMatchObject({ orderExternalId: 'A-77' });
    expect(realPayload('order.placed', [item('call')])).toBeNull();
  });
  it('takes the newest recorded interaction, not Vafa’s own messages and follow-ups', () => {
    expect(realPayload('touchpoint.recorded', timeline)).toMatchObject({ kind: 'order.returned' });
    expect(realPayload('touchpoint.recorded', [item('message.sms'), item('followup.opened'), item('visit')])).toMatchObject({ kind: 'visit', channel: 'store' });
  });
  it('fills the form the way it would be typed: tomans, days', () => {
    const draft = sampleDraftOf('order.returned', ORDER_FIELDS, realPayload('order.returned', timeline)!, fa);
    expect(draft.amountMinor?.value).toBe('۴۵۰٬۰۰۰');
    expect(draft.occurredAt?.value).toBe('2025-03-21');
    expect(draft.orderExternalId?.value).toBe('A-77');
  });
});
