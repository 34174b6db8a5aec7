import { sql, type SQL } from 'drizzle-orm';
import type { ContactClaim } from '../customers/index.ts';
import { complaintCases, contactSearchKey } from './complaints.schema.ts';

// Anonymous cases (filed on the public form, by mail or SMS, without a customer record) name a
// person by their contact alone. A person's erasure and their data export reach these cases too:
// those filed with any phone or e-mail the customer has held, current or past, while it was theirs
// (customers' contactClaimsOf decides the windows: a reassigned number's later cases are its new
// holder's, never the former one's).

/** A LIKE pattern matching `needle` anywhere, its own % _ and \ taken literally. */
const containing = (needle: string) => `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The condition on complaint_cases for the anonymous cases filed with one of these contacts (an
 * e-mail in any letter case, an E.164 phone) inside its window; null when there is none. The
 * caller adds the workspace. The LIKE on the contact's search key lets its trigram index find
 * them; the equality and the time decide.
 */
export function anonymousCasesOfClaims(claims: ContactClaim[]): SQL | null {
  const key = contactSearchKey(complaintCases);
  const matches = claims.filter((c) => c.value).map((c) => {
    const value = c.kind === 'email' ? c.value.trim().toLowerCase() : c.value;
    const same = c.kind === 'email' ? sql`lower(btrim(contact_email)) = ${value}` : sql`contact_phone = ${value}`;
    const window = [
      ...(c.after ? [sql`received_at >= ${c.after}::timestamptz`] : []),
      ...(c.before ? [sql`received_at < ${c.before}::timestamptz`] : []),
    ];
    return sql`(${key} LIKE ${containing(value)} AND ${same}${window.length ? sql` AND ${sql.join(window, sql` AND `)}` : sql``})`;
  });
  return matches.length === 0 ? null : sql`(customer_id IS NULL AND (${sql.join(matches, sql` OR `)}))`;
}
