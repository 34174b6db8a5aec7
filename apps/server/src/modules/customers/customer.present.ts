import type { CustomerView } from '@vafa/contracts';
import { fromIsoDate, type CalendarId } from '../../platform/i18n/calendar.ts';
import type { customers } from './customer.schema.ts';

export type CustomerRow = typeof customers.$inferSelect;

/** Current consent per channel; its history lives in consent_events. */
export type ConsentState = Record<string, { granted: boolean; at: string; source: string }>;
export type AttributeValues = Record<string, string | number | boolean>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A customer as the API shows it: the birthday in the calendar the customer gave it in. */
export function presentCustomer(row: CustomerRow): CustomerView {
  const calendar = (row.birthdayCalendar ?? 'gregory') as CalendarId;
  return {
    id: row.id,
    externalId: row.externalId,
    name: row.name,
    phone: row.phone,
    email: row.email,
    birthday: row.birthday ? { ...fromIsoDate(row.birthday, calendar), iso: row.birthday } : null,
    language: row.language as CustomerView['language'],
    preferredChannel: row.preferredChannel as CustomerView['preferredChannel'],
    timeZone: row.timeZone,
    consent: row.consent as CustomerView['consent'],
    tags: row.tags,
    attributes: row.attributes as AttributeValues,
    orderCount: row.orderCount,
    totalSpentMinor: row.totalSpentMinor,
    firstOrderAt: iso(row.firstOrderAt),
    lastOrderAt: iso(row.lastOrderAt),
    lastSeenAt: iso(row.lastSeenAt),
    mergedInto: row.mergedInto,
    erasedAt: iso(row.erasedAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
