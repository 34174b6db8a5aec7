import type { OrderImportMapping } from '@vafa/contracts';
import { aliasTable, foldHeader, foldedSet, headerNamed, readImportPlan, resolveColumns } from '../../platform/csv/column-mapping.ts';
import type { CalendarId } from '../../platform/i18n/calendar.ts';

/**
 * The headers an orders CSV is read by without a mapping, in English, Persian and Arabic. Our
 * own export writes the first name of each field. `customer_id` is Vafa's id of the customer;
 * a shop's own customer number belongs in `customer_external_id`.
 */
export const ORDER_HEADER_ALIASES: Record<string, readonly string[]> = {
  external_id: [
    'order id', 'order_id', 'order number', 'order no', 'order', 'شماره سفارش', 'کد سفارش', 'شناسه سفارش', 'سفارش',
    'رقم الطلب', 'معرف الطلب', 'الطلب',
  ],
  customer_id: ['vafa customer id'],
  customer_external_id: ['customer external id', 'customer code', 'customer number', 'کد مشتری', 'شماره مشتری', 'رمز العميل', 'رقم العميل'],
  customer_phone: [
    'phone', 'mobile', 'customer phone', 'customer mobile', 'billing phone', 'billing_phone', 'تلفن', 'موبایل', 'تلفن مشتری', 'موبایل مشتری', 'شماره موبایل',
    'الجوال', 'الهاتف', 'جوال العميل', 'هاتف العميل', 'رقم الجوال',
  ],
  customer_email: ['email', 'e-mail', 'customer email', 'billing email', 'billing_email', 'ایمیل', 'ایمیل مشتری', 'البريد الإلكتروني', 'بريد العميل'],
  customer_name: ['name', 'customer name', 'customer', 'نام', 'نام مشتری', 'مشتری', 'الاسم', 'اسم العميل', 'العميل'],
  amount: ['amount_minor', 'total', 'total amount', 'price', 'مبلغ', 'مبلغ کل', 'جمع', 'جمع کل', 'قیمت', 'المبلغ', 'الإجمالي', 'المجموع', 'السعر'],
  currency: ['currency code', 'واحد پول', 'ارز', 'العملة'],
  status: ['order status', 'وضعیت', 'وضعیت سفارش', 'الحالة', 'حالة الطلب'],
  channel: ['sales channel', 'کانال', 'کانال فروش', 'القناة', 'قناة البيع'],
  items: ['line items', 'اقلام', 'اقلام سفارش', 'الأصناف', 'المنتجات'],
  placed_at: ['placed', 'order date', 'ordered at', 'date', 'created at', 'تاریخ سفارش', 'تاریخ', 'زمان سفارش', 'تاريخ الطلب', 'التاريخ'],
  promised_delivery_at: ['promised delivery', 'promised delivery date', 'delivery promise', 'تاریخ وعده تحویل', 'وعده تحویل', 'موعد التسليم', 'موعد التوصيل'],
  delivered_at: ['delivered', 'delivery date', 'تاریخ تحویل', 'زمان تحویل', 'تاريخ التسليم', 'تاريخ التوصيل'],
  returned_at: ['returned', 'return date', 'تاریخ مرجوعی', 'تاریخ بازگشت', 'تاريخ الإرجاع', 'تاريخ الاسترجاع'],
};

const ALIASES = aliasTable(ORDER_HEADER_ALIASES);
// The buyer's name in parts (WooCommerce: billing_first_name, billing_last_name), joined into customer_name.
const FIRST_NAMES = foldedSet(['first name', 'billing first name', 'billing_first_name', 'نام', 'الاسم الأول']);
const LAST_NAMES = foldedSet(['last name', 'billing last name', 'billing_last_name', 'نام خانوادگی', 'اسم العائلة']);

/** First + last name into customer_name when no column holds the whole name and the mapping names neither. */
function proposeJoins(header: readonly string[], columns: Record<string, string>): Record<string, string[]> {
  const named = new Set(Object.keys(columns));
  if (Object.values(columns).includes('customer_name')) return {};
  const free = header.filter((h) => !named.has(h));
  const last = headerNamed(free, LAST_NAMES);
  const first = headerNamed(free, FIRST_NAMES, last);
  if (!first || !last) return {};
  const whole = free.some((h) => h !== first && ALIASES.get(foldHeader(h)) === 'customer_name');
  return whole ? {} : { customer_name: [first, last] };
}
const CUSTOMER_KEYS = ['customer_id', 'customer_external_id', 'customer_phone', 'customer_email'] as const;
const DATE_FIELDS = ['placed_at', 'promised_delivery_at', 'delivered_at', 'returned_at'] as const;
export type OrderDateField = (typeof DATE_FIELDS)[number];

export interface OrderColumns {
  externalId: number;
  customerId?: number;
  customerExternalId?: number;
  customerPhone?: number;
  customerEmail?: number;
  customerName?: number;
  /** field → the columns joined into it (customer_name, customer_phone) */
  joined: Map<string, number[]>;
  joins: Record<string, string[]>;
  amount: number;
  currency?: number;
  status?: number;
  channel?: number;
  items?: number;
  dates: Partial<Record<OrderDateField, { index: number; calendar?: CalendarId }>>;
  effective: Record<string, string>;
}

/** Binds an orders file's header to fields; 422 invalid_csv when the file lacks what an order needs. */
export function planOrderColumns(header: readonly string[], mapping: OrderImportMapping): OrderColumns {
  const explicit: Record<string, string> = Object.create(null) as Record<string, string>;
  const calendars: Partial<Record<string, CalendarId>> = Object.create(null) as Partial<Record<string, CalendarId>>;
  const plan = readImportPlan(mapping);
  for (const [name, field] of Object.entries(plan.columns)) {
    const [base, calendar] = field.split(':') as [string, CalendarId | undefined];
    explicit[name] = base;
    if (calendar) calendars[base] = calendar;
  }
  const { columns, effective, joined, joins } = resolveColumns(header, explicit, ALIASES, {
    joins: plan.joins ?? proposeJoins(header, plan.columns),
    requiredAll: ['external_id', 'amount', 'placed_at'],
    requiredAny: CUSTOMER_KEYS,
  });
  const dates: OrderColumns['dates'] = {};
  for (const field of DATE_FIELDS) {
    const index = columns.get(field);
    if (index !== undefined) dates[field] = { index, calendar: calendars[field] };
  }
  for (const [name, field] of Object.entries(effective)) {
    if (calendars[field]) effective[name] = `${field}:${calendars[field]}`;
  }
  return {
    externalId: columns.get('external_id')!,
    customerId: columns.get('customer_id'),
    customerExternalId: columns.get('customer_external_id'),
    customerPhone: columns.get('customer_phone'),
    customerEmail: columns.get('customer_email'),
    customerName: columns.get('customer_name'),
    joined,
    joins,
    amount: columns.get('amount')!,
    currency: columns.get('currency'),
    status: columns.get('status'),
    channel: columns.get('channel'),
    items: columns.get('items'),
    dates,
    effective,
  };
}
