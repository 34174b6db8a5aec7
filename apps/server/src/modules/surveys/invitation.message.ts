import { scoreRange, type Locale, type LocalText, type Question, type SurveyDefinition } from '@vafa/contracts';
import { SEALED_LINK_PLACEHOLDER } from '../../platform/messaging/sealed-link.ts';

// The invitation e-mail and SMS, in the customer's language. Pure: no I/O. The personal link is
// the sealed-link placeholder, put back by the channel only when it sends (the outbox keeps the
// message for the delivery log, never the token).

const RTL = new Set<Locale>(['fa', 'ar']);
const DIGITS: Record<Locale, string> = { fa: 'fa-IR-u-nu-arabext', ar: 'ar-SA-u-nu-arab', en: 'en-GB' };
const FSI = '\u2068';
const PDI = '\u2069';
const STRONG_LTR = /[A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF]/;

const TEXT = {
  fa: {
    subject: (ws: string) => `نظرتان را به ${ws} بگویید`,
    reminderSubject: (ws: string) => `یادآوری: نظرتان را به ${ws} بگویید`,
    hello: (name: string | null) => (name ? `${name} عزیز، سلام` : 'سلام'),
    intro: (ws: string) => `${ws} می‌خواهد بداند تجربه‌ی شما چطور بوده است. پاسخ دادن کمتر از یک دقیقه وقت می‌گیرد.`,
    reminderIntro: (ws: string) => `هنوز مشتاق شنیدن نظر شما هستیم. ${ws} منتظر پاسخ کوتاه شماست.`,
    pick: 'برای پاسخ، روی یکی از گزینه‌ها بزنید:',
    open: 'باز کردن پرسش‌نامه',
    openText: 'پرسش‌نامه را اینجا باز کنید:',
    sms: (ws: string) => `${ws}: لطفاً نظرتان را به ما بگویید: `,
    smsReply: (ws: string, question: string, min: string, max: string) => `${ws}: ${question} با یک عدد از ${min} تا ${max} پاسخ دهید یا اینجا: `,
    smsReminder: 'یادآوری - ',
  },
  ar: {
    subject: (ws: string) => `شاركنا رأيك في ${ws}`,
    reminderSubject: (ws: string) => `تذكير: شاركنا رأيك في ${ws}`,
    hello: (name: string | null) => (name ? `مرحبًا ${name}،` : 'مرحبًا،'),
    intro: (ws: string) => `يود ${ws} معرفة رأيك في تجربتك. لن تستغرق الإجابة أكثر من دقيقة.`,
    reminderIntro: (ws: string) => `ما زلنا نتطلع إلى سماع رأيك. ${ws} بانتظار إجابتك القصيرة.`,
    pick: 'للإجابة، اضغط على أحد الخيارات:',
    open: 'افتح الاستبيان',
    openText: 'افتح الاستبيان من هنا:',
    sms: (ws: string) => `${ws}: يسعدنا أن تشاركنا رأيك: `,
    smsReply: (ws: string, question: string, min: string, max: string) => `${ws}: ${question} أجب برقم من ${min} إلى ${max} أو من هنا: `,
    smsReminder: 'تذكير - ',
  },
  en: {
    subject: (ws: string) => `Tell ${ws} what you think`,
    reminderSubject: (ws: string) => `Reminder: tell ${ws} what you think`,
    hello: (name: string | null) => (name ? `Hello ${name},` : 'Hello,'),
    intro: (ws: string) => `${ws} would like to know how your experience was. Answering takes less than a minute.`,
    reminderIntro: (ws: string) => `We would still love to hear from you: ${ws} is waiting for your short answer.`,
    pick: 'To answer, choose one:',
    open: 'Open the survey',
    openText: 'Open the survey here:',
    sms: (ws: string) => `${ws}: please tell us what you think: `,
    smsReply: (ws: string, question: string, min: string, max: string) => `${ws}: ${question} Reply with a number from ${min} to ${max}, or answer here: `,
    smsReminder: 'Reminder - ',
  },
} as const;

