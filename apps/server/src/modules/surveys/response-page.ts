import type { AnswerValue, Locale, LocalText, Question, SurveyDefinition } from '@vafa/contracts';
import { scoreRange } from '@vafa/contracts';
import { daysInMonth, fromIsoDate, toIsoDate, type CalendarId } from '../../platform/i18n/calendar.ts';
import { LANGUAGE_NAMES, word, type WordKey } from './response-page.words.ts';

/**
 * The response page, rendered on the server as one small HTML document: no framework, no inline
 * script or style (a strict CSP holds), forms that work without JavaScript. Scales are laid out
 * in DOM order low → high; with dir="rtl" the row runs right to left, so 0 sits on the right in
 * Persian and Arabic and the keyboard still walks 0, 1, 2 … in reading order.
 */

export interface PageAssets {
  css: string;
  js: string;
}

export interface PageFrame {
  locale: Locale;
  /** languages the survey is written in, for the switch */
  languages: Locale[];
  /** the page's address without query (`/s/<token>`), for the switch and the form */
  path: string;
  /** query values kept across the language switch (step, edit) */
  keep?: Record<string, string>;
  assets: PageAssets;
  title: string;
}

const RTL: ReadonlySet<Locale> = new Set(['fa', 'ar']);
const NUMBER_LOCALE: Record<Locale, string> = { fa: 'fa-u-nu-arabext', ar: 'ar-u-nu-arab', en: 'en-u-nu-latn' };
const CALENDAR_OF: Record<Locale, CalendarId> = { fa: 'persian', ar: 'islamic-umalqura', en: 'gregory' };
const CALENDAR_TAG: Record<CalendarId, string> = { persian: 'fa-u-ca-persian-nu-arabext', 'islamic-umalqura': 'ar-u-ca-islamic-umalqura-nu-arab', gregory: 'en-u-ca-gregory' };
const numberFormats = new Map<Locale, Intl.NumberFormat>();

export const calendarFor = (locale: Locale): CalendarId => CALENDAR_OF[locale];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

export function digits(locale: Locale, n: number): string {
  let format = numberFormats.get(locale);
  if (!format) numberFormats.set(locale, (format = new Intl.NumberFormat(NUMBER_LOCALE[locale], { useGrouping: false })));
  return format.format(n);
}

/** The text in the reader's language, else the survey's default, else any; with the language it is in. */
export function pick(text: LocalText | undefined, locale: Locale, fallback: Locale): { text: string; lang: Locale } {
  if (!text) return { text: '', lang: locale };
  for (const lang of [locale, fallback, 'fa', 'ar', 'en'] as Locale[]) {
    const value = text[lang]?.trim();
    if (value) return { text: value, lang };
  }
  return { text: '', lang: locale };
}

/** Author-written text as an element that says its own language when it is not the page's. */
function authored(tag: string, attrs: string, text: LocalText | undefined, frame: { locale: Locale; fallback: Locale }): string {
  const { text: value, lang } = pick(text, frame.locale, frame.fallback);
  if (!value) return '';
  const langAttr = lang === frame.locale ? '' : ` lang="${lang}" dir="${RTL.has(lang) ? 'rtl' : 'ltr'}"`;
  return `<${tag}${attrs}${langAttr}>${escapeHtml(value)}</${tag}>`;
}

