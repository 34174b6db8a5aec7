// What the acknowledgement of a complaint received by e-mail or SMS says, in the complainant's
// language. The tracking code goes in the subject too, so a reply that loses its headers still
// finds its case.
import type { Locale } from '@vafa/contracts';

interface AckWords {
  subject: (code: string) => string;
  body: (code: string) => string;
  sms: (code: string) => string;
}

export const ACK_WORDS: Record<Locale, AckWords> = {
  fa: {
    subject: (code) => `شکایت شما دریافت شد؛ کد پیگیری ${code}`,
    body: (code) =>
      `شکایت شما را دریافت کردیم و به آن رسیدگی می‌کنیم.\n\nکد پیگیری: ${code}\n\nبرای افزودن توضیح یا پیوست، به همین ایمیل پاسخ دهید و کد پیگیری را در موضوع نگه دارید.`,
    sms: (code) => `شکایت شما دریافت شد. کد پیگیری: ${code}. برای افزودن توضیح به همین پیامک پاسخ دهید.`,
  },
  ar: {
    subject: (code) => `استلمنا شكواك؛ رمز المتابعة ${code}`,
    body: (code) =>
      `استلمنا شكواك وسنعمل على معالجتها.\n\nرمز المتابعة: ${code}\n\nلإضافة معلومات أو مرفقات، ردّ على هذه الرسالة مع إبقاء رمز المتابعة في الموضوع.`,
    sms: (code) => `استلمنا شكواك. رمز المتابعة: ${code}. للإضافة ردّ على هذه الرسالة.`,
  },
  en: {
    subject: (code) => `We received your complaint; tracking code ${code}`,
    body: (code) =>
      `We have received your complaint and will look into it.\n\nTracking code: ${code}\n\nTo add information or files, reply to this e-mail and keep the tracking code in the subject.`,
    sms: (code) => `We received your complaint. Tracking code: ${code}. Reply to this SMS to add to it.`,
  },
};

/**
 * The language of a message by its letters: Persian-only letters say fa, other Arabic script
 * says ar, none says the workspace's default.
 */
export function languageOfText(text: string, fallback: Locale): Locale {
  if (/[پچژگکی]/u.test(text)) return 'fa';
  if (/[\u0600-\u06ff]/u.test(text)) return 'ar';
  if (/[a-z]/i.test(text)) return 'en';
  return fallback;
}
