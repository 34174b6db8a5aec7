import { z } from 'zod';
import { IsoInstant, Locale, Uuid } from './common.ts';
import { Email, Password, SessionView } from './team.ts';

/** A one-time code as people type it: 6 digits (any script) or a recovery code, spaces and dashes allowed. */
export const SecondFactorCode = z.string().trim().min(6).max(40);

/** Sign-in answers this instead of a session when the account has a second factor. */
export const TwoFactorChallenge = z.object({
  twoFactorRequired: z.literal(true),
  /** short-lived; send it back with the code */
  challenge: z.string(),
}).meta({ id: 'TwoFactorChallenge' });
export const LoginResult = z.union([SessionView, TwoFactorChallenge]);
export const LoginSecondFactor = z.strictObject({ challenge: z.string().min(10).max(500), code: SecondFactorCode });

export const ChangePassword = z.strictObject({ currentPassword: z.string().min(1).max(200), newPassword: Password });
export const RequestPasswordReset = z.strictObject({ email: Email, language: Locale.optional() });
export const CompletePasswordReset = z.strictObject({ token: z.string().min(20).max(200), newPassword: Password });

export const TwoFactorStatus = z.object({
  enabled: z.boolean(),
  enabledAt: IsoInstant.nullable(),
  recoveryCodesLeft: z.number().int(),
}).meta({ id: 'TwoFactorStatus' });
/** The secret and QR code of an enrolment not yet confirmed; shown to the account holder only. */
/** true on an idempotent replay, which never repeats a secret */
const Withheld = z.literal(true).optional();
export const TwoFactorEnrolment = z.object({
  secret: z.string().optional(),
  otpauthUri: z.string().optional(),
  /** SVG image of the otpauth URI, as a data: URL */
  qrCode: z.string().optional(),
  secretWithheld: Withheld,
}).meta({ id: 'TwoFactorEnrolment' });
export const ConfirmTwoFactor = z.strictObject({ code: SecondFactorCode });
/** Recovery codes are shown once, when made. */
export const RecoveryCodes = z.object({ recoveryCodes: z.array(z.string()).optional(), secretWithheld: Withheld }).meta({ id: 'RecoveryCodes' });
export const DisableTwoFactor = z.strictObject({ password: z.string().min(1).max(200) });

export const AccountSessionView = z.object({
  id: Uuid,
  workspace: z.object({ slug: z.string(), name: z.string() }),
  createdAt: IsoInstant,
  lastSeenAt: IsoInstant,
  expiresAt: IsoInstant,
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  current: z.boolean(),
}).meta({ id: 'AccountSession' });
