import type { Executor } from '../../platform/db/connect.ts';

/**
 * Other modules keep history about customers (touchpoints, orders, later survey answers and
 * loyalty ledgers). They register here, through index.ts, so a merge, an erasure or a data export
 * covers their data too, inside the same transaction as the customers change.
 */
export type MergeHook = (tx: Executor, tenantId: string, sourceId: string, targetId: string) => Promise<void>;
/** The erased record's contact details as they were, for rows that name the person by address alone (an anonymous complaint's contact). */
export interface ErasedContact {
  email: string | null;
  /** E.164 */
  phone: string | null;
}
export type EraseHook = (tx: Executor, tenantId: string, customerId: string, former: ErasedContact) => Promise<void>;
export type CustomerDataExporter = (db: Executor, tenantId: string, customerId: string) => Promise<unknown>;

const mergeHooks: MergeHook[] = [];
const eraseHooks: EraseHook[] = [];
const exporters = new Map<string, CustomerDataExporter>();

/** Runs inside the merge transaction after the customers rows are merged: move your history from source to target. */
export function registerMergeHook(hook: MergeHook): void {
  if (!mergeHooks.includes(hook)) mergeHooks.push(hook);
}

/** Runs inside the erase transaction: strip personal data (free text, contact details) from your rows. */
export function registerEraseHook(hook: EraseHook): void {
  if (!eraseHooks.includes(hook)) eraseHooks.push(hook);
}

/** Adds a section `name` to a customer's data export. Registering a name again replaces it. */
export function registerCustomerDataExporter(name: string, exporter: CustomerDataExporter): void {
  exporters.set(name, exporter);
}

export async function runMergeHooks(tx: Executor, tenantId: string, sourceId: string, targetId: string): Promise<void> {
  for (const hook of mergeHooks) await hook(tx, tenantId, sourceId, targetId);
}

export async function runEraseHooks(tx: Executor, tenantId: string, customerId: string, former: ErasedContact): Promise<void> {
  for (const hook of eraseHooks) await hook(tx, tenantId, customerId, former);
}

export async function runDataExporters(db: Executor, tenantId: string, customerId: string): Promise<Record<string, unknown>> {
  const sections: Record<string, unknown> = {};
  for (const [name, exporter] of exporters) sections[name] = await exporter(db, tenantId, customerId);
  return sections;
}
