import type { AnswerValue, KioskAnswer, KioskPageConfig, KioskSyncResult, WidgetQuestion } from '@vafa/contracts';
import { face, h, star } from './shared/dom.ts';
import { fill, isScale, localDigits, MOOD_COLORS, moodOf, scalePoints } from './shared/scale.ts';
import { isShown } from './shared/show-if.ts';
import { AnswerQueue, drainQueue, newClientRef } from './kiosk-queue.ts';

/**
 * The kiosk page (/k/<token>): a tablet on a counter asks each visitor one question (large faces
 * or 0–10) and maybe a second, thanks them and resets. Answers go into a queue on the device
 * first and are sent from there, so a dropped network loses nothing and a resend counts once.
 */

const config = JSON.parse(document.getElementById('vafa-kiosk-config')!.textContent!) as KioskPageConfig;
const queue = new AnswerQueue(window.localStorage, `vafa.kiosk.${config.kioskId}`);
const app = document.getElementById('kiosk')!;
const status = document.getElementById('kiosk-status')!;
let language = config.languages.find((l) => l.locale === config.defaultLocale) ?? config.languages[0]!;
let idleTimer: number | undefined;
let syncing = false;
/** on the first question with nobody answering: the moment the page may reload itself */
let atStart = true;
const loadedAt = Date.now();
/** reads the answer typed into the question on screen (forms only), for the idle reset */
let readTyped: (() => AnswerValue | undefined) | undefined;

function setLanguage(locale: string): void {
  language = config.languages.find((l) => l.locale === locale) ?? language;
  document.documentElement.lang = language.locale;
  document.documentElement.dir = language.dir;
}

function showStatus(): void {
  const waiting = queue.all().length;
  const parts: string[] = [];
  if (!navigator.onLine) parts.push(language.texts.offline);
  if (waiting > 0) parts.push(fill(language.texts.pending, { n: localDigits(waiting, language.locale) }));
  status.textContent = parts.join(' · ');
  status.hidden = parts.length === 0;
}

async function post(batch: KioskAnswer[]): Promise<KioskSyncResult> {
  const res = await fetch(config.syncUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ answers: batch }) });
  if (!res.ok) throw new Error(String(res.status));
  return (await res.json()) as KioskSyncResult;
}

async function sync(): Promise<void> {
  if (syncing || !navigator.onLine) return showStatus();
  syncing = true;
  try {
    await drainQueue(queue, post);
  } finally {
    syncing = false;
    showStatus();
  }
}

function keep(answers: Record<string, AnswerValue>): void {
  queue.add({
    clientRef: newClientRef((bytes) => crypto.getRandomValues(bytes)),
    locale: language.locale,
    answers,
    answeredAt: new Date().toISOString(),
  });
  showStatus();
  void sync();
}

function clearIdle(): void {
  if (idleTimer !== undefined) window.clearTimeout(idleTimer);
  idleTimer = undefined;
}

function languageSwitch(): HTMLElement | string {
  if (config.languages.length < 2) return '';
  const nav = h('nav', { class: 'kiosk-languages', 'aria-label': language.texts.language });
  for (const l of config.languages) {
    const button = h('button', { type: 'button', lang: l.locale, 'aria-pressed': String(l.locale === language.locale) }, {}, [l.name]);
    button.addEventListener('click', () => {
      setLanguage(l.locale);
      start();
    });
    nav.append(button);
  }
  return nav;
}

function start(): void {
  clearIdle();
  readTyped = undefined;
  atStart = true;
  const answers: Record<string, AnswerValue> = {};
  const questions = language.questions;
  const ask = (index: number) => {
    const question = questions.slice(index).find((q) => isShown(q, answers));
    if (!question) return thank(answers);
    const next = questions.indexOf(question) + 1;
    const answer = (value: AnswerValue) => {
      answers[question.id] = value;
      readTyped = undefined;
      atStart = false;
      ask(next);
    };
    const screen = h('section', { class: 'kiosk-question', 'aria-labelledby': 'kiosk-title' }, {}, [
      h('h1', { id: 'kiosk-title' }, {}, [question.title]),
      question.description ? h('p', { class: 'kiosk-description' }, {}, [question.description]) : '',
      isScale(question) ? scale(question, (score) => answer({ score })) : form(question, next >= questions.length, answer),
    ]);
    app.replaceChildren(index === 0 ? languageSwitch() : '', screen);
    app.querySelector<HTMLElement>('h1')?.focus();
    clearIdle();
    // A visitor who walks away after the first answer: keep what they gave (with what they
    // typed, if it is a valid answer), and be ready for the next one.
    const armIdle = () => {
      clearIdle();
      idleTimer = window.setTimeout(() => {
        const typed = readTyped?.();
        if (typed) answers[question.id] = typed;
        thank(answers);
      }, config.idleSeconds * 1000);
    };
    if (index > 0) {
      armIdle();
      screen.addEventListener('input', armIdle);
    }
  };
  ask(0);
}

