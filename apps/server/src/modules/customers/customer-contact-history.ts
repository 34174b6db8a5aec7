import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { customerContactHistory } from './customer-contact-history.schema.ts';
import { registerCustomerDataExporter } from './customer.hooks.ts';
import { customers } from './customer.schema.ts';

// Which rows that name a person by address alone (an anonymous complaint's phone or e-mail) are
// whose. A phone number is reassigned and an e-mail given up, so an address is a person's only
// for a time: a row filed at t with address X belongs to the customer whose hold on X ended first
// after t, or, when no hold on X has ended since t, to whoever holds X now. So a past address
// reaches rows filed up to the moment the customer changed it (the trigger's `released_at`), never
// those of the next holder; and a row filed while nobody in the workspace held X (before anyone's
// record had it, or between one holder letting it go and the next taking it) is the next holder's,
// as it was before this history, when such a case went to whichever record held its contact at the
// time of the erasure. A merged-away record lets its addresses go at the merge (unless the survivor
// takes them), so a row filed after it with such an address waits for the next holder too.
// The history rows are written by a trigger on `customers` (migration 0034), so every writer is
// covered; addresses let go before it are known only from merges and the workspace's own messages.

/**
 * A window of time in which rows with this address are the customer's: from `after` (inclusive) to
 * `before` (exclusive); null is unbounded. Instants are ISO text to the microsecond, as PostgreSQL
 * holds them: a Date would drop the last three digits and could move a row filed in the same
 * millisecond as the change to the wrong side of it.
 */
export interface ContactClaim {
  kind: 'phone' | 'email';
  /** E.164, or the e-mail trimmed and lower-cased */
  value: string;
  after: string | null;
  before: string | null;
}

/** A customer's current phone and e-mail (for an erasure, as they were before it). */
export interface HeldContact {
  email: string | null;
  /** E.164 */
  phone: string | null;
}

const ISO_MICROS = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;

/**
 * Every address this customer has held, each with the window in which rows carrying it are theirs.
 * `current` is what the record holds now; left out, it is read from the record (nothing for a
 * record merged away or erased: a merged record's addresses were handed to its survivor's history).
 */
export async function contactClaimsOf(db: Executor, tenantId: string, customerId: string, current?: HeldContact): Promise<ContactClaim[]> {
  let held = current;
  const [row] = await db.select({ phone: customers.phone, email: customers.email, mergedInto: customers.mergedInto, erasedAt: customers.erasedAt })
    .from(customers).where(and(eq(customers.tenantId, tenantId), eq(customers.id, customerId)));
  if (!row || row.mergedInto) held = undefined;
  else if (!held) held = row.erasedAt ? undefined : row;
  const phone = held?.phone || null;
  const email = held?.email?.trim().toLowerCase() || null;
  const { rows } = await db.execute<{ kind: ContactClaim['kind']; value: string; after: string | null; before: string | null }>(sql`
    WITH held AS (
      SELECT kind, value, released_at FROM customer_contact_history WHERE tenant_id = ${tenantId} AND customer_id = ${customerId}
      UNION ALL SELECT 'phone', ${phone}::text, NULL::timestamptz WHERE ${phone}::text IS NOT NULL
      UNION ALL SELECT 'email', ${email}::text, NULL::timestamptz WHERE ${email}::text IS NOT NULL
    ), windows AS (
      SELECT DISTINCT h.kind, h.value, h.released_at AS before,
        (SELECT max(o.released_at) FROM customer_contact_history o
         WHERE o.tenant_id = ${tenantId} AND o.kind = h.kind AND o.value = h.value AND (h.released_at IS NULL OR o.released_at < h.released_at)) AS after
      FROM held h
    )
    SELECT kind, value, to_char(after AT TIME ZONE 'UTC', ${sql.raw(ISO_MICROS)}) AS after, to_char(before AT TIME ZONE 'UTC', ${sql.raw(ISO_MICROS)}) AS before
    FROM windows`);
  return rows.map((r) => ({ kind: r.kind, value: r.value, after: r.after, before: r.before }));
}

/** A merge: the merged record's past addresses (and those it held until the merge) become the survivor's. */
export async function moveContactHistory(db: Executor, tenantId: string, fromId: string, toId: string): Promise<void> {
  await db.update(customerContactHistory).set({ customerId: toId })
    .where(and(eq(customerContactHistory.tenantId, tenantId), eq(customerContactHistory.customerId, fromId)));
}

/** An erasure, once every module has found the person's rows by them: their past addresses go too. */
export async function forgetContactHistory(db: Executor, tenantId: string, customerIds: string[]): Promise<void> {
  if (customerIds.length === 0) return;
  await db.delete(customerContactHistory)
    .where(and(eq(customerContactHistory.tenantId, tenantId), inArray(customerContactHistory.customerId, customerIds)));
}

/** The addresses a customer held before, in their data export: what is held about them, and what their other sections were found by. */
export async function pastContactsOf(db: Executor, tenantId: string, customerId: string): Promise<{ kind: string; value: string; heldUntil: string }[]> {
  const rows = await db.select({ kind: customerContactHistory.kind, value: customerContactHistory.value, releasedAt: customerContactHistory.releasedAt })
    .from(customerContactHistory)
    .where(and(eq(customerContactHistory.tenantId, tenantId), eq(customerContactHistory.customerId, customerId)))
    .orderBy(customerContactHistory.releasedAt, customerContactHistory.id);
  return rows.map((r) => ({ kind: r.kind, value: r.value, heldUntil: r.releasedAt.toISOString() }));
}
registerCustomerDataExporter('pastContacts', pastContactsOf);
