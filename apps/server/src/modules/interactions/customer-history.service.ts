import type { OrderView, TouchpointView } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { setCustomerActivity } from '../customers/index.ts';
import { workspaceSettings } from '../workspace/index.ts';
import { allOrdersOfCustomer, reassignOrders } from './order.repo.ts';
import { presentOrder } from './order.service.ts';
import {
  allTouchpointsOfCustomer, computeActivity, lockCustomersById, reassignTouchpoints, stripTouchpointText,
} from './touchpoint.repo.ts';
import { presentTouchpoint } from './touchpoint.service.ts';

/**
 * Merge: the surviving customer takes over the absorbed one's touchpoints and orders, and both
 * get aggregates recomputed from what they now hold (the absorbed one: none).
 */
export async function moveCustomerHistory(tx: Executor, tenantId: string, sourceId: string, targetId: string): Promise<void> {
  await lockCustomersById(tx, tenantId, [sourceId, targetId]);
  await reassignTouchpoints(tx, tenantId, sourceId, targetId);
  await reassignOrders(tx, tenantId, sourceId, targetId);
  const { currency } = await workspaceSettings(tx, tenantId);
  await setCustomerActivity(tx, tenantId, await computeActivity(tx, tenantId, [targetId, sourceId], currency));
}

/** Erasure keeps what happened (kinds, times, channels, amounts) and drops free text a person may have written. */
export async function eraseCustomerHistory(tx: Executor, tenantId: string, customerId: string): Promise<void> {
  await stripTouchpointText(tx, tenantId, customerId);
}

export async function exportCustomerHistory(
  db: Executor,
  tenantId: string,
  customerId: string,
): Promise<{ touchpoints: TouchpointView[]; orders: OrderView[] }> {
  const touchpoints = await allTouchpointsOfCustomer(db, tenantId, customerId);
  const orders = await allOrdersOfCustomer(db, tenantId, customerId);
  return { touchpoints: touchpoints.map((t) => presentTouchpoint(t, t.order)), orders: orders.map(presentOrder) };
}
