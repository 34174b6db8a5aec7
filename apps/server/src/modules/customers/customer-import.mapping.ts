import { CONSENT_CHANNELS, type CustomerImportMapping } from '@vafa/contracts';
import { aliasTable, resolveColumns } from '../../platform/csv/column-mapping.ts';
import type { CalendarId } from '../../platform/i18n/calendar.ts';
import { invalidAttribute, type AttributeDefinitionRow } from './customer-attribute.service.ts';

/**
 * The headers a customers CSV is read by without a mapping, in English, Persian and Arabic.
 * Our own export writes the first name of each field, so an exported file imports as is.
 */
export const CUSTOMER_HEADER_ALIASES: Record<string, readonly string[]> = {
  id: ['vafa id'],
  external_id: [
    'external id', 'externalid', 'customer code', 'customer number', 'کد مشتری', 'شناسه مشتری', 'شناسه خارجی', 'شماره مشتری',
    'رمز العميل', 'كود العميل', 'رقم العميل', 'المعرف الخارجي', 'معرف العميل',
  ],
  name: [
    'full name', 'fullname', 'customer name', 'customer', 'نام', 'نام و نام خانوادگی', 'نام کامل', 'نام مشتری', 'مشتری',
    'الاسم', 'اسم', 'الاسم الكامل', 'اسم العميل', 'العميل',
  ],
  phone: [
    'phone number', 'mobile', 'mobile number', 'mobile phone', 'cell', 'cellphone', 'cell phone', 'tel', 'telephone', 'msisdn',
    'تلفن', 'شماره تلفن', 'موبایل', 'شماره موبایل', 'شماره همراه', 'تلفن همراه', 'همراه',
    'الجوال', 'جوال', 'رقم الجوال', 'الهاتف', 'هاتف', 'رقم الهاتف', 'الموبايل', 'موبايل', 'رقم الموبايل', 'الهاتف المحمول',
  ],
  email: [
    'e-mail', 'email address', 'e-mail address', 'mail', 'ایمیل', 'پست الکترونیک', 'پست الکترونیکی', 'رایانامه', 'نشانی ایمیل',
    'البريد الإلكتروني', 'البريد الالكتروني', 'البريد', 'بريد إلكتروني', 'الايميل', 'الإيميل', 'ايميل',
  ],
  birthday: [
    'birth date', 'birthdate', 'date of birth', 'dob', 'birth day', 'تاریخ تولد', 'تولد', 'روز تولد',
    'تاريخ الميلاد', 'الميلاد', 'يوم الميلاد', 'تاريخ الولادة',
  ],
  birthday_calendar: ['birthday calendar', 'calendar', 'تقویم', 'تقویم تولد', 'نوع تقویم', 'التقويم', 'تقويم الميلاد'],
  language: ['lang', 'locale', 'زبان', 'اللغة', 'لغة'],
  preferred_channel: ['preferred channel', 'contact channel', 'کانال ترجیحی', 'راه ارتباطی', 'القناة المفضلة', 'قناة التواصل'],
  tags: [
    'tag', 'labels', 'label', 'برچسب', 'برچسب‌ها', 'برچسب ها', 'تگ', 'تگ‌ها', 'تگ ها',
    'الوسوم', 'وسوم', 'الوسم', 'العلامات', 'التصنيفات',
  ],
  consent_sms: ['sms consent', 'sms opt-in', 'sms optin', 'رضایت پیامک', 'اجازه پیامک', 'موافقة الرسائل', 'موافقة الرسائل النصية'],
  consent_email: ['email consent', 'email opt-in', 'email optin', 'رضایت ایمیل', 'اجازه ایمیل', 'موافقة البريد', 'موافقة البريد الإلكتروني'],
  consent_whatsapp: ['whatsapp consent', 'رضایت واتساپ', 'موافقة واتساب'],
  consent_phone: ['phone consent', 'call consent', 'رضایت تماس', 'موافقة الاتصال'],
  consent_push: ['push consent', 'رضایت اعلان', 'موافقة الإشعارات'],
  consent_in_app: ['in-app consent', 'رضایت درون‌برنامه‌ای', 'موافقة داخل التطبيق'],
};

const ALIASES = aliasTable(CUSTOMER_HEADER_ALIASES);
/** Without one of these a row could be neither matched to a customer nor told apart. */
const IDENTIFYING = ['id', 'external_id', 'phone', 'email', 'name'] as const;
const ATTRIBUTE_HEADER = /^attribute\.([a-z][a-z0-9_]{0,63})$/i;

export interface CustomerColumns {
  id?: number;
  externalId?: number;
  name?: number;
  phone?: number;
  email?: number;
  birthday?: number;
  /** the calendar every birthday of the file is in, when the mapping says so */
  birthdayCalendarFixed?: CalendarId;
  birthdayCalendar?: number;
  language?: number;
  preferredChannel?: number;
  tags?: number;
  consent: { channel: string; index: number }[];
  attributes: { key: string; index: number; definition: AttributeDefinitionRow }[];
  /** every header → the field it fills, as stored on the import */
  effective: Record<string, string>;
}

/**
 * Binds the header of a customers file to fields. 422 invalid_csv for a mapping the file does
 * not fit; 422 invalid_attribute for an attribute the workspace has not defined.
 */
export function planCustomerColumns(header: readonly string[], mapping: CustomerImportMapping, definitions: Map<string, AttributeDefinitionRow>): CustomerColumns {
  const explicit: Record<string, string> = Object.create(null) as Record<string, string>;
  let birthdayCalendarFixed: CalendarId | undefined;
  for (const [name, field] of Object.entries(mapping)) {
    const [base, calendar] = field.split(':') as [string, CalendarId | undefined];
    explicit[name] = base;
    if (base === 'birthday' && calendar) birthdayCalendarFixed = calendar;
  }
  const { columns, effective } = resolveColumns(header, explicit, ALIASES, {
    requiredAny: IDENTIFYING,
    dynamic: (name) => {
      const match = ATTRIBUTE_HEADER.exec(name.trim());
      return match ? `attribute.${match[1]!.toLowerCase()}` : undefined;
    },
  });
  const attributes: CustomerColumns['attributes'] = [];
  const consent: CustomerColumns['consent'] = [];
  for (const [field, index] of columns) {
    if (field.startsWith('attribute.')) {
      const key = field.slice('attribute.'.length);
      const definition = definitions.get(key);
      if (!definition) throw invalidAttribute(key);
      attributes.push({ key, index, definition });
    } else if (field.startsWith('consent_')) {
      const channel = field.slice('consent_'.length);
      if ((CONSENT_CHANNELS as readonly string[]).includes(channel)) consent.push({ channel, index });
    }
  }
  if (birthdayCalendarFixed) {
    const name = Object.keys(effective).find((h) => effective[h] === 'birthday');
    if (name) effective[name] = `birthday:${birthdayCalendarFixed}`;
  }
  return {
    id: columns.get('id'),
    externalId: columns.get('external_id'),
    name: columns.get('name'),
    phone: columns.get('phone'),
    email: columns.get('email'),
    birthday: columns.get('birthday'),
    birthdayCalendarFixed,
    birthdayCalendar: columns.get('birthday_calendar'),
    language: columns.get('language'),
    preferredChannel: columns.get('preferred_channel'),
    tags: columns.get('tags'),
    consent,
    attributes,
    effective,
  };
}
