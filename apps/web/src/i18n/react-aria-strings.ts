// React Aria ships strings for Arabic and English but none for Persian, so in Persian its
// screen-reader texts and messages (today's cell, "selected", a date segment's name…) fell back
// to English. React Aria reads strings from a window-level table when one is set; ours answers
// each lookup in the current UI language: Persian from below (English where not translated
// here), Arabic and English from React Aria Components' own bundles (a superset of React Aria's),
// exactly as before.
import * as arModule from 'react-aria-components/i18n/ar-AE';
import * as enModule from 'react-aria-components/i18n/en-US';

type Message = string | ((args: Record<string, string>) => string);
type Bundle = Record<string, Record<string, Message>>;

// The bundles' type declarations describe their default export as a type only; it is an object.
const ar = (arModule as unknown as { default: Bundle }).default;
const en = (enModule as unknown as { default: Bundle }).default;

const fa: Bundle = {
  '@react-aria/calendar': {
    previous: 'قبلی',
    next: 'بعدی',
    selectedDateDescription: (e) => `تاریخ انتخاب‌شده: ${e.date}`,
    selectedRangeDescription: (e) => `بازه‌ی انتخاب‌شده: ${e.dateRange}`,
    todayDate: (e) => `امروز، ${e.date}`,
    todayDateSelected: (e) => `امروز، ${e.date}، انتخاب‌شده`,
    dateSelected: (e) => `${e.date}، انتخاب‌شده`,
    startRangeSelectionPrompt: 'برای آغاز انتخاب بازه کلیک کنید',
    finishRangeSelectionPrompt: 'برای پایان انتخاب بازه کلیک کنید',
    minimumDate: 'نخستین تاریخ مجاز',
    maximumDate: 'واپسین تاریخ مجاز',
    dateRange: (e) => `${e.startDate} تا ${e.endDate}`,
  },
  '@react-aria/datepicker': {
    era: 'دوره',
    year: 'سال',
    month: 'ماه',
    day: 'روز',
    hour: 'ساعت',
    minute: 'دقیقه',
    second: 'ثانیه',
    dayPeriod: 'ق.ظ/ب.ظ',
    calendar: 'تقویم',
    startDate: 'تاریخ آغاز',
    endDate: 'تاریخ پایان',
    weekday: 'روز هفته',
    timeZoneName: 'منطقه‌ی زمانی',
    selectedDateDescription: (e) => `تاریخ انتخاب‌شده: ${e.date}`,
    selectedRangeDescription: (e) => `بازه‌ی انتخاب‌شده: ${e.startDate} تا ${e.endDate}`,
    selectedTimeDescription: (e) => `زمان انتخاب‌شده: ${e.time}`,
  },
  '@react-stately/datepicker': {
    rangeUnderflow: (e) => `تاریخ باید ${e.minValue} یا پس از آن باشد.`,
    rangeOverflow: (e) => `تاریخ باید ${e.maxValue} یا پیش از آن باشد.`,
    rangeReversed: 'تاریخ آغاز باید پیش از تاریخ پایان باشد.',
    unavailableDate: 'تاریخ انتخاب‌شده در دسترس نیست.',
  },
  '@react-aria/spinbutton': { Empty: 'خالی' },
  '@react-aria/overlays': { dismiss: 'بستن' },
  '@react-aria/searchfield': { 'Clear search': 'پاک کردن جست‌وجو' },
  '@react-aria/combobox': {
    buttonLabel: 'نمایش پیشنهادها',
    listboxLabel: 'پیشنهادها',
    selectedAnnouncement: (e) => `${e.optionText}، انتخاب‌شده`,
  },
  '@react-aria/toast': { close: 'بستن', notifications: 'اعلان‌ها' },
  'react-aria-components': {
    selectPlaceholder: 'یکی را برگزینید',
    tableResizer: 'تغییر اندازه',
    dropzoneLabel: 'محل رها کردن',
    colorSwatchPicker: 'نمونه‌رنگ‌ها',
  },
};

const BUNDLES: Record<string, Bundle> = { fa, ar, en };
let language = 'en';

/** Called by the preferences provider whenever the UI language changes. */
export function setReactAriaLanguage(next: string): void {
  language = next;
}

function lookup(pkg: string, key: string): Message | undefined {
  return BUNDLES[language]?.[pkg]?.[key] ?? en[pkg]?.[key];
}

if (typeof window !== 'undefined') {
  // Every package React Aria asks for must be present (it throws otherwise): all of its bundle's.
  const packages = new Set([...Object.keys(en), '@react-aria/link-preview']);
  const table = Object.fromEntries([...packages].map((pkg) => [pkg, new Proxy({}, { get: (_, key) => (typeof key === 'string' ? lookup(pkg, key) : undefined) })]));
  const slots = window as unknown as Record<symbol, unknown>;
  slots[Symbol.for('react-aria.i18n.locale')] = 'und';
  slots[Symbol.for('react-aria.i18n.strings')] = table;
}
