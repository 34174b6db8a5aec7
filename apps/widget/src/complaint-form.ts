import type { ComplaintWidgetConfigView, ComplaintWidgetReceipt } from '@vafa/contracts';
import { checkComplaint, complaintBody, problemFields, type ComplaintField, type ComplaintValues } from './complaint-logic.ts';
import { readDevice, writeDevice } from './record.ts';
import { css, h, type Styles } from './shared/dom.ts';
import { solveChallenge } from '@vafa/contracts/proof-of-work';

/**
 * The widget's complaint form, an ES module the widget imports when a visitor presses its
 * complaint button (complaint-launcher.ts). In a shadow root, every style set through the CSSOM
 * (shared/dom.ts), so a strict CSP needs no exception for it. A non-modal dialog at the reading
 * start of the page's bottom edge: focus moves into it and back to the button when it closes,
 * Escape closes it, each field has its label and its error tied to it (aria-describedby), and the
 * outcome is announced (role=status / role=alert).
 */

const ACCENT = '#0f62a8';
const TEXT = '#1f2328';
const BORDER = '#8c959f';
const MUTED = '#57606a';
const DANGER = '#b42318';

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

const fieldStyle: Styles = {
  'box-sizing': 'border-box', width: '100%', font: 'inherit', color: TEXT, border: `1px solid ${BORDER}`, 'border-radius': '8px', padding: '8px 10px', background: '#fff', margin: '0',
};

