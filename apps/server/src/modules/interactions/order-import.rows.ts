import { z } from 'zod';
import { OrderItemInput, TouchpointChannel, type OrderItemInput as OrderItem, type TouchpointChannel as Channel } from '@vafa/contracts';
import { joinPhoneParts, readInstant, readMinorUnits } from '../../platform/csv/cell-values.ts';
import { joinCells } from '../../platform/csv/column-mapping.ts';
import type { ImportedRow } from '../../platform/csv/import-engine.ts';
import type { RowProblem } from '../../platform/csv/import-runs.ts';
import type { CalendarId } from '../../platform/i18n/calendar.ts';
import { foldForSearch } from '../../platform/i18n/fold.ts';
import { parsePhone } from '../../platform/i18n/phone.ts';
import type { OrderColumns, OrderDateField } from './order-import.mapping.ts';

export type OrderStatusName = 'placed' | 'delivered' | 'returned';

/** One order as a CSV row gives it, checked. */
export interface OrderImportRow extends ImportedRow {
  externalId: string;
  customer: { id?: string; externalId?: string; phone?: string; email?: string; name?: string };
  amountMinor: number;
  currency: string | undefined;
  channel: Channel;
  items: OrderItem[] | undefined;
  placedAt: Date;
  promisedDeliveryAt: Date | undefined;
  deliveredAt: Date | undefined;
  returnedAt: Date | undefined;
}

export interface OrderRowContext {
  defaultCountry: string;
  localCalendar: CalendarId;
  timeZone: string;
}

const MAX_REF = 200;
const MAX_NAME = 300;
const DAY_MS = 24 * 60 * 60 * 1000;
// The API's PastInstant and PlausibleInstant bounds.
const EARLIEST = Date.parse('1970-01-01T00:00:00Z');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const PRINTABLE = /^[^\u0000-\u001F\u007F]+$/;
const EMAIL = z.regexes.email;
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
const Items = z.array(OrderItemInput).max(200);

const fold = (text: string) => foldForSearch(text).replace(/[-_]/g, '');
const STATUSES = new Map<string, OrderStatusName>([
  ...(['placed', 'ordered', 'new', 'open', 'ثبت شده', 'ثبت‌شده', 'جدید', 'جديد', 'تم الطلب', 'قيد التنفيذ'] as const).map((n) => [fold(n), 'placed'] as const),
  ...(['delivered', 'completed', 'complete', 'تحویل شده', 'تحویل‌شده', 'تحویل', 'تم التسليم', 'تم التوصيل', 'مكتمل'] as const).map((n) => [fold(n), 'delivered'] as const),
  ...(['returned', 'refunded', 'مرجوع', 'مرجوعی', 'مرجوع شده', 'برگشتی', 'مرتجع', 'تم الإرجاع', 'مسترجع'] as const).map((n) => [fold(n), 'returned'] as const),
]);
const CHANNELS = new Map<string, Channel>(TouchpointChannel.options.map((c) => [fold(c), c]));

/**
 * Builds the judge of one orders row with the API's rules: an external id, a customer the
 * row can be matched or created by, a whole amount in minor units (Persian digits allowed),
 * an ISO currency, instants after 1970 and not in the future (a promise may be), a status
 * that agrees with the times given.
 */
