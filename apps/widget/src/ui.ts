import type { AnswerValue, WidgetConfigView, WidgetQuestion } from '@vafa/contracts';
import { css, face, h, star, type Styles } from './shared/dom.ts';
import { fill, isScale, localDigits, MOOD_COLORS, moodOf, scalePoints } from './shared/scale.ts';
import { isShown } from './shared/show-if.ts';

/**
 * The widget's dialog, in a shadow root so the host page's CSS neither reaches in nor is
 * touched. Every style is set through the CSSOM (see shared/dom.ts), so a strict CSP with no
 * 'unsafe-inline' and no allowance for our origin in style-src still shows it as designed.
 * A card at the reading end of the page's bottom edge (left in fa/ar); focus moves into it when
 * it opens and back where it was when it closes; Escape closes it.
 */

const ACCENT = '#0f62a8';
const TEXT = '#1f2328';
const BORDER = '#c9d1d9';
const SOFT = '#f3f5f8';

export interface Dialog {
  close(): void;
}

export interface DialogHandlers {
  /** the visitor finished (all shown questions answered); resolves when saved, rejects on failure */
  submit(answers: Record<string, AnswerValue>): Promise<void>;
  /** closed without finishing; `answers` holds what was given so far */
  dismiss(answers: Record<string, AnswerValue>): void;
}

function hoverable(button: HTMLElement, normal: Styles, hover: Styles): void {
  button.addEventListener('mouseenter', () => css(button, hover));
  button.addEventListener('mouseleave', () => css(button, normal));
}

const buttonBase: Styles = {
  font: 'inherit',
  color: TEXT,
  cursor: 'pointer',
  'border-radius': '8px',
  border: `1px solid ${BORDER}`,
  background: SOFT,
  'min-height': '36px',
  margin: '0',
};

function primaryButton(label: string): HTMLButtonElement {
  const normal = { background: ACCENT };
  const button = h('button', { type: 'submit' }, { ...buttonBase, ...normal, color: '#fff', 'border-color': ACCENT, padding: '8px 18px', 'font-weight': '600' }, [label]);
  hoverable(button, normal, { background: '#0b4d86' });
  return button;
}

