import type { Locale } from '../../platform/i18n/locale.ts';
import { SEALED_LINK_PLACEHOLDER } from '../../platform/messaging/sealed-link.ts';

const TEXT: Record<Locale, { subject: string; lines: (minutes: number) => string[] }> = {
  fa: {
    subject: 'بازنشانی رمز عبور وفا',
    lines: (minutes) => [
      'سلام،',
      'کسی (امیدواریم خودتان) خواسته است رمز عبور حساب وفای شما بازنشانی شود. برای گذاشتن رمز تازه این پیوند را باز کنید:',
      SEALED_LINK_PLACEHOLDER,
      `این پیوند فقط یک بار کار می‌کند و تا ${minutes.toLocaleString('fa-IR')} دقیقه‌ی دیگر معتبر است.`,
      'اگر شما درخواست نکرده‌اید، این ایمیل را نادیده بگیرید؛ رمز عبورتان تغییری نمی‌کند.',
    ],
  },
  ar: {
    subject: 'إعادة تعيين كلمة مرور وفا',
    lines: (minutes) => [
      'مرحبًا،',
      'طلب أحدهم (نأمل أن تكون أنت) إعادة تعيين كلمة مرور حسابك في وفا. افتح هذا الرابط لتعيين كلمة مرور جديدة:',
      SEALED_LINK_PLACEHOLDER,
      `يعمل هذا الرابط مرة واحدة فقط، وهو صالح لمدة ${minutes.toLocaleString('ar-EG')} دقيقة.`,
      'إن لم تطلب ذلك فتجاهل هذه الرسالة؛ لن تتغير كلمة مرورك.',
    ],
  },
  en: {
    subject: 'Reset your Vafa password',
    lines: (minutes) => [
      'Hello,',
      'Someone (we hope you) asked to reset the password of your Vafa account. Open this link to choose a new one:',
      SEALED_LINK_PLACEHOLDER,
      `The link works once and expires in ${minutes} minutes.`,
      'If you did not ask for this, ignore this e-mail; your password stays as it is.',
    ],
  },
};

/** The reset e-mail in the reader's language; the link itself stays sealed until sending. */
export function passwordResetMail(locale: Locale, minutes: number): { subject: string; text: string; html: string } {
  const { subject, lines } = TEXT[locale];
  const paragraphs = lines(minutes);
  const dir = locale === 'en' ? 'ltr' : 'rtl';
  const html = `<div dir="${dir}" lang="${locale}">${paragraphs
    .map((p) => (p === SEALED_LINK_PLACEHOLDER ? `<p><a href="${SEALED_LINK_PLACEHOLDER}" dir="ltr">${SEALED_LINK_PLACEHOLDER}</a></p>` : `<p>${p}</p>`))
    .join('')}</div>`;
  return { subject, text: paragraphs.join('\n\n'), html };
}
