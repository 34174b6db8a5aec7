// Who is signed in, and how they want to read: language (stored on the account via /api/me),
// calendar and digits (this browser, localStorage; defaults from the workspace and language).
import { I18nProvider } from 'react-aria-components';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { IntlProvider } from 'react-intl';
import { api, configureApi, type Session, type Workspace } from '../lib/api.ts';
import {
  CALENDARS, DEFAULT_CALENDAR, DEFAULT_DIGITS, DIGITS, LANGUAGES, isRtl, localeTag,
  type CalendarId, type Digits, type DisplayPrefs, type Language,
} from '../lib/format.ts';
import { isLoaded, loadAllMessages, loadLanguage, messagesOf, messagesVersion, subscribeMessages } from '../i18n/load.ts';
import { setReactAriaLanguage } from '../i18n/react-aria-strings.ts';

const STORAGE = { language: 'vafa.language', calendar: 'vafa.calendar', digits: 'vafa.digits' } as const;

function stored<T extends string>(key: string, allowed: readonly T[]): T | undefined {
  try {
    const value = window.localStorage.getItem(key);
    return value && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
  } catch {
    return undefined;
  }
}

function store(key: string, value: string | undefined) {
  try {
    if (value === undefined) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // Private mode: preferences last for this visit only.
  }
}

export function initialLanguage(): Language {
  // A link sent in the customer's language (`?lang=`: a survey, a tracking code, the member portal)
  // opens in it at once, rather than first in this browser's last language and then switching.
  const asked = new URLSearchParams(window.location.search).get('lang');
  if (asked && (LANGUAGES as string[]).includes(asked)) return asked as Language;
  const saved = stored(STORAGE.language, LANGUAGES);
  if (saved) return saved;
  const browser = (navigator.languages ?? [navigator.language]).map((l) => l.slice(0, 2));
  return (browser.find((l) => (LANGUAGES as string[]).includes(l)) as Language | undefined) ?? 'fa';
}

export interface PrefsContextValue extends DisplayPrefs {
  locale: string;
  irrDisplay: 'rial' | 'toman';
  currency: string;
  setLanguage(language: Language): void;
  setCalendar(calendar: CalendarId): void;
  setDigits(digits: Digits): void;
}

const PrefsContext = createContext<PrefsContextValue | null>(null);
export function usePrefs(): PrefsContextValue {
  const value = useContext(PrefsContext);
  if (!value) throw new Error('usePrefs outside PrefsProvider');
  return value;
}

// A message outside the first screens' part (i18n/first-screen.ts) shown before the rest was
// asked for: fetch the rest, which re-renders with it. Other errors are logged in development, as
// react-intl does by default.
function handleIntlError(error: { code: string }): void {
  if (error.code === 'MISSING_TRANSLATION') void loadAllMessages();
  else if (import.meta.env.DEV) console.error(error);
}

export function PrefsProvider({ session, workspace, children }: { session: Session | null; workspace: Workspace | undefined; children: ReactNode }) {
  // The language on screen: always one whose messages are loaded (main.tsx loads the first one).
  const [language, setLanguageState] = useState<Language>(() => {
    const account = session?.account.language;
    return account && isLoaded(account) ? account : initialLanguage();
  });
  const [calendarChoice, setCalendarChoice] = useState<CalendarId | undefined>(() => stored(STORAGE.calendar, CALENDARS));
  const [digitsChoice, setDigitsChoice] = useState<Digits | undefined>(() => stored(STORAGE.digits, DIGITS));

  // Another language shows once its messages are here; until then the current one stays. The
  // last one asked for wins when several are on their way.
  const wanted = useRef(language);
  const show = useCallback((next: Language, then?: () => void) => {
    wanted.current = next;
    void loadLanguage(next).then(() => {
      if (wanted.current !== next) return;
      setLanguageState(next);
      then?.();
    }, () => undefined);
  }, []);

  // The account's saved language wins when a session arrives (another browser may have changed it).
  const accountLanguage = session?.account.language;
  useEffect(() => {
    if (accountLanguage) show(accountLanguage);
  }, [accountLanguage, show]);

  // Before anything below renders: React Aria's own texts (today, selected, a segment's name) in this language.
  setReactAriaLanguage(language);
  const calendar = calendarChoice ?? (workspace && workspace.defaultLanguage === language ? workspace.calendar : DEFAULT_CALENDAR[language]);
  const digits = digitsChoice ?? DEFAULT_DIGITS[language];

  useEffect(() => {
    document.documentElement.lang = language;
    document.documentElement.dir = isRtl(language) ? 'rtl' : 'ltr';
    configureApi({ language });
    store(STORAGE.language, language);
  }, [language]);

  const setLanguage = useCallback((next: Language) => {
    // A new language brings its own calendar and digits unless the user picks others afterwards.
    show(next, () => {
      setCalendarChoice(undefined);
      setDigitsChoice(undefined);
    });
    store(STORAGE.calendar, undefined);
    store(STORAGE.digits, undefined);
    if (session) void api.updateMe({ language: next }).catch(() => undefined);
  }, [session, show]);
  const setCalendar = useCallback((next: CalendarId) => {
    setCalendarChoice(next);
    store(STORAGE.calendar, next);
  }, []);
  const setDigits = useCallback((next: Digits) => {
    setDigitsChoice(next);
    store(STORAGE.digits, next);
  }, []);

  const value = useMemo<PrefsContextValue>(() => ({
    language,
    calendar,
    digits,
    timeZone: workspace?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
    locale: localeTag({ language, calendar, digits }),
    irrDisplay: workspace?.irrDisplay ?? 'rial',
    currency: workspace?.currency ?? 'IRR',
    setLanguage,
    setCalendar,
    setDigits,
  }), [language, calendar, digits, workspace, setLanguage, setCalendar, setDigits]);

  // More messages arrive when the first screen beyond the first ones opens (its route loads them).
  const messagesArrived = useSyncExternalStore(subscribeMessages, messagesVersion);
  const messages = useMemo(() => messagesOf(language), [language, messagesArrived]);

  return (
    <PrefsContext.Provider value={value}>
      <IntlProvider locale={value.locale} messages={messages} defaultLocale="en" onError={handleIntlError}>
        <I18nProvider locale={value.locale}>{children}</I18nProvider>
      </IntlProvider>
    </PrefsContext.Provider>
  );
}
