// The frame of the customers' complaint pages: no sign-in, phone first, a language switch, and
// `?lang=fa|ar|en` in a link from a notice picks the language.
import { useEffect, useState, type ReactNode } from 'react';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { LANGUAGES, type Digits, type Language } from '../../lib/format.ts';
import { Button, CopyButton } from '../../ui/index.ts';
import { formatTrackingCode } from './complaint-format.ts';
import './complaints-public.css';

export function PublicFrame({ children }: { children: ReactNode }) {
  const t = useT();
  const prefs = usePrefs();
  // Once, on arrival: a later switch is the person's own choice.
  const { setLanguage } = prefs;
  const [arrivalLanguage] = useState(() => new URLSearchParams(window.location.search).get('lang'));
  useEffect(() => {
    if (arrivalLanguage && (LANGUAGES as string[]).includes(arrivalLanguage)) setLanguage(arrivalLanguage as Language);
  }, [arrivalLanguage, setLanguage]);
  return (
    <div className="public-page">
      <header className="public-top">
        <span className="brand-mark" aria-hidden="true">و</span>
        <div className="language-picker" role="group" aria-label={t('prefs.language')}>
          {LANGUAGES.map((language) => (
            <Button key={language} variant="ghost" aria-pressed={prefs.language === language} onPress={() => prefs.setLanguage(language)}>
              <span lang={language}>{t(`lang.${language}`)}</span>
            </Button>
          ))}
        </div>
      </header>
      <main id="main" className="public-main">{children}</main>
    </div>
  );
}

/** How a screen reader should say a code: digit by digit, a pause between groups of four. */
export function spokenCode(code: string, digits: Digits, language: Language): string {
  return formatTrackingCode(code, digits).replace(/\u200E/g, '').split(' ').map((group) => [...group].join(' ')).join(language === 'en' ? ', ' : '، ');
}

/** The tracking code, large, in the reader's digits, with a copy button (copies the plain 16 digits). */
export function BigCode({ code }: { code: string }) {
  const t = useT();
  const prefs = usePrefs();
  return (
    <div className="big-code-box">
      <p className="big-code" data-testid="tracking-code">
        <bdi dir="ltr" translate="no" aria-hidden="true">{formatTrackingCode(code, prefs.digits)}</bdi>
        <span className="visually-hidden">{spokenCode(code, prefs.digits, prefs.language)}</span>
      </p>
      <p className="muted">{t('complaintPublic.codeHelp')}</p>
      <CopyButton text={code} />
    </div>
  );
}
