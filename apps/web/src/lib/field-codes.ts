// Forms check what they send with the server's own schemas (packages/contracts), so every problem
// shows at once, before a round trip, in the same words. Pure; unit tested through its callers.
import type { ZodType } from 'zod';

/** field → the stable code of its first problem (zod's, or a custom check's `params.code`) */
export type FieldCodes = Record<string, string>;

/** The problems a schema finds in a value, one code per top-level field; {} when it passes. */
export function fieldCodes(schema: ZodType, value: unknown): FieldCodes {
  const result = schema.safeParse(value);
  const codes: FieldCodes = {};
  if (result.success) return codes;
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? '');
    const own = issue.code === 'custom' ? (issue.params as { code?: unknown } | undefined)?.code : undefined;
    codes[field] ??= typeof own === 'string' ? own : issue.code;
  }
  return codes;
}
