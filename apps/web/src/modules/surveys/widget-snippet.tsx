// The one script tag that puts a survey's widget on a site, to copy, and the demo page that
// shows it under a strict Content-Security-Policy. The tag loads /widget/v1.js, which points at
// the current bundle, so a site never needs to change it when Vafa is updated.
import { useT } from '../../i18n/useT.ts';
import { CopyButton } from '../../ui/index.ts';
import './kiosks-panel.css';

export function widgetSnippet(origin: string, token: string): string {
  return `<script src="${origin}/widget/v1.js" data-survey="${token}" async></script>`;
}

export function WidgetSnippet({ token }: { token: string }) {
  const t = useT();
  const origin = window.location.origin;
  const snippet = widgetSnippet(origin, token);
  return (
    <div className="widget-snippet">
      <p className="muted">{t('surveys.kiosk.widgetSnippet')}</p>
      <div className="kiosk-link">
        <code dir="ltr" data-testid="widget-snippet">{snippet}</code>
        <CopyButton text={snippet} />
      </div>
      <p className="muted">{t('surveys.kiosk.widgetEvent')} <code dir="ltr">window.vafa('event', 'checkout')</code></p>
      <p><a href={`/widget/demo?survey=${encodeURIComponent(token)}`} target="_blank" rel="noreferrer">{t('surveys.kiosk.widgetDemo')}</a></p>
    </div>
  );
}