export function openComplaintForm(config: ComplaintWidgetConfigView, context: { origin: string; workspace: string; returnFocus: HTMLElement }): void {
  const { texts, locale } = config;
  const existing = document.querySelector('[data-vafa-complaint]');
  if (existing) existing.remove();

  const host = h('div', { 'data-vafa-complaint': '', dir: config.dir, lang: locale });
  css(host, { all: 'initial', position: 'fixed', 'inset-block-end': '16px', 'inset-inline-start': '16px', 'z-index': '2147483001', width: 'min(400px, calc(100vw - 32px))' });
  const root = host.attachShadow({ mode: 'open' });
  const dialog = h('div', { role: 'dialog', 'aria-modal': 'false', 'aria-labelledby': 'vc-title', tabindex: '-1' }, {
    'box-sizing': 'border-box', position: 'relative', background: '#fff', color: TEXT, border: `1px solid ${BORDER}`, 'border-radius': '14px',
    'box-shadow': '0 10px 30px rgba(31,35,40,.18)', padding: '16px 18px', 'max-height': 'calc(100vh - 32px)', 'overflow-y': 'auto',
    'font-family': 'Vazirmatn, Tahoma, "Segoe UI", system-ui, -apple-system, "Noto Sans Arabic", sans-serif', 'font-size': '15px', 'line-height': '1.6',
    'text-align': 'start', outline: 'none',
  });
  const close = h('button', { type: 'button', 'aria-label': texts.close, title: texts.close }, {
    position: 'absolute', 'inset-block-start': '8px', 'inset-inline-end': '8px', width: '36px', height: '36px', padding: '0', border: 'none', 'border-radius': '8px',
    background: 'transparent', color: TEXT, font: 'inherit', 'font-size': '22px', 'line-height': '1', cursor: 'pointer',
  }, ['×']);
  const title = h('h2', { id: 'vc-title', tabindex: '-1' }, { margin: '0 0 4px', 'font-size': '17px', 'font-weight': '700', 'padding-inline-end': '36px', outline: 'none' }, [texts.title]);
  const body = h('div');
  dialog.append(close, title, body);
  root.append(dialog);

  const dismiss = () => {
    host.remove();
    context.returnFocus.focus();
  };
  close.addEventListener('click', dismiss);
  dialog.addEventListener('keydown', (event) => {
    if ((event as KeyboardEvent).key === 'Escape') {
      event.stopPropagation();
      dismiss();
    }
  });

  // Fields: each a label, the control, and a line for its error.
  const errors = new Map<ComplaintField, HTMLElement>();
  const controls = new Map<ComplaintField, HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>();
  const field = (name: ComplaintField, label: string, control: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, hint?: string) => {
    const id = `vc-${name}`;
    control.id = id;
    const describedBy = [`${id}-error`];
    const wrap = h('div', {}, { margin: '10px 0 0' }, [h('label', { for: id }, { display: 'block', 'font-weight': '600', 'font-size': '14px', margin: '0 0 4px' }, [label])]);
    wrap.append(control);
    if (hint) {
      wrap.append(h('div', { id: `${id}-hint` }, { 'font-size': '13px', color: MUTED, margin: '2px 0 0' }, [hint]));
      describedBy.push(`${id}-hint`);
    }
    const error = h('div', { id: `${id}-error` }, { 'font-size': '13px', color: DANGER, margin: '2px 0 0' });
    wrap.append(error);
    control.setAttribute('aria-describedby', describedBy.join(' '));
    errors.set(name, error);
    controls.set(name, control);
    return wrap;
  };

  const form = h('form', { novalidate: '', 'aria-labelledby': 'vc-title' });
  form.append(h('p', {}, { margin: '0', 'font-size': '14px', color: MUTED }, [texts.intro]));
  if (config.categories.length > 0) {
    const select = h('select', {}, fieldStyle);
    select.append(h('option', { value: '' }, {}, [texts.categoryNone]));
    for (const category of config.categories) select.append(h('option', { value: category }, {}, [category]));
    form.append(field('category', texts.category, select));
  }
  const description = h('textarea', { rows: '4', maxlength: '10000', dir: 'auto', 'aria-required': 'true' }, { ...fieldStyle, resize: 'vertical' });
  form.append(field('description', texts.description, description));
  const phone = h('input', { type: 'tel', inputmode: 'tel', autocomplete: 'tel', maxlength: '40', dir: 'ltr' }, { ...fieldStyle, 'text-align': config.dir === 'rtl' ? 'right' : 'left' });
  form.append(field('phone', texts.phone, phone, texts.contactHint));
  const email = h('input', { type: 'email', autocomplete: 'email', maxlength: '254', dir: 'ltr' }, { ...fieldStyle, 'text-align': config.dir === 'rtl' ? 'right' : 'left' });
  form.append(field('email', texts.email, email));
  const name = h('input', { type: 'text', autocomplete: 'name', maxlength: '300', dir: 'auto' }, fieldStyle);
  form.append(field('name', `${texts.name} ${texts.optional}`, name));
  // The honeypot: out of sight, out of the tab order and of the accessibility tree; people leave it empty.
  const website = h('input', { type: 'text', name: 'website', tabindex: '-1', autocomplete: 'off', 'aria-hidden': 'true' });
  form.append(h('div', { 'aria-hidden': 'true' }, { position: 'absolute', 'inset-inline-start': '-10000px', width: '1px', height: '1px', overflow: 'hidden' }, [website]));
  const general = h('p', { role: 'alert' }, { margin: '8px 0 0', color: DANGER, 'font-size': '14px' });
  const submit = h('button', { type: 'submit' }, {
    font: 'inherit', 'font-weight': '600', color: '#fff', background: ACCENT, border: `1px solid ${ACCENT}`, 'border-radius': '8px', padding: '8px 18px', 'min-height': '40px', cursor: 'pointer',
  }, [texts.submit]);
  form.append(general, h('div', {}, { display: 'flex', 'justify-content': 'flex-end', 'margin-top': '12px' }, [submit]));
  body.append(form);

  const show = (found: Partial<Record<ComplaintField, string>>, message?: string) => {
    for (const [key, line] of errors) {
      line.textContent = found[key] ?? '';
      const control = controls.get(key)!;
      if (found[key]) control.setAttribute('aria-invalid', 'true');
      else control.removeAttribute('aria-invalid');
    }
    general.textContent = message ?? '';
    const first = (['category', 'description', 'phone', 'email', 'name'] as const).find((key) => found[key]);
    if (first) controls.get(first)!.focus();
  };

  const send = async (values: ComplaintValues, proof?: string): Promise<ComplaintWidgetReceipt | { problem: unknown }> => {
    const device = readDevice(storage());
    const res = await fetch(`${context.origin}/api/public/complaint-widget/${context.workspace}`, {
      method: 'POST',
      credentials: 'omit',
      headers: { 'content-type': 'application/json', 'accept-language': locale, ...(device ? { 'x-vafa-device': device } : {}) },
      body: JSON.stringify(complaintBody(values, locale, proof)),
    });
    const answer = (await res.json().catch(() => ({}))) as ComplaintWidgetReceipt & { challenge?: string; bits?: number };
    if (res.ok) {
      writeDevice(storage(), answer.device);
      return answer;
    }
    if (res.status === 429 && answer.challenge && !proof) return send(values, await solveChallenge(answer.challenge, answer.bits ?? 16));
    return { problem: answer };
  };

  let busy = false;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (busy) return;
    const values: ComplaintValues = {
      category: controls.get('category')?.value ?? '', description: description.value, phone: phone.value, email: email.value, name: name.value, website: website.value,
    };
    const found = checkComplaint(values, texts);
    if (Object.keys(found).length > 0) return show(found);
    show({});
    busy = true;
    submit.textContent = texts.sending;
    submit.setAttribute('aria-disabled', 'true');
    send(values)
      .then((outcome) => {
        if ('problem' in outcome) {
          const { fields, general: message } = problemFields(outcome.problem);
          show(fields, message ?? (Object.keys(fields).length === 0 ? texts.error : undefined));
          return;
        }
        thank(outcome);
      }, () => show({}, texts.error))
      .finally(() => {
        busy = false;
        submit.textContent = texts.submit;
        submit.removeAttribute('aria-disabled');
      });
  });

  const thank = (receipt: ComplaintWidgetReceipt) => {
    const code = h('p', { 'data-tracking-code': receipt.trackingCode }, {
      margin: '4px 0 10px', 'font-size': '22px', 'font-weight': '700', 'letter-spacing': '.04em', 'font-variant-numeric': 'tabular-nums', direction: 'ltr', 'text-align': 'center',
      background: '#f3f5f8', 'border-radius': '10px', padding: '8px',
    }, [receipt.trackingCodeDisplay]);
    const link = h('a', { href: receipt.trackingUrl, target: '_blank', rel: 'noopener' }, { color: ACCENT, 'font-weight': '600' }, [texts.track]);
    body.replaceChildren(h('div', { role: 'status' }, {}, [
      h('p', {}, { margin: '8px 0' }, [texts.thanks]),
      h('p', {}, { margin: '0', 'font-size': '14px', color: MUTED }, [texts.codeLabel]),
      code,
    ]), h('p', {}, { margin: '0' }, [link]));
    title.focus();
  };

  document.body.append(host);
  (controls.get('category') ?? description).focus();
}
