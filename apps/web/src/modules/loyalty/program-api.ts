// API calls of the program editor: one program, create, change against its version, archive, and
// the simulator ("this order would earn…") by saved or unsaved settings.
import type { CreateLoyaltyProgram, LoyaltyProgramView, LoyaltySimulation, LoyaltySimulationView, UpdateLoyaltyProgram } from '@vafa/contracts';
import { request } from '../../lib/api.ts';

export type Simulation = LoyaltySimulationView;

export const programKeys = {
  one: (id: string) => ['loyalty', 'programs', id] as const,
};

export const programApi = {
  get: (id: string) => request<LoyaltyProgramView>('GET', `/api/loyalty/programs/${id}`),
  create: (body: CreateLoyaltyProgram, idempotencyKey: string) =>
    request<LoyaltyProgramView>('POST', '/api/loyalty/programs', body, undefined, { 'Idempotency-Key': idempotencyKey }),
  update: (id: string, body: UpdateLoyaltyProgram) => request<LoyaltyProgramView>('PATCH', `/api/loyalty/programs/${id}`, body),
  archive: (id: string) => request<LoyaltyProgramView>('DELETE', `/api/loyalty/programs/${id}`),
  /** A program being created has no id yet: its draft settings go to the draft route. */
  simulate: (programId: string | null, body: LoyaltySimulation) =>
    request<Simulation>('POST', programId ? `/api/loyalty/programs/${programId}/simulate` : '/api/loyalty/programs/simulate', body),
};