export function orderRowReader(columns: OrderColumns, context: OrderRowContext): (cells: string[], rowNumber: number) => OrderImportRow | RowProblem[] | null {
  const cell = (cells: string[], index: number | undefined): string | undefined => {
    if (index === undefined) return undefined;
    const value = cells[index]?.trim();
    return value ? value : undefined;
  };

  return (cells, rowNumber) => {
    if (cells.every((c) => c.trim().length === 0)) return null;
    const problems: RowProblem[] = [];
    const problem = (field: string, code: string) => problems.push({ field, code });
    const now = Date.now();

    const externalId = cell(cells, columns.externalId);
    if (externalId === undefined) problem('external_id', 'required');
    else if (externalId.length > MAX_REF || !PRINTABLE.test(externalId)) problem('external_id', 'invalid_reference');

    const customer: OrderImportRow['customer'] = {};
    const customerId = cell(cells, columns.customerId);
    if (customerId !== undefined) {
      if (UUID.test(customerId)) customer.id = customerId.toLowerCase();
      else problem('customer_id', 'invalid_id');
    }
    const customerExternalId = cell(cells, columns.customerExternalId);
    if (customerExternalId !== undefined) {
      if (customerExternalId.length <= MAX_REF && PRINTABLE.test(customerExternalId)) customer.externalId = customerExternalId;
      else problem('customer_external_id', 'invalid_reference');
    }
    const phoneParts = columns.joined.get('customer_phone');
    const phone = phoneParts ? (joinPhoneParts(phoneParts.map((i) => cells[i] ?? '')) ?? undefined) : cell(cells, columns.customerPhone);
    if (phone !== undefined) {
      const parsed = phone.length <= 40 ? parsePhone(phone, context.defaultCountry) : null;
      if (parsed) customer.phone = parsed.e164;
      else problem('customer_phone', 'invalid_phone');
    }
    const email = cell(cells, columns.customerEmail)?.toLowerCase();
    if (email !== undefined) {
      if (email.length <= 254 && EMAIL.test(email)) customer.email = email;
      else problem('customer_email', 'invalid_email');
    }
    const nameParts = columns.joined.get('customer_name');
    const name = nameParts ? (joinCells(cells, nameParts, ' ') ?? undefined) : cell(cells, columns.customerName);
    if (name !== undefined) {
      if (name.length <= MAX_NAME) customer.name = name;
      else problem('customer_name', 'too_long');
    }
    if (customer.id === undefined && customer.externalId === undefined && customer.phone === undefined && customer.email === undefined &&
        !problems.some((p) => p.field.startsWith('customer_'))) {
      problem('customer', 'missing_customer');
    }

    const amountText = cell(cells, columns.amount);
    const amountMinor = amountText === undefined ? undefined : readMinorUnits(amountText);
    if (amountText === undefined) problem('amount', 'required');
    else if (amountMinor === undefined) problem('amount', 'invalid_amount');

    const currency = cell(cells, columns.currency)?.toUpperCase();
    if (currency !== undefined && (!/^[A-Z]{3}$/.test(currency) || !CURRENCIES.has(currency))) problem('currency', 'invalid_currency');

    const channelText = cell(cells, columns.channel);
    const channel: Channel | undefined = channelText === undefined ? 'other' : CHANNELS.get(fold(channelText));
    if (channel === undefined) problem('channel', 'invalid_channel');

    let items: OrderItem[] | undefined;
    const itemsText = cell(cells, columns.items);
    if (itemsText !== undefined) {
      try {
        const parsed = Items.safeParse(JSON.parse(itemsText));
        if (parsed.success) items = parsed.data;
        else problem('items', 'invalid_items');
      } catch {
        problem('items', 'invalid_items');
      }
    }

    const instant = (field: OrderDateField, latest: number): Date | undefined => {
      const column = columns.dates[field];
      const text = cell(cells, column?.index);
      if (text === undefined) return undefined;
      const at = readInstant(text, column?.calendar, context.localCalendar, context.timeZone);
      if (!at) problem(field, 'invalid_date');
      else if (at.getTime() < EARLIEST || at.getTime() > latest) problem(field, 'out_of_range');
      else return at;
      return undefined;
    };
    const placedAt = instant('placed_at', now + DAY_MS);
    if (placedAt === undefined && cell(cells, columns.dates.placed_at?.index) === undefined) problem('placed_at', 'required');
    const promisedDeliveryAt = instant('promised_delivery_at', now + 5 * 366 * DAY_MS);
    const deliveredAt = instant('delivered_at', now + DAY_MS);
    const returnedAt = instant('returned_at', now + DAY_MS);

    const statusText = cell(cells, columns.status);
    if (statusText !== undefined) {
      const status = STATUSES.get(fold(statusText));
      if (status === undefined) problem('status', 'invalid_status');
      else if (status === 'delivered' && deliveredAt === undefined && !problems.some((p) => p.field === 'delivered_at')) problem('delivered_at', 'required');
      else if (status === 'returned' && returnedAt === undefined && !problems.some((p) => p.field === 'returned_at')) problem('returned_at', 'required');
      else if (status === 'placed' && (deliveredAt !== undefined || returnedAt !== undefined)) problem('status', 'inconsistent_status');
      else if (status === 'delivered' && returnedAt !== undefined) problem('status', 'inconsistent_status');
    }

    if (problems.length > 0) return problems;
    return {
      rowNumber,
      externalId: externalId!,
      customer,
      amountMinor: amountMinor!,
      currency,
      channel: channel!,
      items,
      placedAt: placedAt!,
      promisedDeliveryAt,
      deliveredAt,
      returnedAt,
    };
  };
}
