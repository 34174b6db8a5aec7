import { randomBytes } from 'node:crypto';
import type { Locale } from '@vafa/contracts';

/**
 * A page that embeds the widget as a customer's site would, under the strictest policy a site
 * is likely to send: scripts only by nonce with 'strict-dynamic', no inline style of any kind
 * (style-src-attr 'none'), stylesheets only from the page's origin, Trusted Types required. If
 * the widget needed any exception, this page would show it (the browser test listens for
 * securitypolicyviolation).
 */

const WORDS: Record<Locale, { title: string; intro: string; button: string }> = {
  fa: { title: 'نمونه‌ی ابزارک نظرسنجی وفا', intro: 'این صفحه مانند سایت یک فروشگاه است، با سخت‌گیرانه‌ترین سیاست امنیت محتوا. ابزارک باید بی‌هیچ استثنایی نمایش داده شود.', button: 'رویداد «demo» را بفرست' },
  ar: { title: 'نموذج أداة استبيان وفا', intro: 'هذه الصفحة مثل موقع متجر، بأشد سياسة لأمان المحتوى. يجب أن تظهر الأداة دون أي استثناء.', button: 'أرسل الحدث «demo»' },
  en: { title: 'Vafa survey widget demo', intro: 'This page stands for a shop’s site, under the strictest Content-Security-Policy. The widget must show without any exception to it.', button: 'Send the “demo” event' },
};

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const DEMO_CSS = `body{margin:0;font-family:Vazirmatn,Tahoma,system-ui,sans-serif;background:#f6f8fa;color:#1f2328}
main{max-width:760px;margin:0 auto;padding:40px 20px;line-height:1.8}
h1{font-size:1.6rem;margin:0 0 12px}
button{font:inherit;padding:8px 16px;border-radius:8px;border:1px solid #0f62a8;background:#fff;color:#0f62a8;cursor:pointer}
.products{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:12px;margin:24px 0}
.products div{background:#fff;border:1px solid #d0d7de;border-radius:12px;height:120px}`;

/**
 * The page's own script, loaded by nonce: sends a `vafa:event` when the button is pressed, and in
 * the `inject` variant adds the widget's script tag itself, as a tag manager would ('strict-dynamic'
 * passes the nonce's trust on to it).
 */
export const DEMO_JS = `document.getElementById('demo-event').addEventListener('click',function(){window.dispatchEvent(new CustomEvent('vafa:event',{detail:'demo'}))});
var d=document.body.dataset;if(d.widgetSrc){var s=document.createElement('script');s.src=d.widgetSrc;s.async=true;if(d.survey)s.dataset.survey=d.survey;if(d.complaints)s.dataset.complaints=d.complaints;s.dataset.lang=d.lang;if(d.customer)s.dataset.customer=d.customer;document.body.appendChild(s);}`;

export function demoPage(options: { locale: Locale; surveyToken?: string | undefined; complaints?: string | undefined; widgetUrl: string; widgetOrigin: string; customer?: string; inject?: boolean }): { html: string; csp: string } {
  const nonce = randomBytes(16).toString('base64');
  const words = WORDS[options.locale];
  const dir = options.locale === 'en' ? 'ltr' : 'rtl';
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self'",
    "style-src-elem 'self'",
    "style-src-attr 'none'",
    "img-src 'self'",
    "font-src 'self'",
    `connect-src ${options.widgetOrigin}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    // Trusted Types would refuse the injecting script's plain `script.src = …` (the widget itself needs no exception).
    ...(options.inject ? [] : ["require-trusted-types-for 'script'", "trusted-types 'none'"]),
  ].join('; ');
  const customer = options.customer ? ` data-customer="${escape(options.customer)}"` : '';
  // A survey's widget, the workspace's complaint entry (data-complaints: its slug), or both on one tag.
  const targets = (options.surveyToken ? ` data-survey="${escape(options.surveyToken)}"` : '') + (options.complaints ? ` data-complaints="${escape(options.complaints)}"` : '');
  const widgetTag = `<script nonce="${nonce}" src="${escape(options.widgetUrl)}"${targets} data-lang="${options.locale}"${customer} async></script>`;
  const injected = options.inject ? ` data-widget-src="${escape(options.widgetUrl)}"${targets} data-lang="${options.locale}"${customer}` : '';
  const html = `<!doctype html>
<html lang="${options.locale}" dir="${dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(words.title)}</title>
<link rel="stylesheet" href="/widget/demo.css">
</head>
<body${injected}>
<main>
<h1>${escape(words.title)}</h1>
<p>${escape(words.intro)}</p>
<p><button type="button" id="demo-event">${escape(words.button)}</button></p>
<div class="products" aria-hidden="true"><div></div><div></div><div></div><div></div><div></div><div></div></div>
</main>
<script nonce="${nonce}" src="/widget/demo.js"></script>
${options.inject ? '' : widgetTag}
</body>
</html>`;
  return { html, csp };
}
