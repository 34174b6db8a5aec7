// API calls of the complaints module. Shapes come from @vafa/contracts as types only.
// Some routes arrive later than their contracts (the SLA queue, per-case clocks, the root-cause
// taxonomy, the customer's tracking actions): each of those calls says what to do when the
// server answers 404 for the route itself, so the screens work before and after it lands.
import type { z } from 'zod';
import type {
  AcceptCaseResolution, AddCaseInformation, AddComplaintNote, AnswerCaseSatisfaction, AssignComplaint, CaseAccess, ComplaintAction, ComplaintChannel, ComplaintDetailView, ComplaintPage,
  ComplaintQueueItem, ComplaintQueuePage, ComplaintReceipt, ComplaintSeverity, ComplaintSlaView, ComplaintState, ComplaintTeamList,
  ComplaintThreadView, ComplaintTrackingView, ComplaintView, CustomerCaseView, MergeComplaint, ComplaintAttachmentList, FileComplaint, OpenComplaint, RejectCaseResolution, ReplyToComplaint, RootCauseList, RootCauseView,
  TakeComplaintAction, TrackComplaint,
} from '@vafa/contracts';
import { ApiError, request } from '../../lib/api.ts';

export type Complaint = ComplaintView;
export type ComplaintDetail = ComplaintDetailView;
export type QueueItem = ComplaintView & { sla?: ComplaintSlaView };
export type Sla = ComplaintSlaView;
export type State = ComplaintState;
export type Action = ComplaintAction;
export type Channel = ComplaintChannel;
export type Severity = ComplaintSeverity;
export type RootCause = RootCauseView;
export type NewComplaint = z.input<typeof OpenComplaint>;
export type PublicComplaint = z.input<typeof FileComplaint>;
export type Receipt = ComplaintReceipt;
export type Tracking = ComplaintTrackingView;
export type CustomerCase = CustomerCaseView;
export type Access = z.input<typeof CaseAccess>;
export type Thread = ComplaintThreadView;

export const STATES = [
  'received', 'acknowledged', 'assessed', 'under_investigation', 'resolution_proposed', 'resolution_communicated', 'closed', 'reopened', 'escalated',
  'waiting_for_customer',
] as const satisfies readonly State[];
export const ACTIONS = [
  'acknowledge', 'assess', 'investigate', 'propose_resolution', 'communicate_resolution', 'customer_accepts', 'customer_rejects', 'close', 'reopen',
  'escalate', 'wait_for_customer', 'customer_replied', 'resume',
] as const satisfies readonly Action[];
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const satisfies readonly Severity[];
/** The channels an agent records; web, widget, e-mail, SMS and API cases arrive by themselves. */
export const AGENT_CHANNELS = ['phone', 'chat', 'social', 'in_person', 'email', 'sms', 'api'] as const satisfies readonly Channel[];
export const CHANNELS = ['web', 'widget', 'email', 'sms', 'api', 'phone', 'chat', 'social', 'in_person'] as const satisfies readonly Channel[];
/** The default root-cause codes (contracts' ROOT_CAUSE_DIMENSIONS), named by the UI until the taxonomy route answers. */
export const DEFAULT_ROOT_CAUSES = [
  'product_quality', 'staff_behaviour', 'process_policy', 'price_billing', 'delivery', 'digital_tech', 'communication', 'facilities',
] as const;
/** The contracts' COMPLAINT_ATTACHMENT_MAX_BYTES and _MAX_FILES (kept here so no schema code ships; a test compares them). */
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
export const ATTACHMENT_MAX_FILES = 5;
export const SLA_FILTERS = ['breached', 'at_risk', 'ok', 'paused', 'none'] as const;
export type SlaFilter = (typeof SLA_FILTERS)[number];

export interface QueueFilters {
  state?: State | 'open' | 'all';
  assignee?: 'me' | 'unassigned' | string;
  team?: string;
  severity?: Severity;
  sla?: SlaFilter;
  channel?: Channel;
  /** a tracking code (4+ digits, any digits and separators) or words of the contact's name, phone or e-mail */
  q?: string;
}

/**
 * The route is not there: the generic 404, or (for /api/complaints/<word> before its route exists)
 * the case route refusing the word as an id.
 */
const isMissingRoute = (err: unknown) =>
  err instanceof ApiError && ((err.status === 404 && err.code === 'not_found') || (err.status === 400 && err.code === 'validation_failed' && 'id' in err.fieldErrors));

/** Routes found missing in this visit, so a screen does not ask again for each page. */
const missing = new Set<string>();
async function optional<T>(name: string, call: () => Promise<T>): Promise<T | null> {
  if (missing.has(name)) return null;
  try {
    return await call();
  } catch (err) {
    if (!isMissingRoute(err)) throw err;
    missing.add(name);
    return null;
  }
}

/**
 * A fresh Idempotency-Key: 128 random bits in hex. getRandomValues, not randomUUID, which only
 * exists in a secure context (a workspace served over plain http on the office network has none).
 */
