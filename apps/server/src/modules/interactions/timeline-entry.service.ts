import { LoggedTouchpointKind, type EditLoggedTouchpoint, type LogTouchpoint, type TimelineItemView } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { roleAllows, type Actor } from '../../platform/http/access.ts';
import { Problem, notFound } from '../../platform/http/problem.ts';
import { setCustomerActivity } from '../customers/index.ts';
import { recordAudit } from '../workspace/index.ts';
import { activityOf } from './identity.service.ts';
import { deleteEntry, lockEntry, updateEntry, type EntryRow } from './timeline-entry.repo.ts';
import { EDITED_AT_KEY, EDITED_BY_KEY, TEXT_KEY, authorRef, presentTimelineItems, sourceOf } from './timeline-item.presenter.ts';
import { findTouchpoint, lockCustomersById, type CustomerMatch, type TouchpointDataValue } from './touchpoint.repo.ts';
import { NOTE_KIND, recordTouchpoint } from './touchpoint.service.ts';

/**
 * Notes and contacts a team member writes on a customer's timeline by hand. They are ordinary
 * touchpoints recorded under the writer's source (`user:<id>`, or `api_key:<id>` for an
 * integration), their words in `data.note`:
 *
 * - A note is not the customer's activity (lastSeenAt stays), a logged call or visit is.
 * - Both publish `touchpoint.recorded` like any touchpoint. The built-in "follow up after every
 *   interaction" rule only reacts to calls, visits and chats, so a note opens no follow-up.
 * - Its author may change or remove it, and so may anyone with `interactions:moderate`
 *   (managers and up); both are audited on the customer, without the words themselves.
 * - Entries Vafa recorded itself (orders, messages, follow-ups, surveys) are not editable here.
 */
export type EntrySort = 'note' | 'logged';

const LOGGED_KINDS = new Set<string>(LoggedTouchpointKind.options);
const sortOf = (kind: string): EntrySort | null => (kind === NOTE_KIND ? 'note' : LOGGED_KINDS.has(kind) ? 'logged' : null);

/** The customer, locked (their lastSeenAt may move); 404 if not in this workspace, 409 if merged away or erased. */
async function liveCustomer(tx: Executor, tenantId: string, customerId: string, allowErased = false): Promise<CustomerMatch> {
  const [customer] = await lockCustomersById(tx, tenantId, [customerId]);
  if (!customer) throw notFound();
  if (customer.mergedInto) throw new Problem(409, 'customer_merged');
  if (customer.erasedAt && !allowErased) throw new Problem(409, 'customer_erased');
  return customer;
}

async function presentEntry(db: Executor, tenantId: string, id: string): Promise<TimelineItemView> {
  const row = await findTouchpoint(db, tenantId, id);
  if (!row) throw notFound();
  const [item] = await presentTimelineItems(db, tenantId, [row]);
  return item!;
}

export async function addNote(tx: Executor, tenantId: string, actor: Actor, customerId: string, text: string): Promise<TimelineItemView> {
  await liveCustomer(tx, tenantId, customerId);
  const { id } = await recordTouchpoint(tx, tenantId, {
    customer: { id: customerId }, kind: NOTE_KIND, channel: 'other', stage: 'non-sale', occurredAt: new Date(), data: { [TEXT_KEY]: text },
  }, { source: sourceOf(actor) });
  return presentEntry(tx, tenantId, id);
}

export async function logTouchpoint(tx: Executor, tenantId: string, actor: Actor, customerId: string, input: LogTouchpoint): Promise<TimelineItemView> {
  await liveCustomer(tx, tenantId, customerId);
  const { id } = await recordTouchpoint(tx, tenantId, {
    customer: { id: customerId }, kind: input.kind, channel: input.channel, stage: input.stage, occurredAt: input.occurredAt,
    data: input.text === undefined ? {} : { [TEXT_KEY]: input.text },
  }, { source: sourceOf(actor) });
  return presentEntry(tx, tenantId, id);
}

