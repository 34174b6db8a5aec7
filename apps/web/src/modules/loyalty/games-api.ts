// API calls of the games and prepaid credit screens. Shapes come from @vafa/contracts as types only.
import type {
  CreateCreditPackage, CreateLoyaltyBadge, CreateLoyaltyChallenge, CreditPackageList, CreditPackageView, UpdateCreditPackage, LoyaltyBadgeList, LoyaltyBadgeView,
  LoyaltyChallengeList, LoyaltyChallengeView, UpdateLoyaltyChallenge,
} from '@vafa/contracts';
import { request } from '../../lib/api.ts';
import { newIdempotencyKey } from './loyalty-format.ts';

export type GameBadge = LoyaltyBadgeView;
export type Challenge = LoyaltyChallengeView;
export type CreditPackage = CreditPackageView;

export const gameKeys = {
  badges: (programId: string) => ['loyalty', 'games', programId, 'badges'] as const,
  challenges: (programId: string) => ['loyalty', 'games', programId, 'challenges'] as const,
  packages: ['loyalty', 'credit-packages'] as const,
};

const keyed = () => ({ 'Idempotency-Key': newIdempotencyKey() });

export const gamesApi = {
  badges: (programId: string) => request<LoyaltyBadgeList>('GET', `/api/loyalty/programs/${programId}/badges`),
  createBadge: (programId: string, body: CreateLoyaltyBadge) => request<GameBadge>('POST', `/api/loyalty/programs/${programId}/badges`, body, undefined, keyed()),
  challenges: (programId: string) => request<LoyaltyChallengeList>('GET', `/api/loyalty/programs/${programId}/challenges`),
  createChallenge: (programId: string, body: CreateLoyaltyChallenge) =>
    request<Challenge>('POST', `/api/loyalty/programs/${programId}/challenges`, body, undefined, keyed()),
  updateChallenge: (programId: string, id: string, body: UpdateLoyaltyChallenge) =>
    request<Challenge>('PATCH', `/api/loyalty/programs/${programId}/challenges/${id}`, body, undefined, keyed()),
  packages: () => request<CreditPackageList>('GET', '/api/loyalty/credit-packages'),
  createPackage: (programId: string, body: CreateCreditPackage) =>
    request<CreditPackage>('POST', `/api/loyalty/programs/${programId}/credit-packages`, body, undefined, keyed()),
  updatePackage: (programId: string, id: string, body: UpdateCreditPackage) =>
    request<CreditPackage>('PATCH', `/api/loyalty/programs/${programId}/credit-packages/${id}`, body, undefined, keyed()),
};

