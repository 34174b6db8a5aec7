// API calls of the values program's screens: charities (list, add, change, archive), a charity's
// donations with their receipts, and a member's automatic share of each purchase. Shapes come from
// @vafa/contracts as types only.
import type { CharityShareView, CreateCharity, DonationView, SetCharityShare, UpdateCharity } from '@vafa/contracts';
import { request } from '../../lib/api.ts';
import type { Charity } from './api.ts';

export type Donation = DonationView;
export type CharityShare = NonNullable<CharityShareView['share']>;

/** Donations a charity's list shows at once: the newest ones (the API's own most). */
export const DONATIONS_SHOWN = 200;

export const charityKeys = {
  charity: (charityId: string) => ['loyalty', 'charities', charityId] as const,
  donations: (charityId: string) => ['loyalty', 'charities', charityId, 'donations'] as const,
  share: (customerId: string) => ['loyalty', 'charity-share', customerId] as const,
};

export const charitiesApi = {
  create: (body: CreateCharity, key: string) => request<Charity>('POST', '/api/loyalty/charities', body, undefined, { 'Idempotency-Key': key }),
  update: (charityId: string, body: UpdateCharity, key: string) => request<Charity>('PATCH', `/api/loyalty/charities/${charityId}`, body, undefined, { 'Idempotency-Key': key }),
  archive: (charityId: string, key: string) => request<void>('DELETE', `/api/loyalty/charities/${charityId}`, undefined, undefined, { 'Idempotency-Key': key }),
  charity: (charityId: string) => request<Charity>('GET', `/api/loyalty/charities/${charityId}`),
  donations: (charityId: string) => request<{ items: Donation[] }>('GET', '/api/loyalty/donations', undefined, { charityId, limit: DONATIONS_SHOWN }),
  share: (customerId: string) => request<CharityShareView>('GET', `/api/loyalty/members/${customerId}/charity-share`),
  setShare: (customerId: string, body: SetCharityShare, key: string) =>
    request<CharityShareView>('PUT', `/api/loyalty/members/${customerId}/charity-share`, body, undefined, { 'Idempotency-Key': key }),
  stopShare: (customerId: string, key: string) =>
    request<void>('DELETE', `/api/loyalty/members/${customerId}/charity-share`, undefined, undefined, { 'Idempotency-Key': key }),
};
