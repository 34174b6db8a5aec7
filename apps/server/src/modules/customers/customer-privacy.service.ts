import type { CustomerDataExport } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { publishEvent } from '../../platform/events/outbox.ts';
import type { Actor } from '../../platform/http/access.ts';
import { notFound } from '../../platform/http/problem.ts';
import { recordAudit } from '../workspace/index.ts';
import { forgetContactHistory } from './customer-contact-history.ts';
import { runDataExporters, runEraseHooks } from './customer.hooks.ts';
import { presentCustomer, type CustomerRow } from './customer.present.ts';
import * as repo from './customer.repo.ts';

/**
 * One person's data as a JSON document (right of access / portability): the profile, every
 * consent change, the records merged into it, and each module's contribution. Audited.
 */
export async function exportCustomerData(tx: Executor, tenantId: string, actor: Actor | null, id: string, ip?: string): Promise<CustomerDataExport> {
  const row = await repo.findCustomer(tx, tenantId, id);
  if (!row) throw notFound();
  const history = await repo.consentHistory(tx, tenantId, id);
  const mergedRecords = await repo.mergedRecordsOf(tx, tenantId, id);
  const modules = await runDataExporters(tx, tenantId, id);
  await recordAudit(tx, tenantId, actor, { action: 'customer.exported', targetType: 'customer', targetId: id, ip });
  return {
    exportedAt: new Date().toISOString(),
    customer: presentCustomer(row),
    consentHistory: history.map((h) => ({ channel: h.channel, status: h.status as 'granted' | 'withdrawn', source: h.source, at: h.at.toISOString() })),
    mergedRecords: mergedRecords.map(presentCustomer),
    modules,
  };
}

const ERASED: repo.CustomerPatch = {
  externalId: null,
  name: null,
  phone: null,
  email: null,
  birthday: null,
  birthdayCalendar: null,
  attributes: {},
  tags: [],
  consent: {},
  searchText: '',
};

/**
 * Right to erasure: removes the personal data of this customer and of every record merged into
 * it, keeps the aggregates (order count, spend) and the bare consent history (what and when, not
 * by whom), and lets registered hooks strip free text from other modules' rows. Erasing an erased
 * customer changes nothing and succeeds.
 */
export async function eraseCustomer(tx: Executor, tenantId: string, actor: Actor | null, id: string, ip?: string): Promise<CustomerRow> {
  const row = await repo.findCustomer(tx, tenantId, id, { lock: true });
  if (!row) throw notFound();
  const merged = await repo.mergedRecordsOf(tx, tenantId, id);
  const pending = [row, ...merged].filter((r) => r.erasedAt === null);
  if (pending.length === 0) return row;
  const now = new Date();
  let erased = row;
  for (const record of pending) {
    const updated = await repo.updateCustomerRow(tx, tenantId, record.id, { ...ERASED, erasedAt: now, updatedAt: now });
    if (record.id === id) erased = updated;
    await runEraseHooks(tx, tenantId, record.id, { email: record.email, phone: record.phone });
  }
  // Only now: the hooks found the person's rows by these past addresses (customer-contact-history.ts).
  await forgetContactHistory(tx, tenantId, pending.map((r) => r.id));
  await repo.anonymiseConsentEvents(tx, tenantId, pending.map((r) => r.id));
  await publishEvent(tx, tenantId, 'customer.erased', { customerId: id, records: pending.map((r) => r.id) });
  await recordAudit(tx, tenantId, actor, { action: 'customer.erased', targetType: 'customer', targetId: id, ip, details: { records: pending.length } });
  return erased;
}
