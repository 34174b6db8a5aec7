// The complaint entry of the embeddable widget: the one script tag a site adds (the same widget
// as a survey's, so one tag can carry both data-survey and data-complaints) and the demo page
// that shows it under a strict Content-Security-Policy. Shown once the switch is saved on.
import { useT } from '../../i18n/useT.ts';
import { CopyButton } from '../../ui/index.ts';
import type { IntakeSettings } from './complaint-settings-api.ts';

export function ComplaintWidgetTag({ view }: { view: IntakeSettings }) {
  const t = useT();
  if (!view.widgetEnabled) return <p className="field-description">{t('complaints.settings.intake.widgetHint')}</p>;
  return (
    <div className="complaint-widget-tag">
      <p className="field-description">{t('complaints.settings.intake.widgetTag')}</p>
      <div className="complaint-widget-code">
        <code dir="ltr" data-testid="complaint-widget-tag">{view.widgetTag}</code>
        <CopyButton text={view.widgetTag} />
      </div>
      <p className="field-description">{t('complaints.settings.intake.widgetWithSurvey')}</p>
      <p><a href={view.widgetDemoUrl} target="_blank" rel="noreferrer">{t('complaints.settings.intake.widgetDemo')}</a></p>
    </div>
  );
}