/** What the two ends of a scale mean, when the question does not say. */
const END_LABELS: Record<'nps' | 'csat' | 'ces', Record<Locale, [string, string]>> = {
  nps: { fa: ['اصلاً احتمال ندارد', 'کاملاً احتمال دارد'], ar: ['غير مرجح إطلاقًا', 'مرجح جدًا'], en: ['Not at all likely', 'Extremely likely'] },
  csat: { fa: ['خیلی ناراضی', 'خیلی راضی'], ar: ['غير راضٍ إطلاقًا', 'راضٍ جدًا'], en: ['Very dissatisfied', 'Very satisfied'] },
  ces: { fa: ['کاملاً مخالفم', 'کاملاً موافقم'], ar: ['أعارض بشدة', 'أوافق بشدة'], en: ['Strongly disagree', 'Strongly agree'] },
};

const FACES = ['😠', '🙁', '😐', '🙂', '😄'];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

export function localNumber(value: number, locale: Locale): string {
  return new Intl.NumberFormat(DIGITS[locale], { useGrouping: false }).format(value);
}

/** Text in `locale`, else the survey's default language, else any it has. */
export function pickText(text: LocalText | undefined, locale: Locale, fallback: Locale): string {
  if (!text) return '';
  return (text[locale]?.trim() || text[fallback]?.trim() || text.fa?.trim() || text.ar?.trim() || text.en?.trim() || '');
}

/** The language a customer gets the survey in: theirs when the survey has it, else the survey's default. */
export function invitationLocale(survey: SurveyDefinition, customerLanguage: string | null): Locale {
  const languages = survey.settings.languages;
  return customerLanguage && (languages as string[]).includes(customerLanguage) ? (customerLanguage as Locale) : survey.settings.defaultLanguage;
}

/** In a right-to-left message, a Latin name keeps its own direction. */
function isolate(value: string, locale: Locale): string {
  return RTL.has(locale) && STRONG_LTR.test(value) ? `${FSI}${value}${PDI}` : value;
}

/** The first question when it is a scale answered by one click (no condition on earlier answers). */
export function oneClickQuestion(survey: SurveyDefinition): (Question & { type: 'nps' | 'enps' | 'csat' | 'ces' | 'rating' }) | undefined {
  const first = survey.questions[0];
  if (!first || first.showIf || !scoreRange(first)) return undefined;
  return first as Question & { type: 'nps' | 'enps' | 'csat' | 'ces' | 'rating' };
}

interface ScalePoint {
  score: number;
  face: string;
  label: string;
}

function scalePoints(question: NonNullable<ReturnType<typeof oneClickQuestion>>, locale: Locale, fallback: Locale): ScalePoint[] {
  const { min, max } = scoreRange(question)!;
  const style = question.type === 'csat' || question.type === 'rating' ? question.style : 'numbers';
  const labels = question.type === 'csat' || question.type === 'rating' ? question.labels : undefined;
  const points: ScalePoint[] = [];
  for (let score = min; score <= max; score++) {
    const position = max === min ? 0 : (score - min) / (max - min);
    const number = localNumber(score, locale);
    let face = number;
    if (style === 'faces') face = FACES[Math.round(position * (FACES.length - 1))]!;
    else if (style === 'stars') face = `${number}★`;
    else if (style === 'labels' && labels?.[score - min]) face = pickText(labels[score - min], locale, fallback);
    points.push({ score, face, label: number });
  }
  return points;
}

function endLabels(question: NonNullable<ReturnType<typeof oneClickQuestion>>, locale: Locale, fallback: Locale): [string, string] {
  if (question.type === 'rating') return [pickText(question.lowLabel, locale, fallback), pickText(question.highLabel, locale, fallback)];
  const kind = question.type === 'enps' ? 'nps' : question.type;
  return END_LABELS[kind][locale];
}

/**
 * The scale as a table of links `…/s/<token>?score=N` that renders in mail clients (no script,
 * no CSS classes, fixed layout that fits a phone). In Persian and Arabic the table runs right to
 * left, so the lowest score sits on the right as on the survey page.
 */
