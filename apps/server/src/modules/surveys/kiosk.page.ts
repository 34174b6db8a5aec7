import type { KioskPageConfig, Locale } from '@vafa/contracts';

/**
 * The kiosk page's HTML: its configuration as a JSON data block (never executed, so no script
 * exception), its own script and stylesheet by content-hashed URL. The policy allows nothing
 * else: no inline script or style, nothing from elsewhere.
 */
export const KIOSK_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "font-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** JSON inside <script type="application/json">: `<` escaped so no text can close the element. */
const jsonForHtml = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

const TITLE: Record<Locale, string> = { fa: 'نظرسنجی', ar: 'استبيان', en: 'Survey' };
const UNAVAILABLE: Record<Locale, { title: string; text: string }> = {
  fa: { title: 'این کیوسک فعال نیست', text: 'این نظرسنجی اکنون پاسخی نمی‌پذیرد یا این کیوسک لغو شده است. لطفاً به کارکنان اطلاع دهید.' },
  ar: { title: 'هذا الكشك غير مفعّل', text: 'هذا الاستبيان لا يقبل إجابات الآن أو أُلغي هذا الكشك. يُرجى إبلاغ الموظفين.' },
  en: { title: 'This kiosk is not active', text: 'This survey is not taking answers now, or this kiosk was revoked. Please tell a member of staff.' },
};

function shell(locale: Locale, title: string, cssUrl: string, body: string, head = ''): string {
  return `<!doctype html>
<html lang="${locale}" dir="${locale === 'en' ? 'ltr' : 'rtl'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="robots" content="noindex">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${cssUrl}">${head}
</head>
<body>
${body}
</body>
</html>`;
}

export function kioskHtml(config: KioskPageConfig, locale: Locale, assets: { js: string; css: string }): string {
  return shell(locale, `${TITLE[locale]} · ${config.location}`, assets.css, `<p class="kiosk-location"><bdi>${escapeHtml(config.location)}</bdi></p>
<main id="kiosk"></main>
<p id="kiosk-status" role="status" hidden></p>
<script type="application/json" id="vafa-kiosk-config">${jsonForHtml(config)}</script>
<script src="${assets.js}" defer></script>`);
}

export function kioskUnavailableHtml(locale: Locale, cssUrl: string): string {
  const words = UNAVAILABLE[locale];
  // A tablet left on this page (registered before the survey was published, or between two
  // surveys) looks again every minute, so it starts by itself once there is something to ask.
  return shell(locale, words.title, cssUrl, `<main id="kiosk"><section class="kiosk-question"><h1>${escapeHtml(words.title)}</h1><p class="kiosk-description">${escapeHtml(words.text)}</p></section></main>`,
    '\n<meta http-equiv="refresh" content="60">');
}
