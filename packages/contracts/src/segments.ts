import { z } from 'zod';
import { IsoInstant, PageQuery, Uuid } from './common.ts';
import { CustomerView } from './customers.ts';

/**
 * Rule-based segments. The shape is checked here; what a field accepts (its operators and the
 * type of its value) is checked by the server, which answers 422 `invalid_segment_rule` with a
 * reason. Fields and their operators:
 *
 * | field | ops | value |
 * | --- | --- | --- |
 * | `tag` | has, not_has | tag |
 * | `language` | eq, neq / in | fa, ar, en / a list of them |
 * | `orderCount`, `totalSpentMinor` | eq, gt, gte, lt, lte / between | integer / [min, max] |
 * | `lastOrderAt`, `createdAt` | before, after / within_days, not_within_days | YYYY-MM-DD (a day in the workspace time zone) or an ISO instant / whole days |
 * | `birthdayMonth` | eq / in | Gregorian month 1–12 / a list of them |
 * | `consent` | granted, not_granted | channel (sms, email, …) |
 * | `attribute.<key>` | eq, neq, gt, gte, lt, lte, contains, in, is_set (by the attribute's type) | typed as the attribute; is_set takes true/false |
 *
 * `not_within_days` and `neq` include customers that have no value at all (never ordered, attribute unset).
 *
 * A segment's members are the live customers its rules match OR that were added to it by hand
 * (its listed members). `{ match: 'all', conditions: [] }` matches every live customer, as it
 * always has; `{ match: 'any', conditions: [] }` matches no one, so a segment with those rules is
 * a plain list of the customers added to it.
 */
export const SEGMENT_FIELDS = ['tag', 'language', 'orderCount', 'totalSpentMinor', 'lastOrderAt', 'createdAt', 'birthdayMonth', 'consent'] as const;
export const SEGMENT_ATTRIBUTE_PREFIX = 'attribute.';

const Scalar = z.union([z.string().max(500), z.number(), z.boolean()]);
export const SegmentValue = z.union([Scalar, z.array(z.union([z.string().max(500), z.number()])).max(100)]);

export const SegmentCondition = z.strictObject({
  field: z.string().min(1).max(80),
  op: z.string().min(1).max(40),
  value: SegmentValue.optional(),
});
export type SegmentCondition = z.infer<typeof SegmentCondition>;

/** A nested group: conditions only (one level deep). */
export const SegmentGroup = z.strictObject({
  match: z.enum(['all', 'any']),
  conditions: z.array(SegmentCondition).max(50),
});
export type SegmentGroup = z.infer<typeof SegmentGroup>;

export const SegmentRules = z.strictObject({
  match: z.enum(['all', 'any']),
  conditions: z.array(z.union([SegmentCondition, SegmentGroup])).max(50),
}).meta({ id: 'SegmentRules' });
export type SegmentRules = z.infer<typeof SegmentRules>;

export const CreateSegment = z.strictObject({
  name: z.string().trim().min(1).max(200),
  rules: SegmentRules,
});
export type CreateSegment = z.infer<typeof CreateSegment>;

export const UpdateSegment = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  rules: SegmentRules.optional(),
});
export type UpdateSegment = z.infer<typeof UpdateSegment>;

export const SegmentView = z.object({
  id: Uuid,
  name: z.string(),
  rules: SegmentRules,
  /** customers added by hand: they belong whatever the rules say */
  listedMembers: z.number().int().min(0),
  createdBy: z.string().nullable(),
  createdAt: IsoInstant,
  updatedAt: IsoInstant,
}).meta({ id: 'Segment' });
export type SegmentView = z.infer<typeof SegmentView>;

/** `segmentId`: a saved segment whose listed members count too (previewing an edit of its rules). */
export const PreviewSegment = z.strictObject({ rules: SegmentRules, segmentId: Uuid.optional() });

/** How many live customers match now, and up to ten of them (newest first). */
export const SegmentPreview = z.object({
  count: z.number().int(),
  sample: z.array(CustomerView).max(10),
}).meta({ id: 'SegmentPreview' });
export type SegmentPreview = z.infer<typeof SegmentPreview>;

/** Customers to add to a segment by hand (live customers of this workspace). */
export const AddSegmentMembers = z.strictObject({ customerIds: z.array(Uuid).min(1).max(1000) });
export type AddSegmentMembers = z.infer<typeof AddSegmentMembers>;

export const SegmentMemberParams = z.strictObject({ id: Uuid, customerId: Uuid });

/** `listed=true`: only the customers added by hand. */
export const SegmentMembersQuery = PageQuery.extend({ listed: z.enum(['true', 'false']).default('false') });
export type SegmentMembersQuery = z.infer<typeof SegmentMembersQuery>;
