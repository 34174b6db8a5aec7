import type { KioskTexts, LocalText, Locale, Question, SurveyDefinition, WidgetQuestion, WidgetTexts } from '@vafa/contracts';

/**
 * The one or two questions a widget or kiosk asks, in the visitor's language. Both draw the
 * survey's leading questions: the first, and the second when it can be drawn there too (the
 * rest of a longer survey belongs on its full page).
 */

const DRAWABLE = new Set<Question['type']>(['nps', 'enps', 'csat', 'ces', 'rating', 'single_choice', 'multiple_choice', 'text']);

/** The visitor's language among the survey's: `fa-IR` → fa; anything else → the survey's default. */
export function visitorLocale(definition: SurveyDefinition, requested: string | undefined): Locale {
  const wanted = requested?.toLowerCase().split(/[-_]/)[0];
  const languages = definition.settings.languages;
  return (languages as string[]).includes(wanted ?? '') ? (wanted as Locale) : definition.settings.defaultLanguage;
}

export const directionOf = (locale: Locale): 'rtl' | 'ltr' => (locale === 'en' ? 'ltr' : 'rtl');

function text(value: LocalText | undefined, locale: Locale, fallback: Locale): string {
  if (!value) return '';
  return value[locale]?.trim() || value[fallback]?.trim() || value.fa?.trim() || value.ar?.trim() || value.en?.trim() || '';
}

/** The questions a widget or kiosk asks: the first if drawable, then the second if drawable. */
export function leadingQuestions(definition: SurveyDefinition): Question[] {
  const [first, second] = definition.questions;
  if (!first || !DRAWABLE.has(first.type)) return [];
  return second && DRAWABLE.has(second.type) ? [first, second] : [first];
}

const ENDS: Record<'nps' | 'ces', Record<Locale, [string, string]>> = {
  nps: {
    fa: ['اصلاً احتمال ندارد', 'به احتمال زیاد'],
    ar: ['غير محتمل إطلاقًا', 'محتمل جدًا'],
    en: ['Not at all likely', 'Extremely likely'],
  },
  ces: {
    fa: ['کاملاً مخالفم', 'کاملاً موافقم'],
    ar: ['لا أوافق بشدة', 'أوافق بشدة'],
    en: ['Strongly disagree', 'Strongly agree'],
  },
};

export function presentQuestion(q: Question, locale: Locale, fallback: Locale): WidgetQuestion {
  const base: WidgetQuestion = {
    id: q.id,
    type: q.type as WidgetQuestion['type'],
    title: text(q.title, locale, fallback),
    required: q.required,
    ...(q.description ? { description: text(q.description, locale, fallback) } : {}),
    ...(q.showIf ? { showIf: q.showIf } : {}),
  };
  switch (q.type) {
    case 'nps':
    case 'enps':
      return { ...base, min: 0, max: 10, style: 'numbers', lowLabel: ENDS.nps[locale][0], highLabel: ENDS.nps[locale][1] };
    case 'ces':
      return { ...base, min: 1, max: 7, style: 'numbers', lowLabel: ENDS.ces[locale][0], highLabel: ENDS.ces[locale][1] };
    case 'csat':
      return { ...base, min: 1, max: q.points, style: q.style, ...(q.labels ? { labels: q.labels.map((l) => text(l, locale, fallback)) } : {}) };
    case 'rating':
      return {
        ...base,
        min: q.min,
        max: q.max,
        style: q.style,
        ...(q.labels ? { labels: q.labels.map((l) => text(l, locale, fallback)) } : {}),
        ...(q.lowLabel ? { lowLabel: text(q.lowLabel, locale, fallback) } : {}),
        ...(q.highLabel ? { highLabel: text(q.highLabel, locale, fallback) } : {}),
      };
    case 'single_choice':
    case 'multiple_choice':
      return {
        ...base,
        options: q.options.map((o) => ({ id: o.id, label: text(o.label, locale, fallback) })),
        allowOther: q.allowOther,
        ...(q.type === 'multiple_choice' && q.maxChoices ? { maxChoices: q.maxChoices } : {}),
      };
    case 'text':
      return { ...base, maxLength: q.maxLength };
    default:
      return base;
  }
}

const WIDGET_TEXTS: Record<Locale, Omit<WidgetTexts, 'thanks'> & { thanks: string }> = {
  fa: {
    dialogLabel: 'نظرسنجی',
    close: 'بستن',
    submit: 'ارسال',
    next: 'بعدی',
    thanks: 'از پاسخ شما سپاسگزاریم!',
    otherPlaceholder: 'پاسخ دیگر',
    pointOf: '{n} از {total}',
    error: 'پاسخ شما ارسال نشد. بعداً دوباره تلاش کنید.',
  },
  ar: {
    dialogLabel: 'استبيان',
    close: 'إغلاق',
    submit: 'إرسال',
    next: 'التالي',
    thanks: 'شكرًا على إجابتك!',
    otherPlaceholder: 'إجابة أخرى',
    pointOf: '{n} من {total}',
    error: 'لم تُرسَل إجابتك. حاول مرة أخرى لاحقًا.',
  },
  en: {
    dialogLabel: 'Survey',
    close: 'Close',
    submit: 'Send',
    next: 'Next',
    thanks: 'Thank you for your answer!',
    otherPlaceholder: 'Something else',
    pointOf: '{n} of {total}',
    error: 'Your answer was not sent. Please try again later.',
  },
};

export function widgetTexts(definition: SurveyDefinition, locale: Locale): WidgetTexts {
  const thanks = text(definition.settings.thankYou, locale, definition.settings.defaultLanguage);
  return { ...WIDGET_TEXTS[locale], thanks: thanks || WIDGET_TEXTS[locale].thanks };
}

const LANGUAGE_NAMES: Record<Locale, string> = { fa: 'فارسی', ar: 'العربية', en: 'English' };

const KIOSK_TEXTS: Record<Locale, Omit<KioskTexts, 'thanks'>> = {
  fa: { next: 'بعدی', submit: 'ثبت', skip: 'رد شدن', pending: 'در انتظار ارسال: {n}', offline: 'بدون اتصال', pointOf: '{n} از {total}', otherPlaceholder: 'پاسخ دیگر', language: 'زبان' },
  ar: { next: 'التالي', submit: 'إرسال', skip: 'تخطٍّ', pending: 'بانتظار الإرسال: {n}', offline: 'لا اتصال', pointOf: '{n} من {total}', otherPlaceholder: 'إجابة أخرى', language: 'اللغة' },
  en: { next: 'Next', submit: 'Send', skip: 'Skip', pending: 'Waiting to be sent: {n}', offline: 'Offline', pointOf: '{n} of {total}', otherPlaceholder: 'Something else', language: 'Language' },
};

export function kioskLanguage(definition: SurveyDefinition, locale: Locale) {
  const fallback = definition.settings.defaultLanguage;
  return {
    locale,
    dir: directionOf(locale),
    name: LANGUAGE_NAMES[locale],
    questions: leadingQuestions(definition).map((q) => presentQuestion(q, locale, fallback)),
    texts: { ...KIOSK_TEXTS[locale], thanks: widgetTexts(definition, locale).thanks },
  };
}
