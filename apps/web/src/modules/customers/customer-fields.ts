// The enumerations a customer form offers. The ids are the contract's; the checks below make
// TypeScript fail if the contract gains or loses a value.
import type { Channel, Locale } from '@vafa/contracts';

export const CHANNELS = ['sms', 'email', 'whatsapp', 'phone', 'push', 'in_app'] as const satisfies readonly Channel[];
export type ChannelId = (typeof CHANNELS)[number];
export const PHONE_COUNTRIES = ['IR', 'SA', 'AE'] as const;
export const CUSTOMER_LANGUAGES = ['fa', 'ar', 'en'] as const satisfies readonly Locale[];

type Missing<All, Listed> = Exclude<All, Listed> extends never ? true : false;
export const CHANNELS_COMPLETE: Missing<Channel, ChannelId> = true;
export const LANGUAGES_COMPLETE: Missing<Locale, (typeof CUSTOMER_LANGUAGES)[number]> = true;

/** Tags as typed: commas (Latin or Arabic-script ،) separate them. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(/[,،]/).map((tag) => tag.trim()).filter(Boolean))];
}
