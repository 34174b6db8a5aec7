import type { ComplaintWidgetConfigView } from '@vafa/contracts';
import { css, h } from './shared/dom.ts';

/**
 * The complaint entry the widget puts on a page whose script tag has data-complaints="<workspace
 * slug>": a small button at the reading start of the bottom edge (right in fa/ar; the survey card
 * sits at the other end). The form itself is a separate module on the Vafa server, imported only
 * when a visitor presses the button, so pages pay for it only then.
 */

declare const __VAFA_COMPLAINT_FORM__: string;

export interface ComplaintForm {
  openComplaintForm(config: ComplaintWidgetConfigView, context: { origin: string; workspace: string; returnFocus: HTMLElement }): void;
}

export function startComplaints(origin: string, workspace: string, lang: string): void {
  if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(workspace)) return;
  fetch(`${origin}/api/public/complaint-widget/${workspace}?${new URLSearchParams({ lang })}`, { credentials: 'omit' })
    .then((res) => (res.ok ? (res.json() as Promise<ComplaintWidgetConfigView>) : undefined))
    .then((config) => {
      if (!config) return;
      const host = h('div', { 'data-vafa-complaint-launcher': '', dir: config.dir, lang: config.locale });
      css(host, { all: 'initial', position: 'fixed', 'inset-block-end': '16px', 'inset-inline-start': '16px', 'z-index': '2147482999' });
      const button = h('button', { type: 'button', 'aria-haspopup': 'dialog' }, {
        font: '600 14px/1.4 Vazirmatn, Tahoma, "Segoe UI", system-ui, sans-serif',
        color: '#fff',
        background: '#0f62a8',
        border: '0',
        'border-radius': '999px',
        padding: '10px 16px',
        'min-height': '44px',
        cursor: 'pointer',
        'box-shadow': '0 4px 14px rgba(31,35,40,.25)',
      }, [config.texts.open]);
      host.attachShadow({ mode: 'open' }).append(button);
      document.body.append(host);
      let form: Promise<ComplaintForm> | undefined;
      button.addEventListener('click', () => {
        // import() of a module on our own server: allowed by the page's nonce or 'strict-dynamic', like this script.
        form ??= import(`${origin}/widget/v1/${__VAFA_COMPLAINT_FORM__}`) as Promise<ComplaintForm>;
        form.then((m) => m.openComplaintForm(config, { origin, workspace, returnFocus: button }), () => {
          form = undefined;
        });
      });
    })
    .catch(() => undefined);
}