export function openDialog(config: WidgetConfigView, handlers: DialogHandlers): Dialog {
  const { texts, locale } = config;
  const answers: Record<string, AnswerValue> = {};
  const previousFocus = document.activeElement as HTMLElement | null;
  let done = false;

  const host = h('div', { 'data-vafa-widget': '', dir: config.dir, lang: locale });
  css(host, {
    all: 'initial',
    position: 'fixed',
    'inset-block-end': '16px',
    'inset-inline-end': '16px',
    'z-index': '2147483000',
    width: 'min(380px, calc(100vw - 32px))',
  });
  const root = host.attachShadow({ mode: 'open' });
  const titleId = 'vafa-title';
  const dialog = h('div', { role: 'dialog', 'aria-modal': 'false', 'aria-labelledby': titleId, 'aria-label': texts.dialogLabel, tabindex: '-1' }, {
    'box-sizing': 'border-box',
    position: 'relative',
    background: '#fff',
    color: TEXT,
    border: `1px solid ${BORDER}`,
    'border-radius': '14px',
    'box-shadow': '0 10px 30px rgba(31,35,40,.18)',
    padding: '18px 18px 16px',
    'font-family': 'Vazirmatn, Tahoma, "Segoe UI", system-ui, -apple-system, "Noto Sans Arabic", sans-serif',
    'font-size': '15px',
    'line-height': '1.6',
    'text-align': 'start',
    outline: 'none',
  });
  const closeButton = h('button', { type: 'button', 'aria-label': texts.close, title: texts.close }, {
    ...buttonBase,
    position: 'absolute',
    'inset-block-start': '8px',
    'inset-inline-end': '8px',
    width: '32px',
    height: '32px',
    'min-height': '32px',
    padding: '0',
    border: 'none',
    background: 'transparent',
    'font-size': '22px',
    'line-height': '1',
  }, ['×']);
  hoverable(closeButton, { background: 'transparent' }, { background: SOFT });
  const body = h('div');
  dialog.append(closeButton, body);
  root.append(dialog);

  const close = () => {
    if (!host.isConnected) return;
    host.remove();
    // Back to where the visitor was, unless they have moved on meanwhile.
    if (previousFocus && (document.activeElement === host || document.activeElement === document.body)) previousFocus.focus?.();
  };
  const dismiss = () => {
    if (!done) handlers.dismiss(answers);
    done = true;
    close();
  };
  closeButton.addEventListener('click', dismiss);
  dialog.addEventListener('keydown', (event) => {
    if ((event as KeyboardEvent).key === 'Escape') {
      event.stopPropagation();
      dismiss();
    }
  });

  const visible = () => config.questions.filter((q) => isShown(q, answers));

  const finish = () => {
    done = true;
    body.replaceChildren(h('p', { role: 'status' }, { margin: '6px 0 4px', 'font-weight': '600', 'padding-inline-end': '28px' }, [texts.thanks]));
    dialog.focus();
    handlers.submit(answers).then(
      () => setTimeout(close, 4000),
      () => body.replaceChildren(h('p', { role: 'alert' }, { margin: '6px 0 4px', color: '#b42318', 'padding-inline-end': '28px' }, [texts.error])),
    );
  };

  const show = (index: number) => {
    const questions = visible();
    const question = questions[index];
    if (!question) return finish();
    const last = config.questions.indexOf(question) === config.questions.length - 1;
    const advance = (answer: AnswerValue) => {
      answers[question.id] = answer;
      show(index + 1);
    };
    body.replaceChildren(renderQuestion(question, titleId, locale, texts, last ? texts.submit : texts.next, advance));
    // The first control takes focus, so keyboard and screen-reader users land on the question.
    const first = body.querySelector<HTMLElement>('button, input, textarea');
    if (index > 0 && first) first.focus();
  };

  show(0);
  document.body.append(host);
  dialog.focus();
  return { close };
}

function renderQuestion(
  q: WidgetQuestion,
  titleId: string,
  locale: string,
  texts: WidgetConfigView['texts'],
  submitLabel: string,
  answer: (value: AnswerValue) => void,
): HTMLElement {
  const box = h('div');
  box.append(h('h2', { id: titleId }, { margin: '0 0 12px', 'font-size': '16px', 'font-weight': '700', 'line-height': '1.5', 'padding-inline-end': '28px' }, [q.title]));
  if (q.description) box.append(h('p', {}, { margin: '-6px 0 12px', 'font-size': '13px', color: '#57606a' }, [q.description]));
  if (isScale(q)) box.append(renderScale(q, titleId, locale, texts.pointOf, (score) => answer({ score })));
  else box.append(renderForm(q, titleId, texts, submitLabel, answer));
  return box;
}

