import type { Locale } from '@vafa/contracts';
import type { ComplaintState } from './sla-clock.ts';

export interface CaseStatusWords {
  /** A short label, e.g. beside the tracking code. */
  title: string;
  /** One or two plain sentences saying where the complaint stands and what happens next. */
  detail: string;
}

/**
 * The tracking page's words for each state, in the complainant's language. Internal steps are
 * told as what they mean to the customer: a resolution proposed but not yet sent is "preparing
 * our answer", since it may still be withdrawn.
 */
const WORDS = {
  received: {
    fa: { title: 'دریافت شد', detail: 'شکایت شما به دست ما رسید.' },
    ar: { title: 'تم الاستلام', detail: 'وصلتنا شكواك.' },
    en: { title: 'Received', detail: 'Your complaint has reached us.' },
  },
  acknowledged: {
    fa: { title: 'در نوبت بررسی', detail: 'دریافت شکایت شما را تأیید کرده‌ایم و به‌زودی بررسی آن را آغاز می‌کنیم.' },
    ar: { title: 'بانتظار المراجعة', detail: 'أكّدنا استلام شكواك، وسنبدأ بمراجعتها قريبًا.' },
    en: { title: 'Waiting to be reviewed', detail: 'We have confirmed receiving your complaint and will start looking at it soon.' },
  },
  assessed: {
    fa: { title: 'به واحد مسئول سپرده شد', detail: 'شکایت شما را ارزیابی کرده‌ایم و به واحد مسئول سپرده‌ایم.' },
    ar: { title: 'أُحيلت إلى الفريق المختص', detail: 'قيّمنا شكواك وأحلناها إلى الفريق المسؤول عنها.' },
    en: { title: 'With the team responsible', detail: 'We have assessed your complaint and passed it to the team responsible.' },
  },
  under_investigation: {
    fa: { title: 'در دست بررسی', detail: 'آنچه را که پیش آمده است با دقت بررسی می‌کنیم.' },
    ar: { title: 'قيد التحقيق', detail: 'نتحقق بعناية مما حدث.' },
    en: { title: 'Being investigated', detail: 'We are looking carefully into what happened.' },
  },
  resolution_proposed: {
    fa: { title: 'در حال آماده‌سازی پاسخ', detail: 'پاسخ شکایت شما را آماده می‌کنیم و به‌زودی برایتان می‌فرستیم.' },
    ar: { title: 'جارٍ إعداد الرد', detail: 'نُعِدّ ردّنا على شكواك وسنرسله إليك قريبًا.' },
    en: { title: 'Preparing our answer', detail: 'We are preparing our answer to your complaint and will send it to you soon.' },
  },
  resolution_communicated: {
    fa: { title: 'در انتظار پاسخ شما', detail: 'پاسخ خود را برایتان فرستاده‌ایم. لطفاً بگویید آن را می‌پذیرید یا نه.' },
    ar: { title: 'بانتظار ردّك', detail: 'أرسلنا إليك ردّنا. يُرجى إعلامنا بقبولك له أو رفضك.' },
    en: { title: 'Waiting for your reply', detail: 'We have sent you our answer. Please tell us whether you accept it.' },
  },
  closed: {
    fa: { title: 'بسته شد', detail: 'رسیدگی به شکایت شما به پایان رسید و پرونده بسته شد. از اینکه ما را آگاه کردید سپاسگزاریم.' },
    ar: { title: 'مغلقة', detail: 'انتهينا من معالجة شكواك وأغلقناها. شكرًا لأنك أبلغتنا.' },
    en: { title: 'Closed', detail: 'We have finished handling your complaint and closed it. Thank you for telling us.' },
  },
  reopened: {
    fa: { title: 'دوباره باز شد', detail: 'شکایت شما دوباره باز شد و از نو به آن رسیدگی می‌کنیم.' },
    ar: { title: 'أُعيد فتحها', detail: 'أُعيد فتح شكواك، ونعمل على معالجتها من جديد.' },
    en: { title: 'Reopened', detail: 'Your complaint has been reopened and we are looking into it again.' },
  },
  escalated: {
    fa: { title: 'ارجاع به مسئول بالاتر', detail: 'اکنون یکی از مسئولان ارشد ما به شکایت شما رسیدگی می‌کند.' },
    ar: { title: 'أُحيلت إلى مسؤول أعلى', detail: 'يتولّى الآن أحد كبار المسؤولين لدينا معالجة شكواك.' },
    en: { title: 'With a senior colleague', detail: 'A more senior member of our team is now handling your complaint.' },
  },
  waiting_for_customer: {
    fa: { title: 'در انتظار اطلاعات از شما', detail: 'برای ادامهٔ رسیدگی به اطلاعات بیشتری از شما نیاز داریم. لطفاً آن را در همین صفحه بنویسید.' },
    ar: { title: 'بانتظار معلومات منك', detail: 'نحتاج إلى مزيد من المعلومات منك لمتابعة شكواك. يُرجى إضافتها في هذه الصفحة.' },
    en: { title: 'Waiting for information from you', detail: 'We need more information from you to continue. Please add it on this page.' },
  },
} satisfies Record<ComplaintState, Record<Locale, CaseStatusWords>>;

export function caseStatusWords(state: ComplaintState, locale: Locale): CaseStatusWords {
  return WORDS[state][locale];
}