function thank(answers: Record<string, AnswerValue>): void {
  clearIdle();
  if (Object.keys(answers).length > 0) keep(answers);
  app.replaceChildren(h('section', { class: 'kiosk-thanks', role: 'status' }, {}, [h('p', {}, {}, [language.texts.thanks])]));
  window.setTimeout(start, config.resetSeconds * 1000);
}

function scale(q: WidgetQuestion, pick: (score: number) => void): HTMLElement {
  const points = scalePoints(q);
  const min = points[0]!;
  const max = points[points.length - 1]!;
  const style = q.style === 'faces' || q.style === 'stars' ? q.style : 'numbers';
  const group = h('div', { class: `kiosk-scale kiosk-${style}`, role: 'group', 'aria-labelledby': 'kiosk-title', 'data-points': String(points.length) });
  for (const value of points) {
    const label = q.labels?.[value - min];
    const name = fill(language.texts.pointOf, { n: localDigits(value, language.locale), total: localDigits(max, language.locale) }) + (label ? ` (${label})` : '');
    const button = h('button', { type: 'button', 'aria-label': name, 'data-score': String(value) });
    if (style === 'faces') button.append(face(moodOf(value, min, max), 120, MOOD_COLORS[moodOf(value, min, max)]!));
    else if (style === 'stars') button.append(star(72, true), h('span', {}, {}, [localDigits(value, language.locale)]));
    else button.append(localDigits(value, language.locale));
    button.addEventListener('click', () => pick(value));
    group.append(button);
  }
  const wrap = h('div', { class: 'kiosk-scale-wrap' }, {}, [group]);
  if (q.lowLabel || q.highLabel) {
    wrap.append(h('div', { class: 'kiosk-ends', 'aria-hidden': 'true' }, {}, [h('span', {}, {}, [q.lowLabel ?? '']), h('span', {}, {}, [q.highLabel ?? ''])]));
  }
  return wrap;
}

function form(q: WidgetQuestion, last: boolean, answer: (value: AnswerValue) => void): HTMLElement {
  const element = h('form', { class: 'kiosk-form', 'aria-labelledby': 'kiosk-title' });
  let read: () => AnswerValue | undefined;
  if (q.type === 'text') {
    const input = h('textarea', { rows: '4', 'aria-labelledby': 'kiosk-title', maxlength: String(q.maxLength ?? 2000), dir: 'auto' });
    element.append(input);
    read = () => (input.value.trim() ? { text: input.value.trim() } : undefined);
  } else {
    const multiple = q.type === 'multiple_choice';
    const list = h('div', { class: 'kiosk-options', role: multiple ? 'group' : 'radiogroup', 'aria-labelledby': 'kiosk-title' });
    const inputs: HTMLInputElement[] = [];
    for (const option of q.options ?? []) {
      const input = h('input', { type: multiple ? 'checkbox' : 'radio', name: q.id, value: option.id });
      inputs.push(input);
      list.append(h('label', {}, {}, [input, h('span', {}, {}, [option.label])]));
    }
    element.append(list);
    read = () => {
      const choices = inputs.filter((i) => i.checked).map((i) => i.value);
      return choices.length > 0 ? { choices } : undefined;
    };
  }
  const skip = h('button', { type: 'button', class: 'kiosk-secondary' }, {}, [language.texts.skip]);
  skip.addEventListener('click', () => answer({ skipped: true }));
  const actions = h('div', { class: 'kiosk-actions' }, {}, [h('button', { type: 'submit' }, {}, [last ? language.texts.submit : language.texts.next])]);
  if (!q.required) actions.append(skip);
  element.append(actions);
  readTyped = read;
  element.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = read();
    if (value) answer(value);
    else if (!q.required) answer({ skipped: true });
  });
  return element;
}

setLanguage(language.locale);
// Someone typing into a first question that is a form is not "nobody answering".
app.addEventListener('input', () => {
  atStart = false;
});
window.addEventListener('online', () => void sync());
window.addEventListener('offline', showStatus);
// A network that came back without an `online` event (a captive portal, a flaky router).
window.setInterval(() => void sync(), 30_000);
// A kiosk runs for weeks: between visitors, with nothing queued, it reloads now and then to pick
// up a new version of the survey (or learn it was revoked), only when the server answers.
window.setInterval(() => {
  if (!atStart || !navigator.onLine || queue.all().length > 0 || Date.now() - loadedAt < 30 * 60_000) return;
  fetch(location.href, { cache: 'no-store' }).then((res) => {
    if (res.status < 500 && atStart) location.reload();
  }, () => undefined);
}, 5 * 60_000);
start();
void sync();
