// API calls of the partners screen: partners and their terms, their offers, and the month's
// settlement. Shapes come from @vafa/contracts as types only; money is minor units as decimal strings.
import type {
  CreatePartner, CreatePartnerOffer, PartnerOfferView, PartnerView, SettlementReport, UpdatePartner, UpdatePartnerOffer,
} from '@vafa/contracts';
import { request } from '../../lib/api.ts';

export type Partner = PartnerView;
export type PartnerOffer = PartnerOfferView;
export type Settlement = SettlementReport;
export type PartnerInput = CreatePartner;
export type OfferInput = CreatePartnerOffer;

export const partnerKeys = {
  all: ['loyalty', 'partners'] as const,
  offers: (partnerId: string) => ['loyalty', 'partners', partnerId, 'offers'] as const,
  settlement: (period: string) => ['loyalty', 'partners', 'settlement', period] as const,
};

export const partnersApi = {
  list: () => request<{ items: Partner[] }>('GET', '/api/loyalty/partners'),
  create: (input: CreatePartner, idempotencyKey: string) =>
    request<Partner>('POST', '/api/loyalty/partners', input, undefined, { 'Idempotency-Key': idempotencyKey }),
  update: (id: string, input: UpdatePartner, idempotencyKey: string) =>
    request<Partner>('PATCH', `/api/loyalty/partners/${id}`, input, undefined, { 'Idempotency-Key': idempotencyKey }),
  offers: (partnerId: string) => request<{ items: PartnerOffer[] }>('GET', `/api/loyalty/partners/${partnerId}/offers`),
  createOffer: (partnerId: string, input: CreatePartnerOffer, idempotencyKey: string) =>
    request<PartnerOffer>('POST', `/api/loyalty/partners/${partnerId}/offers`, input, undefined, { 'Idempotency-Key': idempotencyKey }),
  updateOffer: (offerId: string, input: UpdatePartnerOffer, idempotencyKey: string) =>
    request<PartnerOffer>('PATCH', `/api/loyalty/partner-offers/${offerId}`, input, undefined, { 'Idempotency-Key': idempotencyKey }),
  /** A month `YYYY-MM` of the workspace calendar; absent: this month. */
  settlement: (period?: string) => request<Settlement>('GET', '/api/loyalty/partner-settlements', undefined, period === undefined ? undefined : { period }),
  csvHref: (period: string, lang: string) => `/api/loyalty/partner-settlements.csv?period=${encodeURIComponent(period)}&lang=${encodeURIComponent(lang)}`,
};

/** Whole minor units typed in any digits, with or without group separators; null when it is not one. */
export function parseMinor(text: string, toLatin: (s: string) => string): string | null {
  const plain = toLatin(text).replace(/[\s,٬،]/g, '');
  if (!/^[0-9]{1,18}$/.test(plain)) return null;
  return plain.replace(/^0+(?=[0-9])/, '');
}

/** A whole number of points (1 to a billion) typed in any digits; null when it is not one. */
export function parsePoints(text: string, toLatin: (s: string) => string): number | null {
  const plain = toLatin(text).replace(/[\s,٬،]/g, '');
  if (!/^[0-9]{1,10}$/.test(plain)) return null;
  const n = Number(plain);
  return n >= 1 && n <= 1_000_000_000 ? n : null;
}

/** An offer's stock typed in any digits: null when empty (unlimited), a whole number 0 to a billion, else undefined (not one). */
export function parseStock(text: string, toLatin: (s: string) => string): number | null | undefined {
  const plain = toLatin(text).replace(/[\s,٬،]/g, '');
  if (plain === '') return null;
  if (!/^[0-9]{1,10}$/.test(plain)) return undefined;
  const n = Number(plain);
  return n <= 1_000_000_000 ? n : undefined;
}
