// Small pieces the complaint settings, prevention and report screens share: server field errors by
// path, business minutes as hours and minutes, weekday names, numbers typed in any digits.
import type { ApiError } from '../../lib/api.ts';
import { localeTag, localiseDigits, toLatinDigits, type DisplayPrefs } from '../../lib/format.ts';
import { useT } from '../../i18n/useT.ts';
import type { MessageKey } from '../../i18n/en.ts';

const GENERIC = new Set(['too_small', 'too_big', 'invalid_format', 'invalid_type', 'invalid_value', 'unrecognized_keys', 'invalid_union', 'custom']);
/** Codes of the settings' own checks, said by the screen when the server names only the code. */
export const OWN_CODES = [
  'overlapping_periods', 'backward_period', 'sla_target_required', 'sla_target_not_positive', 'invalid_warning_share', 'half_day_on_weekend',
  'duplicate_value', 'unknown_holiday', 'unknown_time_zone', 'goodwill_coupon_reward_required', 'reward_not_coupon',
] as const;

/**
 * The message for a field path (`targets.acknowledge`, `defaultHours.1.0.to`) of a failed save,
 * or of anything below it. Generic validation codes are said in the UI language.
 */
export function usePathError(error: ApiError | null): (path: string) => string | undefined {
  const t = useT();
  return (path) => {
    if (!error) return undefined;
    const hit = error.fieldPaths[path] ?? Object.entries(error.fieldPaths).find(([p]) => p.startsWith(`${path}.`))?.[1];
    if (!hit) return undefined;
    if ((OWN_CODES as readonly string[]).includes(hit.code)) return t(`complaints.settings.code.${hit.code as (typeof OWN_CODES)[number]}`);
    if (GENERIC.has(hit.code)) return t(`fieldError.${hit.code === 'custom' ? 'invalid_value' : hit.code}` as MessageKey);
    return /^[a-z_]+$/.test(hit.message) ? t('fieldError.invalid_value') : hit.message;
  };
}

/** Errors no field on screen claims, so nothing goes unsaid. */
export function UnplacedError({ error, placed }: { error: ApiError | null; placed: (path: string) => boolean }) {
  if (!error) return null;
  const paths = Object.keys(error.fieldPaths);
  if (paths.length > 0 && paths.every(placed)) return null;
  return <p className="form-error" role="alert">{error.message}</p>;
}

/** Business minutes as "2 h 30 min" in the reader's words and digits. */
export function useMinutesText(): (minutes: number, prefs: DisplayPrefs) => string {
  const t = useT();
  return (minutes, prefs) => {
    const h = Math.floor(minutes / 60);
    const m = Math.round(minutes % 60);
    const n = (v: number) => new Intl.NumberFormat(localeTag(prefs)).format(v);
    if (h === 0) return t('complaints.settings.minutesOnly', { m: n(m) });
    if (m === 0) return t('complaints.settings.hoursOnly', { h: n(h) });
    return t('complaints.settings.hoursMinutes', { h: n(h), m: n(m) });
  };
}

/** A weekday's name (0 = Sunday) in the reader's language. */
export function weekdayName(day: number, prefs: DisplayPrefs, style: 'long' | 'short' = 'long'): string {
  return new Intl.DateTimeFormat(localeTag(prefs), { weekday: style, timeZone: 'UTC' }).format(new Date(Date.UTC(2023, 0, 1 + day)));
}

/** The week as the reader's region counts it: from Saturday in Persian and Arabic, from Monday in English. */
export const weekOrder = (prefs: DisplayPrefs): number[] => (prefs.language === 'en' ? [1, 2, 3, 4, 5, 6, 0] : [6, 0, 1, 2, 3, 4, 5]);

/** A whole number typed in Persian, Arabic-Indic or Latin digits; null when empty or not a number. */
export function parseWhole(text: string): number | null {
  const plain = toLatinDigits(text).trim();
  if (!/^\d+$/.test(plain)) return null;
  return Number(plain);
}

/** A number for an input, in the reader's digits. */
export const digitsText = (value: number | null | undefined, prefs: DisplayPrefs) => (value === null || value === undefined ? '' : localiseDigits(String(value), prefs.digits));
