import { z } from 'zod';
import { IsoInstant, Locale, NO_CONTROL_BUT_LINE_BREAKS, NO_CONTROL_CHARACTERS, Uuid } from './common.ts';

export const TouchpointKind = z.enum([
  'visit', 'call', 'message', 'chat', 'social', 'note', 'order.placed', 'order.delivered', 'order.returned',
]);
export type TouchpointKind = z.infer<typeof TouchpointKind>;

export const ORDER_KINDS = ['order.placed', 'order.delivered', 'order.returned'] as const;
export type OrderKind = (typeof ORDER_KINDS)[number];
export const isOrderKind = (kind: string): kind is OrderKind => (ORDER_KINDS as readonly string[]).includes(kind);

/** Where the contact happened (distinct from a customer's preferred contact `Channel`). */
export const TouchpointChannel = z.enum([
  'web', 'store', 'phone', 'app', 'sms', 'email', 'whatsapp', 'instagram', 'telegram', 'live_chat', 'call_center', 'pos', 'other',
]);
export type TouchpointChannel = z.infer<typeof TouchpointChannel>;

export const JourneyStage = z.enum(['pre-sale', 'sale', 'after-sale', 'non-sale']);
export type JourneyStage = z.infer<typeof JourneyStage>;

/** An integrator's own reference: printable, no control characters. */
export const ExternalRef = z.string().trim().min(1).max(200).regex(NO_CONTROL_CHARACTERS, 'no control characters');

const DAY_MS = 24 * 60 * 60 * 1000;
/** Instants before this are typing mistakes, not history. */
const EARLIEST_INSTANT = Date.parse('1970-01-01T00:00:00Z');

/** An instant that has happened (clocks drift, so up to a day ahead is tolerated). */
export const PastInstant = IsoInstant.refine((value) => {
  const at = Date.parse(value);
  return at >= EARLIEST_INSTANT && at <= Date.now() + DAY_MS;
}, 'must be after 1970 and not more than a day in the future');

/** An instant that may be in the future (a delivery promise). */
export const PlausibleInstant = IsoInstant.refine((value) => {
  const at = Date.parse(value);
  return at >= EARLIEST_INSTANT && at <= Date.now() + 5 * 366 * DAY_MS;
}, 'must be after 1970 and within five years');

/** Money and counts travel as JSON numbers, never as strings (no locale digits, no separators). */
const MinorUnits = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
export const CurrencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as IRR')
  .refine((code) => KNOWN_CURRENCIES.has(code), 'not an ISO 4217 currency');

export const OrderItemInput = z.strictObject({
  sku: ExternalRef.optional(),
  name: z.string().trim().min(1).max(300),
  quantity: z.number().int().min(1).max(1_000_000),
  unitPriceMinor: MinorUnits,
});
export type OrderItemInput = z.infer<typeof OrderItemInput>;

export const OrderInput = z.strictObject({
  externalId: ExternalRef,
  amountMinor: MinorUnits,
  /** defaults to the workspace currency */
  currency: CurrencyCode.optional(),
  items: z.array(OrderItemInput).max(200).optional(),
  promisedDeliveryAt: PlausibleInstant.optional(),
  deliveredAt: PastInstant.optional(),
});
export type OrderInput = z.infer<typeof OrderInput>;

/**
 * Who the touchpoint is about. `id` must name an existing customer; otherwise the first of
 * externalId, phone, e-mail that matches finds one, and a new customer is created when none does.
 */
export const CustomerIdentity = z
  .strictObject({
    id: Uuid.optional(),
    externalId: ExternalRef.optional(),
    phone: z.string().trim().min(3).max(40).optional(),
    email: z.string().trim().toLowerCase().max(254).pipe(z.email()).optional(),
    name: z.string().trim().min(1).max(300).optional(),
    language: Locale.optional(),
  })
  .refine((c) => c.id !== undefined || c.externalId !== undefined || c.phone !== undefined || c.email !== undefined, {
    message: 'give at least one of id, externalId, phone, email',
  });
export type CustomerIdentity = z.infer<typeof CustomerIdentity>;

const DataKey = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, _ . - (max 64)');
const DataValue = z.union([z.string().max(2000), z.number().finite(), z.boolean()]);
export const DATA_MAX_BYTES = 8 * 1024;
const utf8 = new TextEncoder();
/** Free-form facts about a touchpoint (page, agent, duration…): flat, typed, small. */
export const TouchpointData = z
  .record(DataKey, DataValue)
  .refine((data) => Object.keys(data).length <= 50, 'at most 50 keys')
  .refine((data) => utf8.encode(JSON.stringify(data)).length <= DATA_MAX_BYTES, `at most ${DATA_MAX_BYTES} bytes`);

