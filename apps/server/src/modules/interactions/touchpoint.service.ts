import { randomUUID } from 'node:crypto';
import { isOrderKind, type CustomerIdentity, type OrderInput, type OrderKind, type TouchpointView } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { publishEvents } from '../../platform/events/outbox.ts';
import { Problem, notFound } from '../../platform/http/problem.ts';
import { setCustomerActivity } from '../customers/index.ts';
import { workspaceSettings } from '../workspace/index.ts';
import { activityOf, resolveIdentities, type ResolvedCustomer } from './identity.service.ts';
import { applyOrderEvent, orderFromEvent, presentOrder, sameOrderState, type OrderEvent } from './order.service.ts';
import { updateOrders, upsertOrdersAndLink, type OrderRow, type OrderState } from './order.repo.ts';
import {
  computeActivity, customerExists, findTouchpoint, insertTouchpoints, lockCustomersAndInsertTouchpoints, lockCustomersById,
  touchpointIdsByExternalId,
  updateTouchpointDataByExternalId, type ActivityRow, type NewTouchpoint, type TouchpointDataValue, type TouchpointRow,
} from './touchpoint.repo.ts';

/** A touchpoint to record: the API's RecordTouchpoint, with kinds widened for other modules. */
export interface TouchpointToRecord {
  externalId?: string | undefined;
  customer: CustomerIdentity;
  kind: string;
  channel: string;
  stage: string;
  occurredAt: string | Date;
  data?: Record<string, TouchpointDataValue> | undefined;
  /** required for order.* kinds, ignored otherwise */
  order?: OrderInput | undefined;
}

export interface RecordOptions {
  /** who recorded it: `api_key:<id>`, `user:<id>`, or a module name such as `surveys` */
  source: string;
  /** historical imports may skip domain events so subscribers do not act on old news */
  publishEvents?: boolean;
  /**
   * false for what the business did to the customer (a message sent, a follow-up opened):
   * it belongs on the timeline but is not the customer's activity, so `last_seen_at` (and
   * inactivity automations) must not move. Only for non-order kinds.
   */
  activity?: boolean;
}

export type RecordOutcome =
  | { status: 'created'; touchpoint: TouchpointRow; order: OrderRow | null }
  | { status: 'duplicate'; id: string }
  | { status: 'rejected'; problem: Problem };

interface Accepted {
  index: number;
  customer: ResolvedCustomer;
  row: NewTouchpoint;
  order: OrderInput | undefined;
}

/** Notes sit on the timeline but are not the customer's activity: `lastSeenAt` ignores them. */
export const NOTE_KIND = 'note';

const toDate = (value: string | Date) => (value instanceof Date ? value : new Date(value));
const orderOf = (event: TouchpointToRecord) => (isOrderKind(event.kind) ? event.order : undefined);

function newTouchpoint(event: TouchpointToRecord, customerId: string, source: string): NewTouchpoint {
  return {
    id: randomUUID(),
    customerId,
    kind: event.kind,
    channel: event.channel,
    stage: event.stage,
    occurredAt: toDate(event.occurredAt),
    occurredAtExact: event.occurredAt instanceof Date ? event.occurredAt.toISOString() : event.occurredAt,
    externalId: event.externalId ?? null,
    source,
    data: event.data ?? {},
  };
}

/**
 * Records touchpoints set-based: customers are resolved in one query, touchpoints written in
 * one multi-row insert that skips external ids already recorded, orders upserted in one
 * statement, activity recomputed and events appended in bulk — a batch of 1,000 costs about
 * as many round trips as a single event. Per-event problems (unknown customer, invalid phone)
 * reject that event only; everything else is one transaction, the caller's.
 */