export function newIdempotencyKey(): string {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export interface QueuePageResult { items: QueueItem[]; nextCursor: string | null; bySla: boolean }

export const complaintsApi = {
  /**
   * The queue: ordered by SLA urgency (GET /api/complaints/queue) when the server has it, else the
   * case list, oldest received first. The SLA queue lists open cases only; `severity` and closed
   * or all cases go to the case list.
   */
  queue: async (filters: QueueFilters, cursor?: string, limit = 50): Promise<QueuePageResult> => {
    const openOnly = filters.state !== 'closed' && filters.state !== 'all' && !filters.severity;
    if (openOnly) {
      const page = await optional('queue', () => request<ComplaintQueuePage>('GET', '/api/complaints/queue', undefined, {
        state: filters.state ?? 'open', assignee: filters.assignee, team: filters.team, sla: filters.sla, channel: filters.channel, q: filters.q, cursor, limit,
      }));
      if (page) return { items: page.items as ComplaintQueueItem[], nextCursor: page.nextCursor, bySla: true };
    }
    const page = await request<ComplaintPage>('GET', '/api/complaints', undefined, {
      state: filters.state ?? 'open', assignee: filters.assignee, team: filters.team, severity: filters.severity, channel: filters.channel, q: filters.q, cursor, limit,
    });
    return { ...page, bySla: false };
  },
  /** Whether the SLA queue answered in this visit (the SLA filter is offered then). */
  hasSlaQueue: () => !missing.has('queue'),
  complaint: (id: string) => request<ComplaintDetail & { sla?: ComplaintSlaView }>('GET', `/api/complaints/${id}`),
  /** The case's SLA clocks; null until the server has the route. */
  sla: (id: string) => optional('sla', () => request<ComplaintSlaView>('GET', `/api/complaints/${id}/sla`)),
  open: (body: NewComplaint) => request<ComplaintDetail>('POST', '/api/complaints', body),
  act: (id: string, body: z.input<typeof TakeComplaintAction>) => request<ComplaintDetail>('POST', `/api/complaints/${id}/actions`, body),
  /** A reply the customer receives (and sees on the tracking page); the key makes a retried send safe. */
  reply: (id: string, body: z.input<typeof ReplyToComplaint>, idempotencyKey: string) =>
    request<ComplaintDetail>('POST', `/api/complaints/${id}/replies`, body, undefined, { 'Idempotency-Key': idempotencyKey }),
  /** A note only staff see, allowed on a closed case. */
  note: (id: string, body: z.input<typeof AddComplaintNote>, idempotencyKey: string) =>
    request<ComplaintDetail>('POST', `/api/complaints/${id}/notes`, body, undefined, { 'Idempotency-Key': idempotencyKey }),
  assign: (id: string, body: z.input<typeof AssignComplaint>) => request<ComplaintDetail>('POST', `/api/complaints/${id}/assignment`, body),
  /** The workspace's root causes; null until the server has the taxonomy route (then the default codes apply). */
  rootCauses: () => optional('root-causes', () => request<RootCauseList>('GET', '/api/complaints/root-causes')),
  /** E-mails, SMS and attachments of the case and of the cases merged into it. */
  thread: (id: string) => request<ComplaintThreadView>('GET', `/api/complaints/${id}/thread`),
  attach: (id: string, files: File[], note?: string) => {
    const form = new FormData();
    if (note) form.append('note', note);
    for (const file of files) form.append('files', file);
    return request<ComplaintAttachmentList>('POST', `/api/complaints/${id}/attachments`, form);
  },
  attachmentUrl: (id: string, attachmentId: string) => `/api/complaints/${id}/attachments/${attachmentId}`,
  merge: (id: string, body: z.input<typeof MergeComplaint>) => request<ComplaintDetail>('POST', `/api/complaints/${id}/merge`, body),
  /** The complaint teams; null until the server has the route (then a team is typed). */
  teams: () => optional('teams', () => request<ComplaintTeamList>('GET', '/api/complaints/settings/teams')),
};

/** The customer's side: no session, the workspace named in the address. */
export const publicComplaintsApi = {
  file: (body: PublicComplaint) => request<Receipt>('POST', '/api/public/complaints', body),
  track: (body: z.input<typeof TrackComplaint>) => request<Tracking>('POST', '/api/public/complaints/track', body),
  /** The case with its history and the customer's actions; null until the server has the route (then `track` answers). */
  case: (body: Access) => optional('public-case', () => request<CustomerCase>('POST', '/api/public/complaints/case', body)),
  addInformation: (body: z.input<typeof AddCaseInformation>) => request<CustomerCase>('POST', '/api/public/complaints/case/messages', body),
  accept: (body: z.input<typeof AcceptCaseResolution>) => request<CustomerCase>('POST', '/api/public/complaints/case/accept', body),
  reject: (body: z.input<typeof RejectCaseResolution>) => request<CustomerCase>('POST', '/api/public/complaints/case/reject', body),
  /** The post-closure satisfaction answer (the view's `answer_satisfaction`); a bottom-two score comes back with the case reopened. */
  answerSatisfaction: (body: z.input<typeof AnswerCaseSatisfaction>) => request<CustomerCase>('POST', '/api/public/complaints/case/satisfaction', body),
};
