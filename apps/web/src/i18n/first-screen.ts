// Which messages the first screens need: the shell, sign-in and its two-factor step, the preferences,
// the customers list, the shared ui components. Those load with the language (i18n/load.ts);
// every other message loads with the first screen that is not one of these (the route's loader),
// so new modules' words never add to what the first screen fetches. Plain data: the build reads
// it (build/messages-plugin.ts) to split each language in two.
export const FIRST_SCREEN_PREFIXES: readonly string[] = [
  'app', 'nav', 'common', 'auth', 'sso', 'prefs', 'lang', 'language', 'calendar', 'digits',
  'customers', 'customer', 'channel', 'dataTable', 'chart', 'fieldError', 'notFound', 'soon',
];

export const isFirstScreenKey = (key: string): boolean => FIRST_SCREEN_PREFIXES.includes(key.slice(0, key.indexOf('.')));
