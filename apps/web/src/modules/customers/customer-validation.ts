// The customer form checks what it sends with the server's own schemas (packages/contracts), so
// every problem shows at once, before a round trip, in the same words. Pure; unit tested.
import { CreateCustomer, UpdateCustomer } from '@vafa/contracts';
import { fieldCodes, type FieldCodes } from '../../lib/field-codes.ts';

export type { FieldCodes };

export function createIssues(body: unknown): FieldCodes {
  return fieldCodes(CreateCustomer, body);
}

/** A change is checked as a PATCH, and must leave a name or a way to reach the customer (as the server requires). */
export function updateIssues(patch: { name?: string | null; phone?: string | null; email?: string | null } & Record<string, unknown>): FieldCodes {
  const codes = fieldCodes(UpdateCustomer, patch);
  if (!patch.name && !patch.phone && !patch.email) codes.name ??= 'name_or_contact_required';
  return codes;
}