export async function recordTouchpoints(tx: Executor, tenantId: string, events: TouchpointToRecord[], options: RecordOptions): Promise<RecordOutcome[]> {
  const outcomes: (RecordOutcome | undefined)[] = new Array(events.length);
  if (events.length === 0) return [];
  const settings = await workspaceSettings(tx, tenantId);

  // An external id sent twice in one batch is recorded once; the later copies share its fate.
  const firstWithExternalId = new Map<string, number>();
  const copies: { index: number; of: number }[] = [];
  const firsts: number[] = [];
  events.forEach((event, index) => {
    if (event.externalId !== undefined) {
      const first = firstWithExternalId.get(event.externalId);
      if (first !== undefined) {
        copies.push({ index, of: first });
        return;
      }
      firstWithExternalId.set(event.externalId, index);
    }
    firsts.push(index);
  });

  const accepted: Accepted[] = [];
  const inserted = new Map<string, Date>();
  let pending = firsts;
  // Events naming their customer by id (integrations that sync ids, other modules) take one
  // statement for lock and insert together; anything it cannot place goes the general way.
  if (firsts.every((i) => events[i]!.customer.id !== undefined)) {
    const rows = firsts.map((i) => newTouchpoint(events[i]!, events[i]!.customer.id!.toLowerCase(), options.source));
    const { customers, inserted: done } = await lockCustomersAndInsertTouchpoints(tx, tenantId, rows);
    const live = new Map(customers.filter((c) => !c.mergedInto && !c.erasedAt).map((c) => [c.id, c]));
    pending = [];
    firsts.forEach((index, i) => {
      const row = rows[i]!;
      const customer = live.get(row.customerId);
      if (customer) accepted.push({ index, customer: { id: customer.id, activity: activityOf(customer) }, row, order: orderOf(events[index]!) });
      else pending.push(index);
    });
    for (const r of done) inserted.set(r.id, r.createdAt);
  }

  let createdCustomerIds: string[] = [];
  if (pending.length > 0) {
    const resolved = await resolveIdentities(tx, tenantId, settings.defaultCountry, pending.map((i) => events[i]!.customer));
    createdCustomerIds = resolved.createdCustomerIds;
    const general: Accepted[] = [];
    pending.forEach((index, i) => {
      const identity = resolved.outcomes[i]!;
      if ('problem' in identity) outcomes[index] = { status: 'rejected', problem: identity.problem };
      else general.push({ index, customer: identity.customer, row: newTouchpoint(events[index]!, identity.customer.id, options.source), order: orderOf(events[index]!) });
    });
    for (const r of await insertTouchpoints(tx, tenantId, general.map((a) => a.row))) inserted.set(r.id, r.createdAt);
    accepted.push(...general);
  }
  const created = accepted.filter((a) => inserted.has(a.row.id));

  // Not inserted means the external id was already recorded. A rejected event whose external
  // id was recorded earlier is a harmless re-send too (say, its customer was erased since).
  const recordedBefore = [
    ...accepted.filter((a) => !inserted.has(a.row.id)).map((a) => a.row.externalId!),
    ...events.flatMap((e, i) => (outcomes[i]?.status === 'rejected' && e.externalId !== undefined ? [e.externalId] : [])),
  ];
  const existing = await touchpointIdsByExternalId(tx, tenantId, recordedBefore);
  for (const a of accepted) {
    if (inserted.has(a.row.id)) continue;
    const id = existing.get(a.row.externalId!);
    outcomes[a.index] = id ? { status: 'duplicate', id } : { status: 'rejected', problem: new Problem(409, 'conflict') };
  }
  events.forEach((event, index) => {
    const id = event.externalId === undefined ? undefined : existing.get(event.externalId);
    if (outcomes[index]?.status === 'rejected' && id) outcomes[index] = { status: 'duplicate', id };
  });

  const orders = await applyOrderEvents(tx, tenantId, settings.currency, created);
  for (const a of created) {
    const order = a.order ? (orders.get(a.order.externalId) ?? null) : null;
    const { occurredAtExact: _exact, ...row } = a.row;
    outcomes[a.index] = {
      status: 'created',
      touchpoint: { ...row, orderId: order?.id ?? null, createdAt: inserted.get(a.row.id)! },
      order,
    };
  }
  for (const copy of copies) {
    const first = outcomes[copy.of]!;
    outcomes[copy.index] = first.status === 'created' ? { status: 'duplicate', id: first.touchpoint.id } : first;
  }

  if (options.activity !== false || orders.size > 0) await refreshActivity(tx, tenantId, settings.currency, created, [...orders.values()]);
  if (options.publishEvents !== false) await publishRecorded(tx, tenantId, createdCustomerIds, outcomes as RecordOutcome[]);
  return outcomes as RecordOutcome[];
}