function renderScale(q: WidgetQuestion, titleId: string, locale: string, pointOf: string, pick: (score: number) => void): HTMLElement {
  const points = scalePoints(q);
  const min = points[0]!;
  const max = points[points.length - 1]!;
  const style = q.style ?? 'numbers';
  const wrap = h('div');
  const vertical = style === 'labels' && !!q.labels?.length;
  // Flex rows follow the dialog's direction: the lowest point sits at the reading start (right in fa/ar).
  const row = h('div', { role: 'group', 'aria-labelledby': titleId }, { display: 'flex', 'flex-direction': vertical ? 'column' : 'row', gap: vertical ? '6px' : '4px' });
  for (const value of points) {
    const label = q.labels?.[value - min];
    const name = fill(pointOf, { n: localDigits(value, locale), total: localDigits(max, locale) }) + (label ? ` (${label})` : '');
    const normal: Styles = { background: style === 'faces' || style === 'stars' ? 'transparent' : SOFT };
    const button = h('button', { type: 'button', 'aria-label': name, 'data-score': String(value) }, {
      ...buttonBase,
      ...normal,
      flex: vertical ? '0 0 auto' : '1 1 0',
      'min-width': '0',
      padding: vertical ? '6px 12px' : '0',
      height: style === 'faces' ? '48px' : vertical ? 'auto' : '38px',
      'text-align': vertical ? 'start' : 'center',
      'font-variant-numeric': 'tabular-nums',
      ...(style === 'faces' || style === 'stars' ? { border: 'none' } : {}),
    });
    if (style === 'faces') button.append(face(moodOf(value, min, max), 40, MOOD_COLORS[moodOf(value, min, max)]!));
    else if (style === 'stars') button.append(star(30, true));
    else button.append(label && vertical ? label : localDigits(value, locale));
    hoverable(button, normal, { background: '#dbe7f3' });
    button.addEventListener('click', () => pick(value));
    row.append(button);
  }
  wrap.append(row);
  if (q.lowLabel || q.highLabel) {
    wrap.append(h('div', { 'aria-hidden': 'true' }, { display: 'flex', 'justify-content': 'space-between', gap: '12px', 'margin-top': '6px', 'font-size': '12px', color: '#57606a' }, [
      h('span', {}, {}, [q.lowLabel ?? '']),
      h('span', {}, { 'text-align': 'end' }, [q.highLabel ?? '']),
    ]));
  }
  return wrap;
}

function renderForm(q: WidgetQuestion, titleId: string, texts: WidgetConfigView['texts'], submitLabel: string, answer: (value: AnswerValue) => void): HTMLElement {
  const form = h('form', { 'aria-labelledby': titleId });
  const field: Styles = { 'box-sizing': 'border-box', width: '100%', font: 'inherit', color: TEXT, border: `1px solid ${BORDER}`, 'border-radius': '8px', padding: '8px 10px', background: '#fff' };
  let read: () => AnswerValue | undefined;
  if (q.type === 'text') {
    const input = h('textarea', { rows: '3', 'aria-labelledby': titleId, maxlength: String(q.maxLength ?? 2000), dir: 'auto' }, { ...field, resize: 'vertical' });
    form.append(input);
    read = () => (input.value.trim() ? { text: input.value.trim() } : q.required ? undefined : { skipped: true });
  } else {
    const multiple = q.type === 'multiple_choice';
    const list = h('div', { role: multiple ? 'group' : 'radiogroup', 'aria-labelledby': titleId }, { display: 'flex', 'flex-direction': 'column', gap: '6px' });
    const inputs: HTMLInputElement[] = [];
    for (const option of q.options ?? []) {
      const input = h('input', { type: multiple ? 'checkbox' : 'radio', name: q.id, value: option.id }, { margin: '0', width: '18px', height: '18px', 'accent-color': ACCENT });
      inputs.push(input);
      list.append(h('label', {}, { display: 'flex', gap: '10px', 'align-items': 'center', cursor: 'pointer', padding: '6px 10px', border: `1px solid ${BORDER}`, 'border-radius': '8px' }, [input, option.label]));
    }
    form.append(list);
    let other: HTMLInputElement | undefined;
    if (q.allowOther) {
      other = h('input', { type: 'text', 'aria-label': texts.otherPlaceholder, placeholder: texts.otherPlaceholder, maxlength: '500', dir: 'auto' }, { ...field, 'margin-top': '6px' });
      form.append(other);
    }
    read = () => {
      const choices = inputs.filter((i) => i.checked).map((i) => i.value);
      const text = other?.value.trim();
      if (choices.length === 0 && !text) return q.required ? undefined : { skipped: true };
      return text ? { choices, other: text } : { choices };
    };
  }
  const actions = h('div', {}, { display: 'flex', 'justify-content': 'flex-end', 'margin-top': '12px' }, [primaryButton(submitLabel)]);
  form.append(actions);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = read();
    if (value) answer(value);
  });
  return form;
}
