import { and, asc, eq, inArray, or } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { contactClaimsOf } from '../customers/index.ts';
import { anonymousCasesOfClaims } from './case-contact-match.ts';
import { complaintCaseSatisfaction, complaintNotices } from './complaint-customer.schema.ts';
import { complaintAttachments, complaintCaseMessages } from './complaint-intake.schema.ts';
import { complaintCaseEvents, complaintCases } from './complaints.schema.ts';

// A person's complaints in their data export (right of access): the customers module asks each
// module for its section (customer.hooks.ts). Their cases are those linked to the customer record
// and the workspace's anonymous cases filed with an e-mail or phone the customer held (current or
// past) while it was theirs, as erasure finds them. Internal notes and the staff's notes on steps
// are personal data about the person too (ISO 10002's "confidentiality" does not exempt them from
// access): they are included, marked `internal`, so the export shows plainly what the customer was
// never shown. Staff identities and file contents stay out (names and sizes, types and checksums of
// the files are in).

export interface ExportedCaseEntry {
  at: string;
  /** transition | response | note | customer_message */
  kind: string;
  action: string | null;
  fromState: string | null;
  toState: string | null;
  /** agent | supervisor | customer | system */
  by: string;
  text: string | null;
  /** the text was never shown to the customer: an internal note, a step's note, an imported response */
  internal: boolean;
}

export interface ExportedCase {
  trackingCode: string;
  /** how the case was found to be this person's: linked to the record, or an anonymous case with their contact */
  linkedBy: 'customer' | 'contact';
  channel: string;
  receivedAt: string;
  closedAt: string | null;
  state: string;
  category: string | null;
  product: string | null;
  severity: string;
  contact: { name: string | null; email: string | null; phone: string | null };
  description: string;
  impact: string | null;
  remedySought: string | null;
  resolutionSummary: string | null;
  rootCause: string | null;
  log: ExportedCaseEntry[];
  /** mail and SMS received from or sent to the person through complaint intake */
  messages: { at: string; channel: string; direction: string; from: string | null; to: string | null; subject: string | null; text: string }[];
  attachments: { at: string; fileName: string; contentType: string; sizeBytes: number; sha256: string; source: string }[];
  /** notices sent about the case (acknowledgement, decisions, closure, replies, the satisfaction question) */
  notices: { kind: string; status: string; channel: string | null; at: string | null }[];
  satisfaction: { answeredAt: string; score: number | null; points: number | null; negative: boolean }[];
}

export interface CustomerCasesExport {
  cases: ExportedCase[];
}

/** What the customer saw of a log line's text on the tracking page (case-customer.service.ts decides the same). */
function shownToCustomer(e: { kind: string; action: string | null; actorType: string }): boolean {
  return (e.kind === 'customer_message' && e.actorType === 'customer') || (e.kind === 'response' && e.action === 'reply');
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The customer's complaint cases, oldest first, with everything held about them. Tenant-scoped in every statement. */
export async function exportCustomerCases(db: Executor, tenantId: string, customerId: string): Promise<CustomerCasesExport> {
  const anonymous = anonymousCasesOfClaims(await contactClaimsOf(db, tenantId, customerId));
  const cases = await db.select().from(complaintCases)
    .where(and(eq(complaintCases.tenantId, tenantId), anonymous ? or(eq(complaintCases.customerId, customerId), anonymous) : eq(complaintCases.customerId, customerId)))
    .orderBy(asc(complaintCases.receivedAt), asc(complaintCases.id));
  if (cases.length === 0) return { cases: [] };
  const ids = cases.map((c) => c.id);
  const [events, messages, attachments, notices, answers] = [
    await db.select().from(complaintCaseEvents).where(and(eq(complaintCaseEvents.tenantId, tenantId), inArray(complaintCaseEvents.caseId, ids))).orderBy(asc(complaintCaseEvents.id)),
    await db.select().from(complaintCaseMessages).where(and(eq(complaintCaseMessages.tenantId, tenantId), inArray(complaintCaseMessages.caseId, ids))).orderBy(asc(complaintCaseMessages.at)),
    await db.select({
      caseId: complaintAttachments.caseId, at: complaintAttachments.createdAt, fileName: complaintAttachments.fileName, contentType: complaintAttachments.contentType,
      sizeBytes: complaintAttachments.sizeBytes, sha256: complaintAttachments.sha256, source: complaintAttachments.source,
    }).from(complaintAttachments).where(and(eq(complaintAttachments.tenantId, tenantId), inArray(complaintAttachments.caseId, ids))).orderBy(asc(complaintAttachments.createdAt)),
    await db.select().from(complaintNotices).where(and(eq(complaintNotices.tenantId, tenantId), inArray(complaintNotices.caseId, ids))).orderBy(asc(complaintNotices.createdAt)),
    await db.select().from(complaintCaseSatisfaction)
      .where(and(eq(complaintCaseSatisfaction.tenantId, tenantId), inArray(complaintCaseSatisfaction.caseId, ids))).orderBy(asc(complaintCaseSatisfaction.answeredAt)),
  ];
  const of = <T extends { caseId: string }>(rows: T[], caseId: string) => rows.filter((r) => r.caseId === caseId);
  return {
    cases: cases.map((c) => ({
      trackingCode: c.trackingCode,
      linkedBy: c.customerId === customerId ? 'customer' as const : 'contact' as const,
      channel: c.channel,
      receivedAt: c.receivedAt.toISOString(),
      closedAt: iso(c.closedAt),
      state: c.state,
      category: c.category,
      product: c.product,
      severity: c.severity,
      contact: { name: c.contactName, email: c.contactEmail, phone: c.contactPhone },
      description: c.description,
      impact: c.impact,
      remedySought: c.remedySought,
      resolutionSummary: c.resolutionSummary,
      rootCause: c.rootCause,
      log: of(events, c.id).map((e) => ({
        at: e.at.toISOString(), kind: e.kind, action: e.action, fromState: e.fromState, toState: e.toState, by: e.actorType, text: e.note,
        internal: e.note !== null && !shownToCustomer(e),
      })),
      messages: of(messages, c.id).map((m) => ({
        at: m.at.toISOString(), channel: m.channel, direction: m.direction, from: m.fromAddress, to: m.toAddress, subject: m.subject, text: m.bodyText,
      })),
      attachments: of(attachments, c.id).map(({ caseId: _c, at, ...a }) => ({ at: at.toISOString(), ...a })),
      notices: of(notices, c.id).map((n) => ({ kind: n.kind, status: n.status, channel: n.channel, at: iso(n.issuedAt) })),
      satisfaction: of(answers, c.id).map((s) => ({ answeredAt: s.answeredAt.toISOString(), score: s.score, points: s.points, negative: s.negative })),
    })),
  };
}