function query(values: Record<string, string | undefined>): string {
  const pairs = Object.entries(values).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '');
  return pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`;
}

function languageSwitch(frame: PageFrame): string {
  if (frame.languages.length < 2) return '';
  const links = frame.languages.map((lang) => {
    const current = lang === frame.locale ? ' aria-current="true"' : '';
    return `<a href="${escapeHtml(frame.path + query({ ...frame.keep, lang }))}" hreflang="${lang}" lang="${lang}"${current}>${LANGUAGE_NAMES[lang]}</a>`;
  });
  return `<nav class="langs" aria-label="${word(frame.locale, 'language')}">${links.join('')}</nav>`;
}

function documentOf(frame: PageFrame, body: string): string {
  const dir = RTL.has(frame.locale) ? 'rtl' : 'ltr';
  return `<!doctype html><html lang="${frame.locale}" dir="${dir}"><head><meta charset="utf-8">`
    + '<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><meta name="referrer" content="no-referrer"><link rel="icon" href="data:,">'
    + `<title>${escapeHtml(frame.title)}</title><link rel="stylesheet" href="${frame.assets.css}"><script src="${frame.assets.js}" defer></script></head>`
    + `<body><main class="card">${languageSwitch(frame)}${body}</main><p class="foot">${word(frame.locale, 'poweredBy')}</p></body></html>`;
}

// ---- questions

interface QuestionFrame {
  locale: Locale;
  fallback: Locale;
  answer: AnswerValue | undefined;
  error: string | undefined;
  disabled: boolean;
}

const scoreOf = (a: AnswerValue | undefined) => (a && 'score' in a ? a.score : undefined);
const checked = (yes: boolean) => (yes ? ' checked' : '');

/** One point of a scale: a radio whose label is the point's face (a digit, a star, a face, a word). */
function point(name: string, value: number, face: string, label: string, selected: boolean, required: boolean): string {
  return `<label class="pt"><input type="radio" name="${name}" value="${value}"${checked(selected)}${required ? ' required' : ''}>`
    + `<span class="face" aria-hidden="true">${face}</span><span class="vh">${escapeHtml(label)}</span></label>`;
}

const STAR = '<svg viewBox="0 0 24 24" width="32" height="32"><path d="M12 2.5l2.9 6 6.6.9-4.8 4.6 1.2 6.5L12 17.4 6.1 20.5l1.2-6.5L2.5 9.4l6.6-.9z"/></svg>';

/** A face for level 0 (very unhappy) … 4 (very happy): the mouth bends with the level. */
function faceSvg(level: number): string {
  const curve = [-5, -2.5, 0, 2.5, 5][level]!;
  return `<svg viewBox="0 0 32 32" width="36" height="36"><circle cx="16" cy="16" r="14"/><circle class="eye" cx="11" cy="13" r="1.8"/><circle class="eye" cx="21" cy="13" r="1.8"/>`
    + `<path class="mouth" d="M10 21 Q16 ${21 + curve} 22 21"/></svg>`;
}

function scaleQuestion(q: Question, f: QuestionFrame): string {
  const range = scoreRange(q)!;
  const style = q.type === 'csat' || q.type === 'rating' ? q.style : 'numbers';
  const labels = q.type === 'csat' || q.type === 'rating' ? q.labels : undefined;
  const selected = scoreOf(f.answer);
  const count = range.max - range.min + 1;
  const faceNames = word(f.locale, 'face').split('|');
  const points: string[] = [];
  for (let v = range.min; v <= range.max; v++) {
    const i = v - range.min;
    const level = count === 1 ? 4 : Math.round((i * 4) / (count - 1));
    const verbal = labels?.[i] ? pick(labels[i], f.locale, f.fallback).text : '';
    let face: string;
    let label: string;
    if (style === 'stars') {
      face = STAR;
      label = word(f.locale, 'star', { n: digits(f.locale, v) });
    } else if (style === 'faces') {
      face = faceSvg(level);
      label = verbal || faceNames[level]!;
    } else if (style === 'labels' && verbal) {
      face = escapeHtml(verbal);
      label = verbal;
    } else {
      face = digits(f.locale, v);
      label = verbal || digits(f.locale, v);
    }
    points.push(point(q.id, v, face, label, selected === v, q.required && v === range.min));
  }
  const ends = scaleEnds(q, f);
  const kind = style === 'labels' && labels ? 'labels' : style;
  return `<div class="scale ${kind} n${count}">${points.join('')}</div>${ends}`;
}

function scaleEnds(q: Question, f: QuestionFrame): string {
  let low = '';
  let high = '';
  if (q.type === 'nps' || q.type === 'enps') [low, high] = [word(f.locale, 'npsLow'), word(f.locale, 'npsHigh')];
  else if (q.type === 'ces') [low, high] = [word(f.locale, 'cesLow'), word(f.locale, 'cesHigh')];
  else if (q.type === 'csat' && q.style !== 'labels') [low, high] = [word(f.locale, 'csatLow'), word(f.locale, 'csatHigh')];
  else if (q.type === 'rating' && q.style !== 'labels') {
    low = pick(q.lowLabel, f.locale, f.fallback).text;
    high = pick(q.highLabel, f.locale, f.fallback).text;
  }
  if (!low && !high) return '';
  return `<div class="ends" aria-hidden="true"><span>${escapeHtml(low)}</span><span>${escapeHtml(high)}</span></div>`;
}

function choiceQuestion(q: Extract<Question, { type: 'single_choice' | 'multiple_choice' }>, f: QuestionFrame): string {
  const multiple = q.type === 'multiple_choice';
  const type = multiple ? 'checkbox' : 'radio';
  const answer = f.answer && 'choices' in f.answer ? f.answer : undefined;
  const chosen = new Set(answer?.choices ?? []);
  const options = q.options.map((o) => `<label class="opt"><input type="${type}" name="${q.id}" value="${escapeHtml(o.id)}"${checked(chosen.has(o.id))}${!multiple && q.required ? ' required' : ''}>`
    + `${authored('span', '', o.label, f)}</label>`);
  if (q.allowOther) {
    const other = answer?.other ?? '';
    options.push(`<label class="opt other"><input type="${type}" name="${q.id}" value="__other"${checked(Boolean(other))}><span>${word(f.locale, 'other')}</span></label>`
      + `<input class="other-text" type="text" name="${q.id}__other" maxlength="500" value="${escapeHtml(other)}" placeholder="${word(f.locale, 'otherPlaceholder')}" aria-label="${word(f.locale, 'other')}" dir="auto">`);
  }
  const hint = multiple && q.maxChoices ? `<p class="hint">${word(f.locale, 'chooseUpTo', { n: digits(f.locale, q.maxChoices) })}</p>` : '';
  return `${hint}<div class="opts">${options.join('')}</div>`;
}

function textQuestion(q: Extract<Question, { type: 'text' }>, f: QuestionFrame): string {
  const value = f.answer && 'text' in f.answer ? f.answer.text : '';
  const required = q.required ? ' required' : '';
  const field = q.multiline
    ? `<textarea name="${q.id}" id="f-${q.id}" rows="4" maxlength="${q.maxLength}" dir="auto"${required}>${escapeHtml(value)}</textarea>`
    : `<input type="text" name="${q.id}" id="f-${q.id}" maxlength="${q.maxLength}" value="${escapeHtml(value)}" dir="auto"${required}>`;
  return `${field}<p class="hint">${word(f.locale, 'charactersLeft', { n: digits(f.locale, q.maxLength) })}</p>`;
}

const monthNames = new Map<CalendarId, string[]>();

/** Month names of a calendar in its own language (Farvardin…, Muharram…, January…). */
function monthsOf(calendar: CalendarId): string[] {
  let names = monthNames.get(calendar);
  if (names) return names;
  const format = new Intl.DateTimeFormat(CALENDAR_TAG[calendar], { month: 'long', timeZone: 'UTC' });
  const year = fromIsoDate('2025-06-01', calendar).year;
  names = Array.from({ length: 12 }, (_, i) => {
    const iso = toIsoDate({ calendar, year, month: i + 1, day: 1 });
    return iso ? format.format(new Date(`${iso}T12:00:00Z`)) : String(i + 1);
  });
  monthNames.set(calendar, names);
  return names;
}

function dateQuestion(q: Question, f: QuestionFrame, today: Date): string {
  const calendar = CALENDAR_OF[f.locale];
  const given = f.answer && 'date' in f.answer ? fromIsoDate(f.answer.date, calendar) : undefined;
  const now = fromIsoDate(today.toISOString().slice(0, 10), calendar);
  const select = (part: 'd' | 'm' | 'y', label: WordKey, values: { value: number; text: string }[], selected: number | undefined) =>
    `<label class="datepart"><span>${word(f.locale, label)}</span><select name="${q.id}__${part}"${q.required ? ' required' : ''}><option value=""></option>`
    + values.map((v) => `<option value="${v.value}"${v.value === selected ? ' selected' : ''}>${escapeHtml(v.text)}</option>`).join('') + '</select></label>';
  const days = Array.from({ length: given ? daysInMonth(calendar, given.year, given.month) : 31 }, (_, i) => ({ value: i + 1, text: digits(f.locale, i + 1) }));
  const months = monthsOf(calendar).map((text, i) => ({ value: i + 1, text }));
  const years = Array.from({ length: 106 }, (_, i) => now.year + 5 - i).map((y) => ({ value: y, text: digits(f.locale, y) }));
  return `<div class="date">${select('d', 'day', days, given?.day)}${select('m', 'month', months, given?.month)}${select('y', 'year', years, given?.year)}</div>`
    + `<input type="hidden" name="${q.id}__cal" value="${calendar}">`;
}

function servqualQuestion(q: Question, f: QuestionFrame): string {
  const answer = f.answer && 'perceived' in f.answer ? f.answer : undefined;
  const row = (part: 'desired' | 'adequate' | 'perceived', label: WordKey) => {
    const points = Array.from({ length: 9 }, (_, i) => point(`${q.id}__${part}`, i + 1, digits(f.locale, i + 1), digits(f.locale, i + 1), answer?.[part] === i + 1, q.required && i === 0));
    return `<fieldset class="sq"><legend>${word(f.locale, label)}</legend><div class="scale numbers n9">${points.join('')}</div></fieldset>`;
  };
  return `<p class="hint">${word(f.locale, 'servqualScale')}</p>${row('desired', 'servqualDesired')}${row('adequate', 'servqualAdequate')}${row('perceived', 'servqualPerceived')}`;
}

/** One question: a fieldset (groups) or a labelled field, its error said next to it. */
export function questionHtml(q: Question, f: QuestionFrame, today = new Date()): string {
  const errorId = `e-${q.id}`;
  const error = f.error ? `<p class="error" id="${errorId}" role="alert">${escapeHtml(f.error)}</p>` : '';
  const need = `<span class="need">${word(f.locale, q.required ? 'required' : 'optional')}</span>`;
  const description = authored('p', ' class="desc"', q.description, f);
  let control: string;
  switch (q.type) {
    case 'single_choice':
    case 'multiple_choice':
      control = choiceQuestion(q, f);
      break;
    case 'text':
      control = textQuestion(q, f);
      break;
    case 'date':
      control = dateQuestion(q, f, today);
      break;
    case 'servqual':
      control = servqualQuestion(q, f);
      break;
    default:
      control = scaleQuestion(q, f);
  }
  const invalid = f.error ? ` aria-describedby="${errorId}"` : '';
  if (q.type === 'text') {
    return `<div class="q${f.error ? ' has-error' : ''}"><label class="title" for="f-${q.id}">${authored('span', '', q.title, f)} ${need}</label>${description}${error}${control}</div>`;
  }
  return `<fieldset class="q${f.error ? ' has-error' : ''}"${invalid}${f.disabled ? ' disabled' : ''}><legend class="title">${authored('span', '', q.title, f)} ${need}</legend>${description}${error}${control}</fieldset>`;
}

// ---- pages

export interface StepPage {
  frame: PageFrame;
  fallback: Locale;
  question: Question;
  /** 0-based position among the questions shown, and how many there are */
  index: number;
  total: number;
  answer: AnswerValue | undefined;
  error?: string;
  responseId?: string;
  hidden: Record<string, string>;
  /** a proof-of-work challenge the script must solve before the form is sent */
  challenge?: { value: string; bits: number };
  /** where "Back" goes, if anywhere */
  backHref?: string;
}

export function renderStep(page: StepPage): string {
  const { frame, question } = page;
  const last = page.index === page.total - 1;
  const progress = page.total > 1
    ? `<div class="progress"><span>${word(frame.locale, 'step', { n: digits(frame.locale, page.index + 1), total: digits(frame.locale, page.total) })}</span><progress max="${page.total}" value="${page.index + 1}"></progress></div>`
    : '';
  const hiddenInputs = [
    `<input type="hidden" name="q" value="${question.id}">`,
    `<input type="hidden" name="step" value="${page.index}">`,
    page.responseId ? `<input type="hidden" name="rid" value="${page.responseId}">` : '',
    ...Object.entries(page.hidden).map(([k, v]) => `<input type="hidden" name="h_${escapeHtml(k)}" value="${escapeHtml(v)}">`),
    '<input type="hidden" name="pow" value="">',
  ].join('');
  // People never see or reach this field; form-filling bots do.
  const honeypot = '<div class="hp" aria-hidden="true"><label>Website <input type="text" name="website" tabindex="-1" autocomplete="off"></label></div>';
  const pow = page.challenge ? ` data-pow="${escapeHtml(page.challenge.value)}" data-bits="${page.challenge.bits}"` : '';
  const powNote = page.challenge ? `<p class="checking" hidden>${word(frame.locale, 'checking')}</p><noscript><p class="error">${word(frame.locale, 'needsScript')}</p></noscript>` : '';
  // Next comes first in the DOM (the keyboard reaches it first); CSS puts Back before it in reading order.
  const nav = `<div class="nav"><button type="submit" class="primary">${word(frame.locale, last ? 'send' : 'next')}</button>`
    + (page.backHref ? `<a class="back" href="${escapeHtml(page.backHref)}">${word(frame.locale, 'back')}</a>` : '') + '</div>';
  const action = frame.path + query({ lang: frame.locale });
  const banner = page.error ? `<p class="banner" role="alert">${word(frame.locale, 'fixBelow')}</p>` : '';
  const q = questionHtml(question, { locale: frame.locale, fallback: page.fallback, answer: page.answer, error: page.error, disabled: false });
  return documentOf(frame, `${progress}<form method="post" action="${escapeHtml(action)}" class="step"${pow}>${banner}${q}${hiddenInputs}${honeypot}${powNote}${nav}</form>`);
}

export type MessageKind = 'thanks' | 'closed' | 'expired' | 'answered' | 'notFound' | 'quota' | 'limited';

const MESSAGE_WORDS: Record<MessageKind, [WordKey, WordKey]> = {
  thanks: ['thanksTitle', 'thanksBody'],
  closed: ['closedTitle', 'closedBody'],
  expired: ['expiredTitle', 'expiredBody'],
  answered: ['answeredTitle', 'answeredBody'],
  notFound: ['notFoundTitle', 'notFoundBody'],
  quota: ['quotaTitle', 'closedBody'],
  limited: ['limitedTitle', 'limitedBody'],
};

const MESSAGE_ICON: Partial<Record<MessageKind, string>> = {
  thanks: '<svg viewBox="0 0 48 48" width="56" height="56" aria-hidden="true"><circle cx="24" cy="24" r="22"/><path d="M14 25l7 7 13-15"/></svg>',
  answered: '<svg viewBox="0 0 48 48" width="56" height="56" aria-hidden="true"><circle cx="24" cy="24" r="22"/><path d="M14 25l7 7 13-15"/></svg>',
};

/** A page with a title and a sentence: thanks, closed, expired, already answered, not found. */
export function renderMessage(frame: PageFrame, kind: MessageKind, options: { body?: LocalText; fallback?: Locale; editHref?: string } = {}): string {
  const [title, body] = MESSAGE_WORDS[kind];
  const text = options.body ? authored('p', '', options.body, { locale: frame.locale, fallback: options.fallback ?? frame.locale }) : `<p>${word(frame.locale, body)}</p>`;
  const edit = options.editHref ? `<p><a class="edit" href="${escapeHtml(options.editHref)}">${word(frame.locale, 'editAnswers')}</a></p>` : '';
  return documentOf(frame, `<section class="message ${kind}">${MESSAGE_ICON[kind] ?? ''}<h1>${word(frame.locale, title)}</h1>${text}${edit}</section>`);
}

/** The builder's preview: every question of the draft on one page, nothing sent. */
export function renderPreview(frame: PageFrame, definition: SurveyDefinition): string {
  const fallback = definition.settings.defaultLanguage;
  const questions = definition.questions.map((q, i) =>
    `<div class="pv"><p class="pvn">${digits(frame.locale, i + 1)}</p>${questionHtml(q, { locale: frame.locale, fallback, answer: undefined, error: undefined, disabled: false })}</div>`);
  return documentOf(frame, `<p class="banner info">${word(frame.locale, 'preview')}</p><h1 class="name">${escapeHtml(definition.name)}</h1><form class="step preview">${questions.join('')}</form>`);
}
