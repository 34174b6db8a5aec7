// React Aria's strings in Persian (it ships none): loaded with the Persian messages. Keys not
// translated here fall back to English.
import type { Bundle } from './react-aria-strings.ts';

export const fa: Bundle = {
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
