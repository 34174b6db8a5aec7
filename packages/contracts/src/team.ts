import { z } from 'zod';
import { PASSWORD_MIN_LENGTH } from './constants.ts';
import { IsoInstant, Locale, Role, SecretWithheld, ShownOnce, Uuid } from './common.ts';

export const Email = z.string().trim().toLowerCase().max(254).pipe(z.email());
export const Password = z.string().min(PASSWORD_MIN_LENGTH).max(200);

export const Login = z.strictObject({ email: Email, password: z.string().min(1).max(200), workspace: z.string().max(64).optional() });
export const SessionView = z.object({
  account: z.object({
    id: Uuid, email: z.string(), displayName: z.string(), language: Locale.nullable(),
    twoFactorEnabled: z.boolean(),
    /** may create workspaces when only instance administrators may */
    instanceAdmin: z.boolean(),
  }),
  workspace: z.object({ id: Uuid, slug: z.string(), name: z.string() }),
  role: Role,
  csrfToken: z.string(),
  /** the workspace requires a second factor and this account has none: enrol before anything else */
  mustEnrolTwoFactor: z.boolean(),
  workspaces: z.array(z.object({ id: Uuid, slug: z.string(), name: z.string(), role: Role })),
}).meta({ id: 'Session' });
export const UpdateMe = z
  .strictObject({ displayName: z.string().trim().min(1).max(200).optional(), language: Locale.optional() })
  .refine((patch) => patch.displayName !== undefined || patch.language !== undefined, 'nothing to change');

export const MemberView = z.object({
  accountId: Uuid,
  email: z.string(),
  displayName: z.string(),
  role: Role,
  createdAt: IsoInstant,
  disabled: z.boolean(),
}).meta({ id: 'Member' });
export const UpdateMember = z
  .strictObject({ role: Role.optional(), disabled: z.boolean().optional() })
  .refine((patch) => patch.role !== undefined || patch.disabled !== undefined, 'nothing to change');

export const CreateInvitation = z.strictObject({ email: Email, role: Role });
export const InvitationView = z.object({
  id: Uuid,
  email: z.string(),
  role: Role,
  createdAt: IsoInstant,
  expiresAt: IsoInstant,
  acceptedAt: IsoInstant.nullable(),
}).meta({ id: 'Invitation' });
/** The acceptance link's token is shown once, to the inviter, to pass on (an idempotent replay withholds both). */
export const CreatedInvitation = InvitationView.extend({ token: ShownOnce, acceptUrl: ShownOnce, secretWithheld: SecretWithheld });
export const AcceptInvitation = z.strictObject({ token: z.string().min(10).max(200), displayName: z.string().trim().min(1).max(200), password: Password });

/** This instance's single sign-on providers, for the sign-in page; empty when SSO is off. */
export const SsoProviders = z.object({
  items: z.array(z.object({ id: z.string(), name: z.string().nullable(), startUrl: z.string() })),
}).meta({ id: 'SsoProviders' });