export const RecordTouchpoint = z
  .strictObject({
    externalId: ExternalRef.optional(),
    customer: CustomerIdentity,
    kind: TouchpointKind,
    channel: TouchpointChannel,
    stage: JourneyStage,
    occurredAt: PastInstant,
    data: TouchpointData.optional(),
    order: OrderInput.optional(),
  })
  .superRefine((event, ctx) => {
    const orderKind = isOrderKind(event.kind);
    if (orderKind && !event.order) ctx.addIssue({ code: 'custom', path: ['order'], message: 'required for order kinds' });
    if (!orderKind && event.order) ctx.addIssue({ code: 'custom', path: ['order'], message: 'only order kinds carry an order' });
  })
  .meta({ id: 'RecordTouchpoint' });
export type RecordTouchpoint = z.infer<typeof RecordTouchpoint>;

export const MAX_BATCH_EVENTS = 1000;
/**
 * The batch envelope is checked whole (400 if it is malformed or holds more than 1,000
 * entries); each event is then validated and recorded on its own, see BatchResultView.
 */
export const RecordTouchpointBatch = z.strictObject({
  events: z
    .array(z.record(z.string(), z.unknown()).meta({ description: 'a RecordTouchpoint object' }))
    .min(1)
    .max(MAX_BATCH_EVENTS),
});
export type RecordTouchpointBatch = z.infer<typeof RecordTouchpointBatch>;

export const OrderStatus = z.enum(['placed', 'delivered', 'returned']);
export type OrderStatus = z.infer<typeof OrderStatus>;

export const OrderItemView = z.object({
  sku: z.string().nullable(),
  name: z.string(),
  quantity: z.number().int(),
  unitPriceMinor: z.number().int(),
});

export const OrderView = z
  .object({
    id: Uuid,
    customerId: Uuid,
    externalId: z.string(),
    status: OrderStatus,
    amountMinor: z.number().int(),
    currency: z.string(),
    items: z.array(OrderItemView),
    channel: z.string().nullable(),
    placedAt: IsoInstant,
    promisedDeliveryAt: IsoInstant.nullable(),
    deliveredAt: IsoInstant.nullable(),
    returnedAt: IsoInstant.nullable(),
    /** true: delivered by the promise; false: delivered late, or still undelivered after it; null: no promise, or not yet due */
    promiseKept: z.boolean().nullable(),
    createdAt: IsoInstant,
    updatedAt: IsoInstant,
  })
  .meta({ id: 'Order' });
export type OrderView = z.infer<typeof OrderView>;

export const TouchpointView = z
  .object({
    id: Uuid,
    customerId: Uuid,
    /** the built-in kinds above, or `<module>.<event>` from later modules (surveys, complaints, loyalty) */
    kind: z.string(),
    channel: z.string(),
    stage: z.string(),
    occurredAt: IsoInstant,
    externalId: z.string().nullable(),
    source: z.string().nullable(),
    data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    order: OrderView.nullable(),
    createdAt: IsoInstant,
  })
  .meta({ id: 'Touchpoint' });
export type TouchpointView = z.infer<typeof TouchpointView>;

export const BatchEventError = z.object({
  code: z.string(),
  detail: z.string(),
  errors: z.array(z.object({ field: z.string(), code: z.string(), message: z.string() })).optional(),
});

export const BatchEventResult = z.object({
  index: z.number().int(),
  status: z.enum(['created', 'duplicate', 'rejected']),
  /** the touchpoint's id; for a duplicate, the id of the one recorded first */
  id: Uuid.optional(),
  error: BatchEventError.optional(),
});
export type BatchEventResult = z.infer<typeof BatchEventResult>;

export const BatchResultView = z
  .object({
    created: z.number().int(),
    duplicates: z.number().int(),
    rejected: z.number().int(),
    results: z.array(BatchEventResult),
  })
  .meta({ id: 'TouchpointBatchResult' });
export type BatchResultView = z.infer<typeof BatchResultView>;

const KindFilter = z
  .string()
  .max(500)
  .regex(/^[a-z][a-z0-9_.-]{0,63}(,[a-z][a-z0-9_.-]{0,63}){0,19}$/, 'comma-separated kinds')
  .transform((value) => [...new Set(value.split(','))]);

