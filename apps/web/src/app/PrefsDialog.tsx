import { useIntl } from 'react-intl';
import type { MessageKey } from '../i18n/index.ts';
import { CALENDARS, DIGITS, LANGUAGES } from '../lib/format.ts';
import { Button, Dialog, Select } from '../ui/index.ts';
import { usePrefs } from './prefs.tsx';

/** Language, calendar and digits; changes apply at once, without reloading any data. */
export function PrefsDialog({ isOpen, onOpenChange }: { isOpen: boolean; onOpenChange: (open: boolean) => void }) {
  const intl = useIntl();
  const t = (id: MessageKey) => intl.formatMessage({ id });
  const prefs = usePrefs();
  return (
    <Dialog title={t('prefs.title')} isOpen={isOpen} onOpenChange={onOpenChange} size="small">
      {(close) => (
        <div className="form">
          <Select label={t('prefs.language')} value={prefs.language} onChange={prefs.setLanguage} options={LANGUAGES.map((id) => ({ id, label: t(`lang.${id}`) }))} />
          <Select label={t('prefs.calendar')} value={prefs.calendar} onChange={prefs.setCalendar} options={CALENDARS.map((id) => ({ id, label: t(`calendar.${id}`) }))} />
          <Select label={t('prefs.digits')} value={prefs.digits} onChange={prefs.setDigits} options={DIGITS.map((id) => ({ id, label: t(`digits.${id}`) }))} />
          <div className="form-actions"><Button variant="primary" onPress={close}>{t('common.close')}</Button></div>
        </div>
      )}
    </Dialog>
  );
}
