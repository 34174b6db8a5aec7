import type { VafaModule } from '../../platform/module.ts';
import { registerCustomerDataExporter, registerEraseHook, registerMergeHook } from '../customers/index.ts';
import { eraseCustomerHistory, exportCustomerHistory, moveCustomerHistory } from './customer-history.service.ts';
import { registerOrderTransferRoutes } from './order-transfer.routes.ts';
import { registerTimelineEntryRoutes } from './timeline-entry.routes.ts';
import { registerTouchpointRoutes } from './touchpoint.routes.ts';

/**
 * Other modules put their events on a customer's timeline with `recordTouchpoint(tx, tenantId,
 * input, { source })` inside their own transaction, e.g. surveys:
 *
 *   await recordTouchpoint(tx, tenantId, {
 *     customer: { id: customerId }, kind: 'survey.answered', channel: 'web', stage: 'after-sale',
 *     occurredAt: submittedAt, externalId: `survey-response:${responseId}`, data: { survey: surveyId, nps: 9 },
 *   }, { source: 'surveys' });
 *
 * Use a `<module>.<event>` kind, an externalId derived from your own row id (re-runs are then
 * harmless) and small typed `data` (string values are dropped when the customer is erased).
 * The customer's lastSeenAt moves, 'touchpoint.recorded' is published, and the timeline shows it.
 * It throws a Problem if the customer is unknown or erased.
 */
export { recordTouchpoint, recordTouchpoints, updateTouchpointData, type RecordOptions, type RecordOutcome, type TouchpointToRecord } from './touchpoint.service.ts';

/**
 * Whole orders (CSV import, sync): `recordOrdersBulk(tx, tenantId, orders, { source: 'import' })`
 * records each as its placed/delivered/returned touchpoints with derived external ids, in one
 * set-based write per call; results come back per order, in order.
 */
export { recordOrdersBulk, type OrderRecord, type OrderRecordOutcome } from './order-ingest.service.ts';
export { applyOrderEvent, orderFromEvent, presentOrder, promiseKept } from './order.service.ts';

// A customer's history follows them through merges, erasure and data export.
registerMergeHook(moveCustomerHistory);
registerEraseHook(eraseCustomerHistory);
registerCustomerDataExporter('interactions', exportCustomerHistory);

export const interactionsModule: VafaModule = {
  name: 'interactions',
  registerRoutes(app, deps) {
    registerTouchpointRoutes(app, deps);
    registerTimelineEntryRoutes(app);
    registerOrderTransferRoutes(app, deps);
  },
};