function scaleTable(question: NonNullable<ReturnType<typeof oneClickQuestion>>, locale: Locale, fallback: Locale): string {
  const dir = RTL.has(locale) ? 'rtl' : 'ltr';
  const points = scalePoints(question, locale, fallback);
  const width = Math.floor(100 / points.length);
  const cells = points.map((p) => `<td width="${width}%" align="center" style="padding:2px">`
    + `<a href="${SEALED_LINK_PLACEHOLDER}?score=${p.score}" title="${escapeHtml(p.label)}" `
    + 'style="display:block;padding:10px 0;border:1px solid #b8c2cf;border-radius:6px;background:#f4f6f9;color:#1b2a3a;'
    + `font:bold 16px/1.2 Tahoma,Arial,sans-serif;text-align:center;text-decoration:none">${escapeHtml(p.face)}</a></td>`).join('');
  const [low, high] = endLabels(question, locale, fallback);
  const [startAlign, endAlign] = dir === 'rtl' ? ['right', 'left'] : ['left', 'right'];
  const captions = low || high
    ? `<table role="presentation" dir="${dir}" width="100%" cellpadding="0" cellspacing="0" style="max-width:520px;font:13px/1.4 Tahoma,Arial,sans-serif;color:#55606e"><tr>`
      + `<td align="${startAlign}" style="padding:4px 2px">${escapeHtml(low)}</td><td align="${endAlign}" style="padding:4px 2px">${escapeHtml(high)}</td></tr></table>`
    : '';
  return `<table role="presentation" dir="${dir}" width="100%" cellpadding="0" cellspacing="0" style="max-width:520px;table-layout:fixed;margin-top:8px"><tr>${cells}</tr></table>${captions}`;
}

export interface InvitationInput {
  locale: Locale;
  workspaceName: string;
  customerName: string | null;
  survey: SurveyDefinition;
  reminder: boolean;
  /** SMS asks for a reply with a digit (the workspace receives replies) */
  smsReplies: boolean;
}

export interface InvitationEmail {
  subject: string;
  text: string;
  html: string;
}

export function invitationEmail(input: InvitationInput): InvitationEmail {
  const { locale, survey } = input;
  const t = TEXT[locale];
  const fallback = survey.settings.defaultLanguage;
  const ws = input.workspaceName.trim();
  const name = input.customerName?.trim() || null;
  const subject = input.reminder ? t.reminderSubject(isolate(ws, locale)) : t.subject(isolate(ws, locale));
  const intro = input.reminder ? t.reminderIntro(isolate(ws, locale)) : t.intro(isolate(ws, locale));
  const hello = t.hello(name ? isolate(name, locale) : null);
  const question = oneClickQuestion(survey);
  const title = question ? pickText(question.title, locale, fallback) : '';
  const dir = RTL.has(locale) ? 'rtl' : 'ltr';
  const paragraph = (text: string) => `<p style="margin:0 0 12px">${escapeHtml(text)}</p>`;
  const button = `<p style="margin:20px 0"><a href="${SEALED_LINK_PLACEHOLDER}" dir="ltr" style="display:inline-block;padding:10px 18px;border-radius:6px;`
    + `background:#1f5fbf;color:#ffffff;font-weight:bold;text-decoration:none">${escapeHtml(t.open)}</a></p>`;
  const body = [
    paragraph(hello),
    paragraph(intro),
    question ? `<p style="margin:16px 0 4px;font-weight:bold">${escapeHtml(title)}</p>${paragraph(t.pick)}${scaleTable(question, locale, fallback)}` : '',
    button,
  ].join('\n');
  const html = `<!doctype html>\n<html lang="${locale}" dir="${dir}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`
    + `<title>${escapeHtml(subject)}</title></head><body lang="${locale}" dir="${dir}" style="margin:0;padding:16px;font:15px/1.6 Tahoma,Arial,sans-serif;color:#1b2a3a">\n`
    + `<div dir="${dir}" style="max-width:560px">\n${body}\n</div></body></html>`;
  const text = [hello, intro, ...(question ? [title] : []), t.openText, SEALED_LINK_PLACEHOLDER].join('\n\n');
  return { subject, text, html };
}

/**
 * The SMS: short, the link last. With replies on and a one-click first question it carries the
 * question and the range to answer with (any digits: ۹, ٩ and 9 all count).
 */
export function invitationSms(input: InvitationInput): string {
  const { locale, survey } = input;
  const t = TEXT[locale];
  const ws = isolate(input.workspaceName.trim(), locale);
  const question = input.smsReplies ? oneClickQuestion(survey) : undefined;
  const lead = input.reminder ? t.smsReminder : '';
  if (question) {
    const { min, max } = scoreRange(question)!;
    const title = pickText(question.title, locale, survey.settings.defaultLanguage);
    return `${lead}${t.smsReply(ws, title, localNumber(min, locale), localNumber(max, locale))}${SEALED_LINK_PLACEHOLDER}`;
  }
  return `${lead}${t.sms(ws)}${SEALED_LINK_PLACEHOLDER}`;
}
