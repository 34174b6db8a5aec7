// Calls of the account-security screens; shapes from @vafa/contracts as types only.
import type { z } from 'zod';
import type { AccountSessionView, RecoveryCodes, TwoFactorEnrolment, TwoFactorStatus } from '@vafa/contracts';
import { request } from '../../lib/api.ts';

export type AccountSession = z.infer<typeof AccountSessionView>;
export type TwoFactor = z.infer<typeof TwoFactorStatus>;
export type Enrolment = z.infer<typeof TwoFactorEnrolment>;

export const accountApi = {
  changePassword: (currentPassword: string, newPassword: string) => request<void>('POST', '/api/account/password', { currentPassword, newPassword }),
  requestReset: (email: string) => request<{ accepted: true }>('POST', '/api/auth/password-reset', { email }),
  completeReset: (token: string, newPassword: string) => request<void>('POST', '/api/auth/password-reset/complete', { token, newPassword }),
  twoFactor: () => request<TwoFactor>('GET', '/api/account/two-factor'),
  startEnrolment: () => request<Enrolment>('POST', '/api/account/two-factor/enrolment'),
  confirmEnrolment: (code: string) => request<z.infer<typeof RecoveryCodes>>('POST', '/api/account/two-factor/confirm', { code }),
  newRecoveryCodes: (password: string) => request<z.infer<typeof RecoveryCodes>>('POST', '/api/account/two-factor/recovery-codes', { password }),
  disableTwoFactor: (password: string) => request<void>('POST', '/api/account/two-factor/disable', { password }),
  sessions: () => request<{ items: AccountSession[] }>('GET', '/api/account/sessions'),
  revokeSession: (id: string) => request<void>('DELETE', `/api/account/sessions/${id}`),
  revokeOtherSessions: () => request<{ ended: number }>('POST', '/api/account/sessions/revoke-others'),
};
