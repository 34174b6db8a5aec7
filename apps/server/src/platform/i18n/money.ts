// Money said in a reader's language and digits, server side (a refusal's detail): integer minor
// units as a bigint, formatted from an exact decimal string so rial sums past 2^53 keep every
// digit. IRR has no minor unit here; it is said in rials or tomans (1 toman = 10 rials) by the
// workspace's setting, with the unit named, as the web's lib/format.ts formatMoney does.
import type { Locale } from './locale.ts';

/** An amount of money in minor units of `currency`, for a message to say in the reader's words. */
export interface MoneyParam {
  money: bigint;
  currency: string;
  irrDisplay: 'rial' | 'toman';
}

const TAGS: Record<Locale, string> = { fa: 'fa-IR', ar: 'ar-SA-u-nu-arab', en: 'en-US' };

const IRR_UNITS: Record<Locale, { rial: string; toman: string }> = {
  fa: { rial: 'ریال', toman: 'تومان' },
  ar: { rial: 'ريال', toman: 'تومان' },
  en: { rial: 'rials', toman: 'tomans' },
};

const formats = new Map<string, Intl.NumberFormat>();
function cached(key: string, make: () => Intl.NumberFormat): Intl.NumberFormat {
  let format = formats.get(key);
  if (!format) formats.set(key, (format = make()));
  return format;
}

/** `minor` shifted `places` digits to the right, as an exact decimal string ("-1234", 2 → "-12.34"). */
function decimal(minor: bigint, places: number): string {
  if (places === 0) return minor.toString();
  const digits = (minor < 0n ? -minor : minor).toString().padStart(places + 1, '0');
  return `${minor < 0n ? '-' : ''}${digits.slice(0, -places)}.${digits.slice(-places)}`;
}

// Intl formats a decimal string exactly (ECMA-402 Intl.NumberFormat v3); the lib's types still say number.
const formatDecimal = (format: Intl.NumberFormat, value: string) => format.format(value as unknown as number);

export function formatMoneyParam({ money, currency, irrDisplay }: MoneyParam, locale: Locale): string {
  const tag = TAGS[locale];
  if (currency === 'IRR') {
    const toman = irrDisplay === 'toman';
    const number = formatDecimal(cached(`irr|${tag}|${irrDisplay}`, () => new Intl.NumberFormat(tag, { maximumFractionDigits: toman ? 1 : 0 })), decimal(money, toman ? 1 : 0));
    return `${number} ${IRR_UNITS[locale][irrDisplay]}`;
  }
  const format = cached(`m|${tag}|${currency}`, () => new Intl.NumberFormat(tag, { style: 'currency', currency }));
  return formatDecimal(format, decimal(money, format.resolvedOptions().maximumFractionDigits ?? 2));
}

export const isMoneyParam = (value: unknown): value is MoneyParam =>
  typeof value === 'object' && value !== null && typeof (value as MoneyParam).money === 'bigint';
