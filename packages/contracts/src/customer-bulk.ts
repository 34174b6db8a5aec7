import { z } from 'zod';
import { Uuid } from './common.ts';
import { CustomerFilter, Tag } from './customers.ts';

/** The most customers a selection may name one by one. */
export const MAX_SELECTED_IDS = 1000;

/**
 * Which customers a bulk action covers: ones named by id (live customers of this workspace, at
 * most 1,000), or every live customer matching a filter (the list's filters, `{}` for all).
 */
export const CustomerSelection = z.union([
  z.strictObject({ ids: z.array(Uuid).min(1).max(MAX_SELECTED_IDS) }),
  z.strictObject({ filter: CustomerFilter }),
]).meta({ id: 'CustomerSelection' });
export type CustomerSelection = z.infer<typeof CustomerSelection>;

const Tags = z.array(Tag).min(1).max(20);

export const BulkCustomerAction = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('add_tags'), tags: Tags }),
  z.strictObject({ type: z.literal('remove_tags'), tags: Tags }),
  z.strictObject({ type: z.literal('add_to_segment'), segmentId: Uuid }),
  z.strictObject({ type: z.literal('remove_from_segment'), segmentId: Uuid }),
]).meta({ id: 'BulkCustomerAction' });
export type BulkCustomerAction = z.infer<typeof BulkCustomerAction>;

export const BulkCustomerRequest = z.strictObject({ selection: CustomerSelection, action: BulkCustomerAction });
export type BulkCustomerRequest = z.infer<typeof BulkCustomerRequest>;

/** `selected`: live customers the selection covered; `changed`: those the action changed (the rest already were so). */
export const BulkCustomerResult = z.object({
  selected: z.number().int().min(0),
  changed: z.number().int().min(0),
}).meta({ id: 'BulkCustomerResult' });
export type BulkCustomerResult = z.infer<typeof BulkCustomerResult>;

/** Customers chosen one by one for a CSV export. */
export const CustomerIdsExport = z.strictObject({ ids: z.array(Uuid).min(1).max(MAX_SELECTED_IDS) });
export type CustomerIdsExport = z.infer<typeof CustomerIdsExport>;
