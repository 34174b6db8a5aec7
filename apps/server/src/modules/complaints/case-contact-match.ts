import { sql, type SQL } from 'drizzle-orm';
import type { ErasedContact } from '../customers/index.ts';
import { complaintCases, contactSearchKey } from './complaints.schema.ts';

// Anonymous cases (filed on the public form, by mail or SMS, without a customer record) name a
// person by their contact alone. A person's erasure and their data export reach these cases too.

/** A LIKE pattern matching `needle` anywhere, its own % _ and \ taken literally. */
const containing = (needle: string) => `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The condition on complaint_cases for the anonymous cases whose contact is this e-mail (in any
 * letter case) or this E.164 phone; null when there is neither. The caller adds the workspace.
 * The LIKE on the contact's search key lets its trigram index find them; the equality decides.
 */
export function anonymousCasesWithContact(contact: ErasedContact): SQL | null {
  const email = contact.email?.trim().toLowerCase() || null;
  const phone = contact.phone || null;
  const key = contactSearchKey(complaintCases);
  const matches = [
    ...(email ? [sql`(${key} LIKE ${containing(email)} AND lower(btrim(contact_email)) = ${email})`] : []),
    ...(phone ? [sql`(${key} LIKE ${containing(phone)} AND contact_phone = ${phone})`] : []),
  ];
  return matches.length === 0 ? null : sql`(customer_id IS NULL AND (${sql.join(matches, sql` OR `)}))`;
}
