import type { AnswerValue, WidgetConfigView } from '@vafa/contracts';
import { startComplaints } from './complaint-launcher.ts';
import { heldBack, inSample, readDevice, readRecord, writeDevice, writeRecord, type VisitorRecord } from './record.ts';
import { solveChallenge } from '@vafa/contracts/proof-of-work';
import { eventName, watchTriggers } from './triggers.ts';
import { openDialog } from './ui.ts';

/**
 * The embeddable survey widget: one script tag,
 *   <script src="https://vafa.example/widget/v1/<hash>.js" data-survey="<public token>" async></script>
 * with optional data-customer (the visitor's external customer id) and data-lang; with
 * data-complaints="<workspace slug>" (with or without data-survey) it offers a complaint form
 * (complaint-launcher.ts). It talks only
 * to the server it was loaded from. Custom-event triggers: `window.vafa('event', 'checkout')`, or
 * `window.dispatchEvent(new CustomEvent('vafa:event', { detail: 'checkout' }))`. Calls made before
 * the script loaded are taken from `window.vafa.q` (the usual queue stub).
 */

type VafaCommand = (command: string, arg?: unknown) => void;
interface VafaGlobal extends VafaCommand {
  q?: ArrayLike<unknown>[];
}

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

function pickLanguage(script: HTMLScriptElement): string {
  return (script.dataset.lang || document.documentElement.lang || navigator.language || '').slice(0, 35);
}

function start(script: HTMLScriptElement): void {
  if (script.dataset.complaints) startComplaints(new URL(script.src, location.href).origin, script.dataset.complaints, pickLanguage(script));
  const token = script.dataset.survey;
  if (!token || !/^[A-Za-z0-9_-]{1,64}$/.test(token)) return;
  const origin = new URL(script.src, location.href).origin;
  const customer = script.dataset.customer || undefined;
  const store = storage();
  // Asked, answered or left out within the recontact window: not even a request.
  if (heldBack(readRecord(store, token), Date.now())) return;

  const pending: string[] = [];
  let onEvent: ((name: string) => void) | undefined;
  const handle = (name: string | undefined) => {
    if (!name) return;
    if (onEvent) onEvent(name);
    else pending.push(name);
  };
  const previous = (window as unknown as { vafa?: VafaGlobal }).vafa;
  const api: VafaGlobal = (command, arg) => {
    if (command === 'event') handle(eventName(arg));
  };
  (window as unknown as { vafa: VafaGlobal }).vafa = api;
  for (const call of previous?.q ?? []) api(call[0] as string, call[1]);
  window.addEventListener('vafa:event', (event) => handle(eventName((event as CustomEvent).detail)));

  const query = new URLSearchParams({ lang: pickLanguage(script) });
  if (customer) query.set('customer', customer);
  fetch(`${origin}/api/public/widget/${token}?${query}`, { credentials: 'omit' })
    .then((res) => (res.ok ? (res.json() as Promise<WidgetConfigView>) : undefined))
    .then((config) => {
      if (!config || !config.eligible) return;
      const remember = (outcome: VisitorRecord['outcome']) => writeRecord(store, token, { at: Date.now(), days: config.recontactDays, outcome });
      let shown = false;
      const show = () => {
        if (shown || heldBack(readRecord(store, token), Date.now())) return;
        shown = true;
        if (!inSample(config.samplingPercent, Math.random())) return remember('sampled_out');
        remember('asked');
        // The server's device id travels in a header (no cookie on another site); when traffic looks
        // automated it asks for a proof of work, solved here and sent once with the same answers.
        const send = async (answers: Record<string, AnswerValue>, proof?: string): Promise<void> => {
          const device = readDevice(store);
          const res = await fetch(`${origin}/api/public/widget/${token}/responses`, {
            method: 'POST',
            credentials: 'omit',
            keepalive: true,
            headers: { 'content-type': 'application/json', ...(device ? { 'x-vafa-device': device } : {}) },
            body: JSON.stringify({ locale: config.locale, answers, ...(customer ? { customer } : {}), ...(proof ? { proof } : {}) }),
          });
          const body = (await res.json().catch(() => ({}))) as { device?: string; challenge?: string; bits?: number };
          if (res.ok) {
            if (body.device) writeDevice(store, body.device);
            return;
          }
          if (res.status === 429 && body.challenge && !proof) return send(answers, await solveChallenge(body.challenge, body.bits ?? 16));
          throw new Error(String(res.status));
        };
        openDialog(config, {
          submit: (answers) => {
            remember('answered');
            return send(answers);
          },
          dismiss: (answers) => {
            remember(Object.keys(answers).length > 0 ? 'answered' : 'dismissed');
            // A first answer given before closing still counts.
            if (Object.keys(answers).length > 0) send(answers).catch(() => undefined);
          },
        });
      };
      onEvent = watchTriggers(config.triggers, {
        href: () => location.href,
        onNavigate: (check) => {
          window.addEventListener('popstate', check);
          window.addEventListener('hashchange', check);
          // Single-page apps change the address with history.pushState, which fires no event.
          let last = location.href;
          setInterval(() => {
            if (location.href !== last) {
              last = location.href;
              check();
            }
          }, 1000);
        },
        setTimeout: (run, ms) => window.setTimeout(run, ms),
      }, show);
      for (const name of pending.splice(0)) onEvent(name);
    })
    .catch(() => undefined);
}

const current = document.currentScript as HTMLScriptElement | null;
const script = current?.dataset.survey || current?.dataset.complaints
  ? current
  : document.querySelector<HTMLScriptElement>('script[data-survey][src*="/widget/v1"], script[data-complaints][src*="/widget/v1"]');
if (script) {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => start(script));
  else start(script);
}
