import { sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { reachableChannel } from './automation.actions.ts';

/** A customer a message can go to, by the channel automations would choose. */
export interface Reachable {
  reachable: true;
  customerId: string;
  channel: 'email' | 'sms';
  /** the e-mail address or E.164 phone */
  recipient: string;
  language: string | null;
  name: string | null;
}

export interface Unreachable {
  reachable: false;
  customerId: string;
  reason: 'unknown_customer' | 'customer_erased' | 'customer_merged' | 'no_reachable_channel';
}

interface Row extends Record<string, unknown> {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  language: string | null;
  preferred_channel: string | null;
  consent: Record<string, { granted?: boolean } | undefined> | null;
  merged_into: string | null;
  erased_at: string | Date | null;
}

/**
 * For each customer, where a message of the `requested` channel would go: the customer's
 * preferred channel first (with consent granted and an address), as send_message chooses. Other
 * modules (survey invitations) ask here so the choice is made one way. The dispatch guard still
 * checks consent, quiet hours and caps when the message is sent.
 */
export async function reachableRecipients(
  db: Executor, tenantId: string, customerIds: string[], requested: 'preferred' | 'email' | 'sms',
): Promise<Map<string, Reachable | Unreachable>> {
  const out = new Map<string, Reachable | Unreachable>();
  if (customerIds.length === 0) return out;
  const result = await db.execute<Row>(sql`
    SELECT id, name, email, phone, language, preferred_channel, consent, merged_into, erased_at FROM customers
    WHERE tenant_id = ${tenantId} AND id = ANY(${sql.param(customerIds)}::uuid[])`);
  for (const row of result.rows) {
    if (row.erased_at) out.set(row.id, { reachable: false, customerId: row.id, reason: 'customer_erased' });
    else if (row.merged_into) out.set(row.id, { reachable: false, customerId: row.id, reason: 'customer_merged' });
    else {
      const customer = { consent: row.consent ?? {}, email: row.email, phone: row.phone, preferredChannel: row.preferred_channel };
      const channel = reachableChannel(customer, requested);
      out.set(row.id, channel
        ? { reachable: true, customerId: row.id, channel, recipient: (channel === 'email' ? row.email : row.phone)!, language: row.language, name: row.name }
        : { reachable: false, customerId: row.id, reason: 'no_reachable_channel' });
    }
  }
  for (const id of customerIds) if (!out.has(id)) out.set(id, { reachable: false, customerId: id, reason: 'unknown_customer' });
  return out;
}
