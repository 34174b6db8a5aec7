import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { toAsciiDigits } from './digits.ts';

export interface Phone {
  e164: string;
  /** National significant form with trunk prefix as people dial it at home, e.g. 09123456789. */
  nationalDigits: string;
  country: string | undefined;
}

/**
 * Parses a phone as a person typed it (any digits, spaces, dashes, a leading 0 or +country)
 * into E.164. Returns null when it is not a valid number for the region.
 */
export function parsePhone(input: string, defaultCountry: string): Phone | null {
  const ascii = toAsciiDigits(input).trim();
  if (ascii.length === 0 || ascii.length > 40) return null;
  const phone = parsePhoneNumberFromString(ascii.replace(/^00/, '+'), defaultCountry as CountryCode);
  if (!phone || !phone.isValid()) return null;
  return {
    e164: phone.number,
    nationalDigits: phone.formatNational().replace(/\D/g, ''),
    country: phone.country,
  };
}
