import type { OrderInput, OrderKind, OrderPage, OrderView } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { Problem, notFound } from '../../platform/http/problem.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { findOrder, ordersOfCustomer, type OrderRow, type OrderState } from './order.repo.ts';

/** One order-kind touchpoint, as it bears on the order's state. */
export interface OrderEvent {
  kind: OrderKind;
  occurredAt: Date;
  channel: string;
  order: OrderInput;
  /** the workspace currency, used when the event names none */
  defaultCurrency: string;
}

const laterOf = (a: Date | null, b: Date | null) => (a && b ? (a > b ? a : b) : (a ?? b));
const earlierOf = (a: Date, b: Date) => (a < b ? a : b);

function statusOf(state: Pick<OrderState, 'deliveredAt' | 'returnedAt'>): string {
  if (state.returnedAt) return 'returned';
  if (state.deliveredAt) return 'delivered';
  return 'placed';
}

function detailsOf(event: OrderEvent) {
  return {
    amountMinor: event.order.amountMinor,
    currency: event.order.currency ?? event.defaultCurrency,
    items: (event.order.items ?? []).map((i) => ({ sku: i.sku ?? null, name: i.name, quantity: i.quantity, unitPriceMinor: i.unitPriceMinor })),
    channel: event.channel,
  };
}

/** The state an order starts in when its first known event is this one (which need not be order.placed). */
export function orderFromEvent(id: string, customerId: string, event: OrderEvent): OrderState {
  const state: OrderState = {
    id,
    customerId,
    externalId: event.order.externalId,
    status: 'placed',
    ...detailsOf(event),
    placedAt: event.occurredAt,
    promisedDeliveryAt: null,
    deliveredAt: null,
    returnedAt: null,
  };
  return applyOrderEvent(state, event);
}

/**
 * Folds one event into an order so that arrival order does not matter: order.placed is the
 * authority on amount, currency, items, channel and placing time; the other kinds only add
 * their own times (a delivered event before its placed event leaves a provisional order that
 * the placed event completes). Status follows from the times: returned > delivered > placed.
 */
export function applyOrderEvent(state: OrderState, event: OrderEvent): OrderState {
  const next = { ...state };
  const given = event.order;
  if (event.kind === 'order.placed') {
    Object.assign(next, detailsOf(event));
    next.placedAt = event.occurredAt;
  } else {
    next.placedAt = earlierOf(next.placedAt, event.occurredAt);
  }
  if (given.promisedDeliveryAt) next.promisedDeliveryAt = new Date(given.promisedDeliveryAt);
  if (event.kind === 'order.delivered') next.deliveredAt = given.deliveredAt ? new Date(given.deliveredAt) : event.occurredAt;
  else if (given.deliveredAt) next.deliveredAt = laterOf(next.deliveredAt, new Date(given.deliveredAt));
  if (event.kind === 'order.returned') next.returnedAt = event.occurredAt;
  next.status = statusOf(next);
  return next;
}

export function sameOrderState(a: OrderState, b: OrderState): boolean {
  const t = (d: Date | null) => d?.getTime() ?? null;
  return (
    a.status === b.status && a.amountMinor === b.amountMinor && a.currency === b.currency && a.channel === b.channel &&
    JSON.stringify(a.items) === JSON.stringify(b.items) && t(a.placedAt) === t(b.placedAt) &&
    t(a.promisedDeliveryAt) === t(b.promisedDeliveryAt) && t(a.deliveredAt) === t(b.deliveredAt) && t(a.returnedAt) === t(b.returnedAt)
  );
}

/**
 * Kept when delivered at or before the promise; broken when delivered late or still not
 * delivered once the promise has passed; unknown without a promise or before it is due.
 */
export function promiseKept(order: Pick<OrderRow, 'promisedDeliveryAt' | 'deliveredAt'>, now = new Date()): boolean | null {
  if (!order.promisedDeliveryAt) return null;
  if (order.deliveredAt) return order.deliveredAt.getTime() <= order.promisedDeliveryAt.getTime();
  return now.getTime() > order.promisedDeliveryAt.getTime() ? false : null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function presentOrder(row: OrderRow): OrderView {
  return {
    id: row.id,
    customerId: row.customerId,
    externalId: row.externalId,
    status: row.status as OrderView['status'],
    amountMinor: row.amountMinor,
    currency: row.currency,
    items: row.items as OrderView['items'],
    channel: row.channel,
    placedAt: row.placedAt.toISOString(),
    promisedDeliveryAt: iso(row.promisedDeliveryAt),
    deliveredAt: iso(row.deliveredAt),
    returnedAt: iso(row.returnedAt),
    promiseKept: promiseKept(row),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function getOrder(db: Executor, tenantId: string, id: string): Promise<OrderView> {
  const row = await findOrder(db, tenantId, id);
  if (!row) throw notFound();
  return presentOrder(row);
}

export async function listCustomerOrders(db: Executor, tenantId: string, customerId: string, query: { cursor?: string | undefined; limit: number }): Promise<OrderPage> {
  const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  if (before === null) throw new Problem(400, 'invalid_cursor');
  const rows = await ordersOfCustomer(db, tenantId, customerId, { limit: query.limit + 1, before });
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return { items: page.map(presentOrder), nextCursor: rows.length > query.limit && last ? encodeCursor(last.cursorAt, last.id) : null };
}