/**
 * The entry this route may change: 404 unless it is this customer's and of the route's sort (a
 * note under /notes, a logged contact under /touchpoints); 409 if Vafa recorded it; 403 unless
 * the actor wrote it or may moderate.
 */
async function changeableEntry(tx: Executor, tenantId: string, actor: Actor, customerId: string, entryId: string, sort: EntrySort): Promise<EntryRow> {
  const entry = await lockEntry(tx, tenantId, customerId, entryId);
  if (!entry || (sort === 'note') !== (entry.kind === NOTE_KIND)) throw notFound();
  if (sortOf(entry.kind) !== sort || !authorRef(entry.source)) throw new Problem(409, 'timeline_entry_not_editable');
  if (entry.source !== sourceOf(actor) && !roleAllows(actor.role, 'interactions:moderate')) throw new Problem(403, 'timeline_entry_not_yours');
  return entry;
}

const AUDIT_PREFIX: Record<EntrySort, string> = { note: 'note', logged: 'touchpoint' };

export async function editEntry(
  tx: Executor, tenantId: string, actor: Actor, customerId: string, entryId: string, sort: EntrySort, patch: EditLoggedTouchpoint, ip: string,
): Promise<TimelineItemView> {
  const customer = await liveCustomer(tx, tenantId, customerId);
  const entry = await changeableEntry(tx, tenantId, actor, customerId, entryId, sort);
  const before = { kind: entry.kind, channel: entry.channel, stage: entry.stage, occurredAt: entry.occurredAt.toISOString(), text: entry.data[TEXT_KEY] ?? null };
  const after = {
    kind: patch.kind ?? before.kind,
    channel: patch.channel ?? before.channel,
    stage: patch.stage ?? before.stage,
    occurredAt: patch.occurredAt === undefined ? before.occurredAt : new Date(patch.occurredAt).toISOString(),
    text: patch.text === undefined ? before.text : patch.text,
  };
  const changed = (Object.keys(after) as (keyof typeof after)[]).filter((field) => after[field] !== before[field]);
  // Saving an unchanged form is not an edit: nothing is marked, nothing audited.
  if (changed.length === 0) return presentEntry(tx, tenantId, entryId);

  const data: Record<string, TouchpointDataValue> = { ...entry.data, [EDITED_AT_KEY]: new Date().toISOString(), [EDITED_BY_KEY]: sourceOf(actor) };
  if (after.text === null) delete data[TEXT_KEY];
  else data[TEXT_KEY] = after.text;
  await updateEntry(tx, tenantId, entryId, { kind: after.kind, channel: after.channel, stage: after.stage, occurredAt: after.occurredAt, data });
  // A contact moved later may be the customer's latest; moving one earlier leaves lastSeenAt where it was.
  const moved = new Date(after.occurredAt);
  if (sort === 'logged' && (!customer.lastSeenAt || moved > customer.lastSeenAt)) {
    await setCustomerActivity(tx, tenantId, [{ ...activityOf(customer), lastSeenAt: moved }]);
  }
  await recordAudit(tx, tenantId, actor, {
    action: `${AUDIT_PREFIX[sort]}.updated`, targetType: 'customer', targetId: customerId, ip,
    details: { touchpointId: entryId, kind: after.kind, fields: changed, author: entry.source },
  });
  return presentEntry(tx, tenantId, entryId);
}

export async function removeEntry(tx: Executor, tenantId: string, actor: Actor, customerId: string, entryId: string, sort: EntrySort, ip: string): Promise<void> {
  // Removing is allowed on an erased customer's timeline: it only takes away.
  await liveCustomer(tx, tenantId, customerId, true);
  const entry = await changeableEntry(tx, tenantId, actor, customerId, entryId, sort);
  await deleteEntry(tx, tenantId, entryId);
  await recordAudit(tx, tenantId, actor, {
    action: `${AUDIT_PREFIX[sort]}.deleted`, targetType: 'customer', targetId: customerId, ip,
    details: { touchpointId: entryId, kind: entry.kind, occurredAt: entry.occurredAt.toISOString(), author: entry.source },
  });
}
