// A customer's erasure reaches their complaint cases (the customers module's erase hook, run in
// the erasure's transaction, so it happens whole or not at all). As touchpoints, follow-up notes
// and messages are erased, a case keeps what happened and loses what was said: its code, states,
// timestamps, channel, category, product, severity, team, assignee and root cause stay, so reports
// and the queue still count it; the contact, every word of the complaint and of its log, the mail
// and SMS it came with and its files go. Anonymous cases whose contact is the person's e-mail or
// phone are theirs too, though no customer link says so: any they have held, current or past,
// for the cases filed while it was theirs (case-contact-match.ts).
//
// The case log is append-only, and this is its one exception, kept narrow: a line's text (`note`)
// is blanked and the words in its details (an e-mail's subject, a resolution summary) dropped,
// with `redacted: "customer_erased"` in their place so a reader knows why the line is silent. No
// line is removed and nothing else about one changes: who, when, which step, from and to.
// complaint.test.ts guards that no other source writes to the log.
import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { contactClaimsOf, type ErasedContact } from '../customers/index.ts';
import { anonymousCasesOfClaims } from './case-contact-match.ts';

/** The keys of a log line's details that hold someone's words. */
export const WORDS_IN_DETAILS = ['subject', 'resolutionSummary'] as const;
export const REDACTED = { redacted: 'customer_erased' } as const;

export async function eraseCustomerCases(tx: Executor, tenantId: string, customerId: string, former: ErasedContact = { email: null, phone: null }): Promise<void> {
  // The record is already blank here: its contact as it was comes with the hook; its past ones from the customers' history, kept until all hooks ran.
  const anonymous = anonymousCasesOfClaims(await contactClaimsOf(tx, tenantId, customerId, former));
  // The cases' rows first, locked by the update, as every change of a case locks its row first.
  const { rows } = await tx.execute<{ id: string }>(sql`
    UPDATE complaint_cases
    SET contact_name = NULL, contact_phone = NULL, contact_email = NULL, description = '', impact = NULL, remedy_sought = NULL,
        resolution_summary = NULL,
        -- a case opened by mail or SMS names its sender as its creator: the channel is kept
        created_by = CASE WHEN created_by ~ '^(email|sms):' THEN split_part(created_by, ':', 1) || ':erased' ELSE created_by END
    WHERE tenant_id = ${tenantId} AND (customer_id = ${customerId}${anonymous ? sql` OR ${anonymous}` : sql``})
    RETURNING id`);
  if (rows.length === 0) return;
  const caseIds = sql`${`{${rows.map((r) => r.id).join(',')}}`}::uuid[]`;
  const keys = sql`${`{${WORDS_IN_DETAILS.join(',')}}`}::text[]`;
  await tx.execute(sql`
    UPDATE complaint_case_events
    SET note = NULL, details = (details - ${keys}) || ${JSON.stringify(REDACTED)}::jsonb
    WHERE tenant_id = ${tenantId} AND case_id = ANY(${caseIds}) AND (note IS NOT NULL OR details ?| ${keys})`);
  // Message-IDs go too (a mail program may build them from its user's address), so mail threads on these cases end here.
  await tx.execute(sql`
    UPDATE complaint_case_messages SET message_id_header = NULL, from_address = NULL, to_address = NULL, subject = NULL, body_text = ''
    WHERE tenant_id = ${tenantId} AND case_id = ANY(${caseIds})`);
  await tx.execute(sql`DELETE FROM complaint_attachments WHERE tenant_id = ${tenantId} AND case_id = ANY(${caseIds})`);
  await eraseCaseOutbox(tx, tenantId, caseIds);
}

/**
 * What was sent about these cases, in the message outbox: the notices (acknowledgement, each step,
 * staff replies, the satisfaction question) and the mail intake's acknowledgement. Those to an
 * anonymous case's contact carry no customer, so engagement's own erasure of a customer's messages
 * (messaging.repo.ts eraseMessagesOf) never meets them; they are redacted here the same way: status
 * and times kept, address and words gone, one still waiting suppressed. Found by id through the
 * cases' notice rows and mail rows, never by scanning the outbox.
 */
async function eraseCaseOutbox(tx: Executor, tenantId: string, caseIds: SQL): Promise<void> {
  await tx.execute(sql`
    UPDATE messages SET recipient = 'erased', subject = NULL, body_text = '', body_html = NULL, payload = NULL, detail = NULL,
      status = CASE WHEN status IN ('queued', 'failed') THEN 'suppressed' ELSE status END,
      reason = CASE WHEN status IN ('queued', 'failed') THEN 'customer_erased' ELSE reason END,
      updated_at = clock_timestamp()
    WHERE tenant_id = ${tenantId} AND id IN (
      SELECT message_id FROM complaint_notices WHERE tenant_id = ${tenantId} AND case_id = ANY(${caseIds}) AND message_id IS NOT NULL
      UNION
      SELECT id FROM complaint_case_messages WHERE tenant_id = ${tenantId} AND case_id = ANY(${caseIds}) AND direction = 'outbound')`);
}
