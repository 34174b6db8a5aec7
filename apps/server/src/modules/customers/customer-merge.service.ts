import type { Executor } from '../../platform/db/connect.ts';
import { publishEvent } from '../../platform/events/outbox.ts';
import type { Actor } from '../../platform/http/access.ts';
import { Problem, notFound } from '../../platform/http/problem.ts';
import { recordAudit, workspaceSettings } from '../workspace/index.ts';
import { moveContactHistory } from './customer-contact-history.ts';
import { runMergeHooks } from './customer.hooks.ts';
import type { AttributeValues, ConsentState, CustomerRow } from './customer.present.ts';
import * as repo from './customer.repo.ts';
import { buildSearchText } from './customer.search-text.ts';
import * as segmentRepo from './segment.repo.ts';

function latestConsent(target: ConsentState, source: ConsentState): ConsentState {
  const merged: ConsentState = { ...target };
  for (const [channel, choice] of Object.entries(source)) {
    const kept = merged[channel];
    if (!kept || Date.parse(choice.at) > Date.parse(kept.at)) merged[channel] = choice;
  }
  return merged;
}

const earliest = (a: Date | null, b: Date | null) => (a && b ? (a < b ? a : b) : (a ?? b));
const latest = (a: Date | null, b: Date | null) => (a && b ? (a > b ? a : b) : (a ?? b));

/**
 * Merges `sourceId` into `targetId`: the target keeps its own values and takes the source's where
 * it has none; tags and attributes are united (the target wins on a key); per channel the more
 * recent consent wins and the whole consent history moves. The source stays as a pointer
 * (`merged_into`), which frees its phone, e-mail and external id (the unique indexes skip merged
 * rows). Registered hooks move other modules' history in the same transaction.
 */
export async function mergeCustomers(tx: Executor, tenantId: string, actor: Actor | null, targetId: string, sourceId: string, ip?: string): Promise<CustomerRow> {
  if (targetId === sourceId) {
    throw new Problem(422, 'cannot_merge_self', {}, [{ field: 'sourceId', code: 'cannot_merge_self', message: 'cannot_merge_self' }]);
  }
  const rows = await repo.lockCustomers(tx, tenantId, [targetId, sourceId]);
  const target = rows.find((r) => r.id === targetId);
  const source = rows.find((r) => r.id === sourceId);
  if (!target || !source) throw notFound();
  for (const row of [target, source]) {
    if (row.mergedInto) throw new Problem(409, 'customer_merged', {}, [{ field: row === target ? 'id' : 'sourceId', code: 'customer_merged', message: 'customer_merged' }]);
    if (row.erasedAt) throw new Problem(409, 'customer_erased', {}, [{ field: row === target ? 'id' : 'sourceId', code: 'customer_erased', message: 'customer_erased' }]);
  }
  const now = new Date();

  // The source must leave the unique indexes before the target takes over its phone or e-mail.
  await repo.updateCustomerRow(tx, tenantId, source.id, {
    mergedInto: target.id,
    orderCount: 0,
    totalSpentMinor: 0,
    firstOrderAt: null,
    lastOrderAt: null,
    consent: {},
    updatedAt: now,
  });
  await repo.moveConsentEvents(tx, tenantId, source.id, target.id);
  // The source's addresses, kept by the trigger as it was merged away, and its own past ones, are now the survivor's past.
  await moveContactHistory(tx, tenantId, source.id, target.id);
  await segmentRepo.moveListedMemberships(tx, tenantId, source.id, target.id);

  const name = target.name ?? source.name;
  const phone = target.phone ?? source.phone;
  const email = target.email ?? source.email;
  const takesBirthday = target.birthday === null && source.birthday !== null;
  const { defaultCountry } = await workspaceSettings(tx, tenantId);
  const merged = await repo.updateCustomerRow(tx, tenantId, target.id, {
    externalId: target.externalId ?? source.externalId,
    name,
    phone,
    email,
    birthday: takesBirthday ? source.birthday : target.birthday,
    birthdayCalendar: takesBirthday ? source.birthdayCalendar : target.birthdayCalendar,
    language: target.language ?? source.language,
    preferredChannel: target.preferredChannel ?? source.preferredChannel,
    tags: [...new Set([...target.tags, ...source.tags])],
    attributes: { ...(source.attributes as AttributeValues), ...(target.attributes as AttributeValues) },
    consent: latestConsent(target.consent as ConsentState, source.consent as ConsentState),
    // Until a history-owning module recomputes them in its hook, the sums are the best figures.
    orderCount: target.orderCount + source.orderCount,
    totalSpentMinor: target.totalSpentMinor + source.totalSpentMinor,
    firstOrderAt: earliest(target.firstOrderAt, source.firstOrderAt),
    lastOrderAt: latest(target.lastOrderAt, source.lastOrderAt),
    lastSeenAt: latest(target.lastSeenAt, source.lastSeenAt),
    searchText: buildSearchText({ name, email, phone }, defaultCountry),
    updatedAt: now,
  });

  await runMergeHooks(tx, tenantId, source.id, target.id);
  await publishEvent(tx, tenantId, 'customer.merged', { sourceId: source.id, targetId: target.id });
  await recordAudit(tx, tenantId, actor, { action: 'customer.merged', targetType: 'customer', targetId: target.id, ip, details: { sourceId: source.id } });
  // Hooks may have recomputed the aggregates; read back what was committed.
  return (await repo.findCustomer(tx, tenantId, target.id)) ?? merged;
}
