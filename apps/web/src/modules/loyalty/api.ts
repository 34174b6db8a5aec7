// API calls of the loyalty screens: a member's balance and history, manual credits and spends,
// the programs, rewards and charities, and the ledger's self-check. Shapes come from
// @vafa/contracts as types only.
import type {
  CharityView, LoyaltyBalanceView, LoyaltyEntryView, LoyaltyHistoryEntry, LoyaltyHistoryPage, LoyaltyProgramView, LoyaltyVerifyView, RewardView,
} from '@vafa/contracts';
import { request } from '../../lib/api.ts';

export type Balance = LoyaltyBalanceView;
export type Entry = LoyaltyEntryView;
/** A line of a member's history: an entry with its partner and offer, if any. */
export type HistoryEntry = LoyaltyHistoryEntry;
export type Program = LoyaltyProgramView;
export type Reward = RewardView;
export type Charity = CharityView;
export type Verify = LoyaltyVerifyView;

/** A change a person makes by hand: points and why. */
export interface ManualChange {
  points: number;
  reason: string;
}

export const loyaltyKeys = {
  balance: (customerId: string) => ['loyalty', 'balance', customerId] as const,
  history: (customerId: string) => ['loyalty', 'history', customerId] as const,
  programs: ['loyalty', 'programs'] as const,
  rewards: ['loyalty', 'rewards'] as const,
  charities: ['loyalty', 'charities'] as const,
};

export const loyaltyApi = {
  balance: (customerId: string) => request<Balance>('GET', `/api/loyalty/members/${customerId}`),
  history: (customerId: string, cursor?: string, limit = 20) =>
    request<LoyaltyHistoryPage>('GET', `/api/loyalty/members/${customerId}/entries`, undefined, { cursor, limit }),
  /** One Idempotency-Key per change a person means: a retried press never credits twice. */
  earn: (customerId: string, change: ManualChange, idempotencyKey: string) =>
    request<Entry>('POST', `/api/loyalty/members/${customerId}/earnings`, change, undefined, { 'Idempotency-Key': idempotencyKey }),
  redeem: (customerId: string, change: ManualChange, idempotencyKey: string) =>
    request<Entry>('POST', `/api/loyalty/members/${customerId}/redemptions`, change, undefined, { 'Idempotency-Key': idempotencyKey }),
  reverse: (entryId: number, reason: string, idempotencyKey: string) =>
    request<Entry>('POST', `/api/loyalty/entries/${entryId}/reversal`, { reason }, undefined, { 'Idempotency-Key': idempotencyKey }),
  programs: () => request<{ items: Program[] }>('GET', '/api/loyalty/programs'),
  rewards: () => request<{ items: Reward[] }>('GET', '/api/loyalty/rewards', undefined, { all: 'true' }),
  charities: () => request<{ items: Charity[] }>('GET', '/api/loyalty/charities'),
  verify: () => request<Verify>('GET', '/api/loyalty/verify'),
};
