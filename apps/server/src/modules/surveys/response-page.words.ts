import type { Locale } from '@vafa/contracts';

/** The response page's own words, in the respondent's language (the questions bring theirs). */
const WORDS = {
  next: { fa: 'بعدی', ar: 'التالي', en: 'Next' },
  back: { fa: 'قبلی', ar: 'السابق', en: 'Back' },
  send: { fa: 'ارسال', ar: 'إرسال', en: 'Send' },
  skip: { fa: 'رد شدن', ar: 'تخطٍّ', en: 'Skip' },
  required: { fa: 'الزامی', ar: 'مطلوب', en: 'Required' },
  optional: { fa: 'اختیاری', ar: 'اختياري', en: 'Optional' },
  step: { fa: 'پرسش {n} از {total}', ar: 'السؤال {n} من {total}', en: 'Question {n} of {total}' },
  language: { fa: 'زبان', ar: 'اللغة', en: 'Language' },
  npsLow: { fa: 'اصلاً', ar: 'مستبعد تمامًا', en: 'Not at all likely' },
  npsHigh: { fa: 'حتماً', ar: 'مرجّح جدًا', en: 'Extremely likely' },
  cesLow: { fa: 'کاملاً مخالفم', ar: 'أعارض بشدة', en: 'Strongly disagree' },
  cesHigh: { fa: 'کاملاً موافقم', ar: 'أوافق بشدة', en: 'Strongly agree' },
  csatLow: { fa: 'بسیار ناراضی', ar: 'غير راضٍ إطلاقًا', en: 'Very dissatisfied' },
  csatHigh: { fa: 'بسیار راضی', ar: 'راضٍ جدًا', en: 'Very satisfied' },
  servqualDesired: { fa: 'سطح دلخواه شما', ar: 'المستوى الذي ترغب فيه', en: 'The level you desire' },
  servqualAdequate: { fa: 'کمترین سطح پذیرفتنی', ar: 'أدنى مستوى مقبول', en: 'The minimum you accept' },
  servqualPerceived: { fa: 'آنچه دریافت کردید', ar: 'ما حصلت عليه', en: 'What you received' },
  servqualScale: { fa: '۱ یعنی پایین و ۹ یعنی بالا', ar: '١ يعني منخفض و٩ يعني مرتفع', en: '1 means low, 9 means high' },
  other: { fa: 'گزینهٔ دیگر', ar: 'خيار آخر', en: 'Other' },
  otherPlaceholder: { fa: 'بنویسید…', ar: 'اكتب…', en: 'Write it here…' },
  chooseUpTo: { fa: 'حداکثر {n} گزینه', ar: '{n} خيارات على الأكثر', en: 'Choose up to {n}' },
  day: { fa: 'روز', ar: 'اليوم', en: 'Day' },
  month: { fa: 'ماه', ar: 'الشهر', en: 'Month' },
  year: { fa: 'سال', ar: 'السنة', en: 'Year' },
  charactersLeft: { fa: 'حداکثر {n} نویسه', ar: '{n} حرفًا على الأكثر', en: 'Up to {n} characters' },
  thanksTitle: { fa: 'سپاس از پاسخ شما', ar: 'شكرًا لإجابتك', en: 'Thank you for your answer' },
  thanksBody: { fa: 'پاسخ شما ثبت شد.', ar: 'تم تسجيل إجابتك.', en: 'Your answer has been recorded.' },
  editAnswers: { fa: 'ویرایش پاسخ‌ها', ar: 'تعديل الإجابات', en: 'Change my answers' },
  closedTitle: { fa: 'این نظرسنجی بسته شده است', ar: 'هذا الاستبيان مغلق', en: 'This survey is closed' },
  closedBody: { fa: 'دیگر پاسخی پذیرفته نمی‌شود. از توجه شما سپاسگزاریم.', ar: 'لم يعد يقبل إجابات. شكرًا لاهتمامك.', en: 'It no longer takes answers. Thank you for your interest.' },
  expiredTitle: { fa: 'مهلت این پیوند گذشته است', ar: 'انتهت صلاحية هذا الرابط', en: 'This link has expired' },
  expiredBody: { fa: 'این پیوند نظرسنجی دیگر معتبر نیست.', ar: 'رابط الاستبيان هذا لم يعد صالحًا.', en: 'This survey link is no longer valid.' },
  answeredTitle: { fa: 'پیش‌تر پاسخ داده‌اید', ar: 'لقد أجبت من قبل', en: 'You have already answered' },
  answeredBody: { fa: 'پاسخ شما به این نظرسنجی پیش‌تر ثبت شده است. سپاس!', ar: 'سبق تسجيل إجابتك عن هذا الاستبيان. شكرًا لك!', en: 'Your answer to this survey was already recorded. Thank you!' },
  notFoundTitle: { fa: 'نظرسنجی پیدا نشد', ar: 'لم يُعثر على الاستبيان', en: 'Survey not found' },
  notFoundBody: { fa: 'پیوند نادرست است یا این نظرسنجی دیگر وجود ندارد.', ar: 'الرابط غير صحيح أو لم يعد هذا الاستبيان موجودًا.', en: 'The link is wrong, or this survey no longer exists.' },
  quotaTitle: { fa: 'ظرفیت این نظرسنجی پر شده است', ar: 'اكتمل عدد الإجابات لهذا الاستبيان', en: 'This survey has all the answers it needs' },
  limitedTitle: { fa: 'کمی صبر کنید', ar: 'انتظر قليلًا', en: 'Please wait a moment' },
  limitedBody: { fa: 'پاسخ‌های زیادی از این دستگاه رسیده است. کمی بعد دوباره امتحان کنید.', ar: 'وصلت إجابات كثيرة من هذا الجهاز. حاول مرة أخرى بعد قليل.', en: 'Many answers came from this device. Please try again a little later.' },
  checking: { fa: 'در حال بررسی مرورگر شما…', ar: 'جارٍ التحقق من متصفحك…', en: 'Checking your browser…' },
  needsScript: { fa: 'برای ارسال این پاسخ، جاوااسکریپت مرورگر را روشن کنید.', ar: 'لإرسال هذه الإجابة، فعّل جافاسكربت في المتصفح.', en: 'To send this answer, please turn on JavaScript in your browser.' },
  fixBelow: { fa: 'لطفاً مورد زیر را درست کنید.', ar: 'يرجى تصحيح ما يلي.', en: 'Please fix the following.' },
  preview: { fa: 'پیش‌نمایش: پاسخ‌ها ذخیره نمی‌شوند.', ar: 'معاينة: لا تُحفظ الإجابات.', en: 'Preview: answers are not saved.' },
  poweredBy: { fa: 'نظرسنجی با وفا', ar: 'استبيان عبر وفا', en: 'Survey by Vafa' },
  star: { fa: '{n} ستاره', ar: '{n} نجوم', en: '{n} stars' },
  face: {
    fa: 'بسیار ناراضی|ناراضی|معمولی|راضی|بسیار راضی',
    ar: 'غير راضٍ إطلاقًا|غير راضٍ|محايد|راضٍ|راضٍ جدًا',
    en: 'Very dissatisfied|Dissatisfied|Neutral|Satisfied|Very satisfied',
  },
} satisfies Record<string, Record<Locale, string>>;

export type WordKey = keyof typeof WORDS;

export const LANGUAGE_NAMES: Record<Locale, string> = { fa: 'فارسی', ar: 'العربية', en: 'English' };

export function word(locale: Locale, key: WordKey, params: Record<string, string> = {}): string {
  return WORDS[key][locale].replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? '');
}
