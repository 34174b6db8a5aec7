import Negotiator from 'negotiator';

export const LOCALES = ['fa', 'ar', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** Picks fa, ar or en from an Accept-Language header; `fallback` when none is acceptable. */
export function negotiateLocale(acceptLanguage: string | undefined, fallback: Locale = 'en'): Locale {
  if (!acceptLanguage) return fallback;
  const found = new Negotiator({ headers: { 'accept-language': acceptLanguage } }).language([...LOCALES]);
  return isLocale(found) ? found : fallback;
}

/** Weekend days (0 = Sunday … 6 = Saturday) by country, per CLDR 48 (REFERENCE.md §8). */
export function defaultWeekend(country: string): number[] {
  switch (country) {
    case 'IR':
      return [5];
    case 'AE':
      return [6, 0];
    case 'SA':
    default:
      return country === 'SA' || country === 'QA' || country === 'KW' || country === 'BH' || country === 'OM' ? [5, 6] : [6, 0];
  }
}
