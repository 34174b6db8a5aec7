// API calls of the tiers section of the program editor: the tiers and settings (read through the
// same query key the reward screens use), the settings, and a tier's creation, change and removal,
// each with the Idempotency-Key of the change a person means.
import type { CreateLoyaltyTier, LoyaltyTierList, LoyaltyTierSettings, LoyaltyTierView, UpdateLoyaltyTier } from '@vafa/contracts';
import { request } from '../../lib/api.ts';

export type TierList = LoyaltyTierList;
export type Tier = LoyaltyTierView;

const base = (programId: string) => `/api/loyalty/programs/${programId}`;
const keyed = (key: string) => ({ 'Idempotency-Key': key });

export const tiersApi = {
  list: (programId: string) => request<TierList>('GET', `${base(programId)}/tiers`),
  saveSettings: (programId: string, body: LoyaltyTierSettings, key: string) => request<TierList>('PUT', `${base(programId)}/tier-settings`, body, undefined, keyed(key)),
  create: (programId: string, body: CreateLoyaltyTier, key: string) => request<Tier>('POST', `${base(programId)}/tiers`, body, undefined, keyed(key)),
  update: (programId: string, tierId: string, body: UpdateLoyaltyTier, key: string) => request<Tier>('PATCH', `${base(programId)}/tiers/${tierId}`, body, undefined, keyed(key)),
  remove: (programId: string, tierId: string, key: string) => request<void>('DELETE', `${base(programId)}/tiers/${tierId}`, undefined, undefined, keyed(key)),
};