/**
 * Upserts the orders that the new order-kind touchpoints speak of. Events for one order are
 * folded together first (a multi-row upsert may touch each row once), new orders are inserted
 * in their folded state, and existing ones are locked, merged and written back.
 */
async function applyOrderEvents(tx: Executor, tenantId: string, currency: string, created: Accepted[]): Promise<Map<string, OrderRow>> {
  const groups = new Map<string, { owner: string; events: OrderEvent[]; touchpointIds: string[] }>();
  for (const a of created) {
    if (!a.order) continue;
    const event: OrderEvent = { kind: a.row.kind as OrderKind, occurredAt: a.row.occurredAt, channel: a.row.channel, order: a.order, defaultCurrency: currency };
    const group = groups.get(a.order.externalId) ?? { owner: a.customer.id, events: [], touchpointIds: [] };
    group.events.push(event);
    group.touchpointIds.push(a.row.id);
    groups.set(a.order.externalId, group);
  }
  const result = new Map<string, OrderRow>();
  if (groups.size === 0) return result;

  const proposals = [...groups.values()].map((g) => g.events.slice(1).reduce(applyOrderEvent, orderFromEvent(randomUUID(), g.owner, g.events[0]!)));
  const links = [...groups.entries()].flatMap(([externalId, g]) => g.touchpointIds.map((touchpointId) => ({ touchpointId, orderExternalId: externalId })));
  const rows = await upsertOrdersAndLink(tx, tenantId, proposals, links);

  const changes: OrderState[] = [];
  for (const row of rows) {
    if (row.inserted) {
      result.set(row.externalId, row);
      continue;
    }
    const { inserted: _inserted, createdAt: _createdAt, updatedAt: _updatedAt, ...current } = row;
    const merged = groups.get(row.externalId)!.events.reduce(applyOrderEvent, current as OrderState);
    if (sameOrderState(merged, current as OrderState)) result.set(row.externalId, row);
    else changes.push(merged);
  }
  for (const row of await updateOrders(tx, tenantId, changes)) result.set(row.externalId, row);
  return result;
}

/**
 * Brings the activity aggregates of every customer this write touched up to date. Without
 * order changes only `lastSeenAt` can move, and the locked row's current values are exact;
 * with them, the aggregates are recomputed from the orders. Customers this transaction has not
 * locked yet (an order's earlier owner) are locked before their aggregates are read.
 */
