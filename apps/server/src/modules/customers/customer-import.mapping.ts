import { CONSENT_CHANNELS, type CustomerImportMapping, type ImportMappingProposal, type ImportPlatform } from '@vafa/contracts';
import {
  aliasTable, detectLayout, foldHeader as foldHeaderOf, foldedSet, headerNamed, readImportPlan, resolveColumns, type ExportLayout,
} from '../../platform/csv/column-mapping.ts';
import type { CalendarId } from '../../platform/i18n/calendar.ts';
import { invalidAttribute, type AttributeDefinitionRow } from './customer-attribute.service.ts';

/**
 * The headers a customers CSV is read by without a mapping, in English, Persian and Arabic, and
 * as the exports of common shops (Shopify, WooCommerce, Salla, Zid, Persian stores) write them.
 * Our own export writes the first name of each field, so an exported file imports as is.
 */
export const CUSTOMER_HEADER_ALIASES: Record<string, readonly string[]> = {
  id: ['vafa id'],
  external_id: [
    'external id', 'externalid', 'customer code', 'customer number', 'customer id', 'customer_id', 'user id', 'کد مشتری', 'شناسه مشتری', 'شناسه خارجی', 'شماره مشتری',
    'رمز العميل', 'كود العميل', 'رقم العميل', 'المعرف الخارجي', 'معرف العميل',
  ],
  name: [
    'full name', 'fullname', 'customer name', 'customer', 'نام', 'نام و نام خانوادگی', 'نام کامل', 'نام مشتری', 'مشتری',
    'الاسم', 'اسم', 'الاسم الكامل', 'اسم العميل', 'العميل',
  ],
  phone: [
    'phone number', 'mobile', 'mobile number', 'mobile phone', 'cell', 'cellphone', 'cell phone', 'tel', 'telephone', 'msisdn',
    'billing_phone', 'billing phone', 'phone_number', 'mobile_number',
    'تلفن', 'شماره تلفن', 'موبایل', 'شماره موبایل', 'شماره همراه', 'تلفن همراه', 'همراه', 'شماره تماس',
    'الجوال', 'جوال', 'رقم الجوال', 'الهاتف', 'هاتف', 'رقم الهاتف', 'الموبايل', 'موبايل', 'رقم الموبايل', 'الهاتف المحمول',
  ],
  email: [
    'e-mail', 'email address', 'e-mail address', 'mail', 'user_email', 'billing_email', 'billing email', 'ایمیل', 'پست الکترونیک', 'پست الکترونیکی', 'رایانامه', 'نشانی ایمیل',
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
    'tag', 'labels', 'label', 'customer tags', 'برچسب', 'برچسب‌ها', 'برچسب ها', 'تگ', 'تگ‌ها', 'تگ ها',
    'الوسوم', 'وسوم', 'الوسم', 'العلامات', 'التصنيفات',
  ],
  consent_sms: [
    'sms consent', 'sms opt-in', 'sms optin', 'accepts sms marketing', 'sms marketing', 'رضایت پیامک', 'اجازه پیامک', 'پیامک تبلیغاتی',
    'موافقة الرسائل', 'موافقة الرسائل النصية', 'يقبل الرسائل التسويقية',
  ],
  consent_email: [
    'email consent', 'email opt-in', 'email optin', 'accepts email marketing', 'accepts marketing', 'email marketing', 'newsletter',
    'رضایت ایمیل', 'اجازه ایمیل', 'عضویت در خبرنامه', 'خبرنامه', 'موافقة البريد', 'موافقة البريد الإلكتروني', 'النشرة البريدية', 'يقبل التسويق',
  ],
  consent_whatsapp: ['whatsapp consent', 'رضایت واتساپ', 'موافقة واتساب'],
  consent_phone: ['phone consent', 'call consent', 'رضایت تماس', 'موافقة الاتصال'],
  consent_push: ['push consent', 'رضایت اعلان', 'موافقة الإشعارات'],
  consent_in_app: ['in-app consent', 'رضایت درون‌برنامه‌ای', 'موافقة داخل التطبيق'],
};

const ALIASES = aliasTable(CUSTOMER_HEADER_ALIASES);

/** Name parts a shop exports apart; joined into `name` (first, then last) when the file has no full-name column. */
const FIRST_NAMES = foldedSet([
  'first name', 'firstname', 'given name', 'forename', 'نام', 'نام کوچک', 'الاسم الأول', 'الإسم الأول', 'اسم الأول', 'الاسم الاول',
]);
const LAST_NAMES = foldedSet([
  'last name', 'lastname', 'surname', 'family name', 'نام خانوادگی', 'فامیلی', 'نام فامیل', 'اسم العائلة', 'الاسم الأخير', 'اسم الأسرة', 'الكنية', 'العائلة',
]);
/**
 * A dialling-code column beside the number (some Gulf exports split them); joined before the
 * phone. Plain "Country Code" is left out: Shopify fills it with letters (CA, IR).
 */
