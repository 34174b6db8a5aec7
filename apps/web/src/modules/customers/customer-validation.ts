// The customer form checks what it sends with the server's own schemas (packages/contracts), so
// every problem shows at once, before a round trip, in the same words. Pure; unit tested.
import { CreateCustomer, UpdateCustomer } from '@vafa/contracts';

/** field → the stable code of its first problem (zod's, or a custom check's `params.code`) */
export type FieldCodes = Record<string, string>;

function codesOf(issues: readonly { code: string; path: readonly PropertyKey[]; params?: unknown }[]): FieldCodes {
  const codes: FieldCodes = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? '');
    const own = issue.code === 'custom' ? (issue.params as { code?: unknown } | undefined)?.code : undefined;
    codes[field] ??= typeof own === 'string' ? own : issue.code;
  }
  return codes;
}

export function createIssues(body: unknown): FieldCodes {
  const result = CreateCustomer.safeParse(body);
  return result.success ? {} : codesOf(result.error.issues);
}

/** A change is checked as a PATCH, and must leave a name or a way to reach the customer (as the server requires). */
export function updateIssues(patch: { name?: string | null; phone?: string | null; email?: string | null } & Record<string, unknown>): FieldCodes {
  const result = UpdateCustomer.safeParse(patch);
  const codes = result.success ? {} : codesOf(result.error.issues);
  if (!patch.name && !patch.phone && !patch.email) codes.name ??= 'name_or_contact_required';
  return codes;
}
