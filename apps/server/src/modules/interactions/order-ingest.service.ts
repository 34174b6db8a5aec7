import type { CustomerIdentity, OrderItemInput, TouchpointChannel } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import type { Problem } from '../../platform/http/problem.ts';
import { recordTouchpoints, type RecordOptions, type TouchpointToRecord } from './touchpoint.service.ts';

/** An order as a file or another system knows it: its whole history in one row. */
export interface OrderRecord {
  externalId: string;
  customer: CustomerIdentity;
  amountMinor: number;
  /** defaults to the workspace currency */
  currency?: string | undefined;
  items?: OrderItemInput[] | undefined;
  channel: TouchpointChannel;
  placedAt: string | Date;
  promisedDeliveryAt?: string | Date | undefined;
  deliveredAt?: string | Date | undefined;
  returnedAt?: string | Date | undefined;
}

export type OrderRecordOutcome =
  | { status: 'created' | 'updated'; orderId: string }
  | { status: 'duplicate' }
  | { status: 'rejected'; problem: Problem };

const isoOf = (value: string | Date) => (value instanceof Date ? value.toISOString() : value);

/**
 * Records whole orders (CSV import, sync jobs) through the same path as the API: each becomes
 * its order.placed / order.delivered / order.returned touchpoints with derived external ids
 * (`order:<externalId>:placed` …), so importing a file twice changes nothing and a later file
 * with the delivery dates only adds what is new. Inputs must already be validated against the
 * contracts' shapes (OrderInput, CustomerIdentity). One call is one set-based write: pass
 * chunks of about a thousand orders.
 */
export async function recordOrdersBulk(tx: Executor, tenantId: string, orders: OrderRecord[], options: RecordOptions): Promise<OrderRecordOutcome[]> {
  const events: TouchpointToRecord[] = [];
  const eventIndexes: number[][] = [];
  for (const order of orders) {
    const details = {
      externalId: order.externalId,
      amountMinor: order.amountMinor,
      ...(order.currency !== undefined ? { currency: order.currency } : {}),
      ...(order.items !== undefined ? { items: order.items } : {}),
      ...(order.promisedDeliveryAt !== undefined ? { promisedDeliveryAt: isoOf(order.promisedDeliveryAt) } : {}),
    };
    const base = { customer: order.customer, channel: order.channel, order: details };
    const own: number[] = [];
    own.push(events.push({ ...base, externalId: `order:${order.externalId}:placed`, kind: 'order.placed', stage: 'sale', occurredAt: order.placedAt }) - 1);
    if (order.deliveredAt !== undefined) {
      own.push(events.push({ ...base, externalId: `order:${order.externalId}:delivered`, kind: 'order.delivered', stage: 'after-sale', occurredAt: order.deliveredAt }) - 1);
    }
    if (order.returnedAt !== undefined) {
      own.push(events.push({ ...base, externalId: `order:${order.externalId}:returned`, kind: 'order.returned', stage: 'after-sale', occurredAt: order.returnedAt }) - 1);
    }
    eventIndexes.push(own);
  }
  const outcomes = await recordTouchpoints(tx, tenantId, events, options);
  return eventIndexes.map((indexes): OrderRecordOutcome => {
    const own = indexes.map((i) => outcomes[i]!);
    const rejected = own.find((o) => o.status === 'rejected');
    if (rejected) return rejected;
    const created = own.filter((o) => o.status === 'created');
    const orderId = created.map((o) => o.order?.id).find((id) => id !== undefined);
    if (!orderId) return { status: 'duplicate' };
    return { status: own[0]!.status === 'created' ? 'created' : 'updated', orderId };
  });
}