async function refreshActivity(tx: Executor, tenantId: string, currency: string, created: Accepted[], orders: OrderRow[]): Promise<void> {
  const known = new Map<string, ActivityRow | null>();
  const seen = new Map<string, Date>();
  for (const a of created) {
    known.set(a.customer.id, a.customer.activity);
    // A note is what the business wrote about the customer, not something the customer did.
    if (a.row.kind === NOTE_KIND) continue;
    const latest = seen.get(a.customer.id);
    if (!latest || a.row.occurredAt > latest) seen.set(a.customer.id, a.row.occurredAt);
  }
  const unlocked = [...new Set(orders.map((o) => o.customerId))].filter((id) => !known.has(id) || known.get(id) === null);
  for (const [id, activity] of known) if (activity === null && !unlocked.includes(id)) unlocked.push(id);
  if (unlocked.length > 0) await lockCustomersById(tx, tenantId, unlocked);

  const updates: ActivityRow[] = [];
  const recompute = new Set<string>([...orders.map((o) => o.customerId), ...unlocked]);
  for (const [id, activity] of known) {
    const latest = seen.get(id);
    if (recompute.has(id) || activity === null || !latest) continue;
    if (!activity.lastSeenAt || latest > activity.lastSeenAt) updates.push({ ...activity, lastSeenAt: latest });
  }
  updates.push(...(await computeActivity(tx, tenantId, [...recompute], currency)));
  if (updates.length > 0) await setCustomerActivity(tx, tenantId, updates);
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

async function publishRecorded(tx: Executor, tenantId: string, createdCustomerIds: string[], outcomes: RecordOutcome[]): Promise<void> {
  const events: { topic: string; payload: Record<string, unknown> }[] = createdCustomerIds.map((customerId) => ({ topic: 'customer.created', payload: { customerId } }));
  for (const outcome of outcomes) {
    if (outcome.status !== 'created') continue;
    const t = outcome.touchpoint;
    events.push({
      topic: 'touchpoint.recorded',
      payload: {
        touchpointId: t.id, customerId: t.customerId, kind: t.kind, channel: t.channel, stage: t.stage,
        occurredAt: t.occurredAt.toISOString(), externalId: t.externalId, orderId: t.orderId, source: t.source,
      },
    });
    const o = outcome.order;
    if (o) {
      events.push({
        topic: t.kind,
        payload: {
          orderId: o.id, orderExternalId: o.externalId, customerId: o.customerId, touchpointId: t.id, occurredAt: t.occurredAt.toISOString(),
          status: o.status, amountMinor: o.amountMinor, currency: o.currency, placedAt: o.placedAt.toISOString(),
          promisedDeliveryAt: iso(o.promisedDeliveryAt), deliveredAt: iso(o.deliveredAt), returnedAt: iso(o.returnedAt),
        },
      });
    }
  }
  await publishEvents(tx, tenantId, events);
}

export function presentTouchpoint(row: TouchpointRow, order: OrderRow | null): TouchpointView {
  return {
    id: row.id,
    customerId: row.customerId,
    kind: row.kind,
    channel: row.channel,
    stage: row.stage,
    occurredAt: row.occurredAt.toISOString(),
    externalId: row.externalId,
    source: row.source,
    data: row.data,
    order: order ? presentOrder(order) : null,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function getTouchpoint(db: Executor, tenantId: string, id: string): Promise<TouchpointView> {
  const row = await findTouchpoint(db, tenantId, id);
  if (!row) throw notFound();
  return presentTouchpoint(row, row.order);
}

/**
 * 404 unless the customer is in this workspace. A merged customer's timeline is empty (its
 * history moved to the survivor, named by the customer's `mergedInto`); an erased one's keeps
 * its kinds and times.
 */
export async function requireCustomer(db: Executor, tenantId: string, customerId: string): Promise<void> {
  if (!(await customerExists(db, tenantId, customerId))) throw notFound();
}

/**
 * One touchpoint, for other modules adding their events to the timeline (see index.ts).
 * Returns the recorded touchpoint's id, or the first one's when the external id was recorded
 * before; throws the Problem when it cannot be recorded (unknown or erased customer).
 */
export async function recordTouchpoint(tx: Executor, tenantId: string, input: TouchpointToRecord, options: RecordOptions): Promise<{ id: string; created: boolean }> {
  const [outcome] = await recordTouchpoints(tx, tenantId, [input], options);
  if (outcome!.status === 'rejected') throw outcome!.problem;
  return outcome!.status === 'created' ? { id: outcome!.touchpoint.id, created: true } : { id: outcome!.id, created: false };
}

/**
 * Merges `patch` into the data of touchpoints recorded with these external ids: a message's
 * delivery status or a follow-up's outcome changes after its timeline entry was written.
 */
export async function updateTouchpointData(tx: Executor, tenantId: string, patches: { externalId: string; patch: Record<string, TouchpointDataValue | null> }[]): Promise<void> {
  await updateTouchpointDataByExternalId(tx, tenantId, patches);
}