const DIAL_CODES = foldedSet(['dial code', 'calling code', 'phone country code', 'مفتاح الدولة', 'رمز الدولة', 'كود الدولة', 'مفتاح الجوال', 'پیش شماره کشور']);

/** Shop exports told apart by their headers, for the wizard to say what it recognised. */
const LAYOUTS: readonly ExportLayout<ImportPlatform>[] = [
  { platform: 'shopify', signature: ['first name', 'last name', ['accepts email marketing', 'accepts marketing'], 'total spent', 'total orders'] },
  { platform: 'woocommerce', signature: ['first_name', 'last_name', ['billing_phone', 'billing_email', 'user_login']] },
  { platform: 'salla', signature: [['الاسم الأول', 'الاسم الاول'], 'اسم العائلة', ['الجوال', 'رقم الجوال']] },
  { platform: 'zid', signature: ['اسم العميل', ['رقم الجوال', 'الجوال'], 'عدد الطلبات'] },
  { platform: 'persian_store', signature: ['نام', 'نام خانوادگی', ['موبایل', 'شماره موبایل', 'تلفن همراه', 'شماره همراه', 'شماره تماس']] },
];

/**
 * The joins the importer proposes for a file: first + last name into `name` when no column
 * holds a full name, and a dialling code before the phone. A header the mapping names is
 * never joined behind its back.
 */
function proposeJoins(header: readonly string[], columns: Record<string, string>): Record<string, string[]> {
  const named = new Set(Object.keys(columns));
  const mapped = new Set(Object.values(columns));
  const free = header.filter((h) => !named.has(h));
  const joins: Record<string, string[]> = {};
  if (!mapped.has('name')) {
    const last = headerNamed(free, LAST_NAMES);
    const first = headerNamed(free, FIRST_NAMES, last);
    const fullName = free.find((h) => h !== first && h !== last && ALIASES.get(foldHeaderOf(h)) === 'name');
    // "نام" beside "نام خانوادگی" is a first name; alone it is a whole name, read as such without a join.
    const firstIsWhole = first !== undefined && last === undefined && ALIASES.get(foldHeaderOf(first)) === 'name';
    const parts = [first, last].filter((h): h is string => h !== undefined);
    if (!fullName && !firstIsWhole && parts.length > 0) joins.name = parts;
  }
  const dial = headerNamed(free, DIAL_CODES);
  if (dial && !mapped.has('phone')) {
    const phone = free.find((h) => ALIASES.get(foldHeaderOf(h)) === 'phone');
    if (phone) joins.phone = [dial, phone];
  }
  return joins;
}
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
  /** field → the columns joined into it (name, phone) */
  joined: Map<string, number[]>;
  consent: { channel: string; index: number }[];
  attributes: { key: string; index: number; definition: AttributeDefinitionRow }[];
  /** every header → the field it fills, as stored on the import */
  effective: Record<string, string>;
  joins: Record<string, string[]>;
  platform: ImportPlatform | null;
  runAutomations: boolean;
}

/**
 * Binds the header of a customers file to fields. 422 invalid_csv for a mapping the file does
 * not fit; 422 invalid_attribute for an attribute the workspace has not defined.
 */
export function planCustomerColumns(header: readonly string[], mapping: CustomerImportMapping, definitions: Map<string, AttributeDefinitionRow>): CustomerColumns {
  const plan = readImportPlan(mapping);
  const explicit: Record<string, string> = Object.create(null) as Record<string, string>;
  let birthdayCalendarFixed: CalendarId | undefined;
  for (const [name, field] of Object.entries(plan.columns)) {
    const [base, calendar] = field.split(':') as [string, CalendarId | undefined];
    explicit[name] = base;
    if (base === 'birthday' && calendar) birthdayCalendarFixed = calendar;
  }
  const { columns, effective, joined, joins } = resolveColumns(header, explicit, ALIASES, {
    requiredAny: IDENTIFYING,
    joins: plan.joins ?? proposeJoins(header, plan.columns),
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
    joined,
    consent,
    attributes,
    effective,
    joins,
    platform: detectLayout(header, LAYOUTS),
    runAutomations: plan.runAutomations,
  };
}

/**
 * What the importer would do with a file's header and no mapping: the shop export it looks
 * like, each header's field and the joins. Never refuses: the wizard shows it for the user to
 * correct, and the upload checks the result. Attribute headers the workspace has not defined
 * are left out.
 */
export function proposeCustomerMapping(header: readonly string[], definitions: Map<string, AttributeDefinitionRow>): ImportMappingProposal {
  const { effective, joins } = resolveColumns(header, {}, ALIASES, {
    requiredAny: [],
    joins: proposeJoins(header, {}),
    dynamic: (name) => {
      const match = ATTRIBUTE_HEADER.exec(name.trim());
      const key = match?.[1]?.toLowerCase();
      return key === undefined ? undefined : definitions.has(key) ? `attribute.${key}` : 'ignore';
    },
  });
  return { platform: detectLayout(header, LAYOUTS), columns: { ...effective }, joins };
}