export const TimelineQuery = z.strictObject({
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** e.g. `order.placed,call`; absent means every kind */
  kinds: KindFilter.optional(),
});
export type TimelineQuery = z.infer<typeof TimelineQuery>;

/** Who wrote a timeline entry: a team member, or an integration's API key. */
export const TimelineAuthor = z
  .object({
    type: z.enum(['user', 'api_key']),
    id: Uuid,
    /** today's name of the member or key; null when they have left the workspace or the key is gone */
    name: z.string().nullable(),
  })
  .meta({ id: 'TimelineAuthor' });
export type TimelineAuthor = z.infer<typeof TimelineAuthor>;

/** A touchpoint as the timeline shows it to people: who recorded it, what they wrote, whether it was edited. */
export const TimelineItemView = TouchpointView.extend({
  /** null for what Vafa's own modules recorded (messages, follow-ups, imports) */
  author: TimelineAuthor.nullable(),
  /** `data.text`: a note, or what was said in a logged call or visit */
  text: z.string().nullable(),
  /** set once a person has changed the entry */
  editedAt: IsoInstant.nullable(),
}).meta({ id: 'TimelineItem' });
export type TimelineItemView = z.infer<typeof TimelineItemView>;

export const TimelinePage = z.object({ items: z.array(TimelineItemView), nextCursor: z.string().nullable() }).meta({ id: 'TimelinePage' });
export type TimelinePage = z.infer<typeof TimelinePage>;

export const OrderPage = z.object({ items: z.array(OrderView), nextCursor: z.string().nullable() }).meta({ id: 'OrderPage' });
export type OrderPage = z.infer<typeof OrderPage>;

// Notes and touchpoints a team member writes by hand on the customer page.

export const ENTRY_TEXT_MAX = 4000;
/** A person's text: lines and tabs are kept, other control characters refused. */
export const EntryText = z.string().trim().min(1).max(ENTRY_TEXT_MAX).regex(NO_CONTROL_BUT_LINE_BREAKS, 'no control characters');

/** Contacts a person logs by hand (orders come from the shop; notes have their own routes). */
export const LoggedTouchpointKind = z.enum(['call', 'visit', 'message', 'chat', 'social']);
export type LoggedTouchpointKind = z.infer<typeof LoggedTouchpointKind>;

/** A few minutes ahead are tolerated for clocks that differ; a contact logged for later is a mistake. */
const LOGGED_AHEAD_MS = 15 * 60 * 1000;
/** When a logged contact happened: since 1970 and not in the future. */
export const HappenedAt = IsoInstant.superRefine((value, ctx) => {
  const at = Date.parse(value);
  if (at < EARLIEST_INSTANT || at > Date.now() + LOGGED_AHEAD_MS) {
    ctx.addIssue({ code: 'custom', message: 'happened_in_future', params: { code: at < EARLIEST_INSTANT ? 'out_of_range' : 'happened_in_future' } });
  }
});

export const AddNote = z.strictObject({ text: EntryText }).meta({ id: 'AddNote' });
export type AddNote = z.infer<typeof AddNote>;

export const LogTouchpoint = z
  .strictObject({
    kind: LoggedTouchpointKind,
    channel: TouchpointChannel,
    stage: JourneyStage,
    occurredAt: HappenedAt,
    text: EntryText.optional(),
  })
  .meta({ id: 'LogTouchpoint' });
export type LogTouchpoint = z.infer<typeof LogTouchpoint>;

/** Give only what changes; `text: null` removes what was said. */
export const EditLoggedTouchpoint = z
  .strictObject({
    kind: LoggedTouchpointKind.optional(),
    channel: TouchpointChannel.optional(),
    stage: JourneyStage.optional(),
    occurredAt: HappenedAt.optional(),
    text: EntryText.nullable().optional(),
  })
  .refine((patch) => Object.values(patch).some((v) => v !== undefined), { message: 'nothing_to_change', params: { code: 'nothing_to_change' } })
  .meta({ id: 'EditLoggedTouchpoint' });
export type EditLoggedTouchpoint = z.infer<typeof EditLoggedTouchpoint>;

export const NoteParams = z.strictObject({ id: Uuid, noteId: Uuid });
export const LoggedTouchpointParams = z.strictObject({ id: Uuid, touchpointId: Uuid });
