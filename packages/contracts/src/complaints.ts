import { z } from 'zod';
import { IsoInstant, Locale, NO_CONTROL_BUT_LINE_BREAKS, NO_CONTROL_CHARACTERS, NO_CONTROL_CHARACTERS_OR_EMPTY, ProblemView, Uuid } from './common.ts';

// Complaint cases (ISO 10002). The states and actions mirror the server's case-lifecycle.ts and
// sla-clock.ts, which own the rules; these are their names on the wire.

export const ComplaintState = z.enum([
  'received', 'acknowledged', 'assessed', 'under_investigation', 'resolution_proposed',
  'resolution_communicated', 'closed', 'reopened', 'escalated', 'waiting_for_customer',
]);
export type ComplaintState = z.infer<typeof ComplaintState>;

export const ComplaintAction = z.enum([
  'acknowledge', 'assess', 'investigate', 'propose_resolution', 'communicate_resolution',
  'customer_accepts', 'customer_rejects', 'close', 'reopen', 'escalate', 'wait_for_customer',
  'customer_replied', 'resume',
]);
export type ComplaintAction = z.infer<typeof ComplaintAction>;

/** How the complaint came in; an agent records phone, chat, social and in-person complaints. */
export const ComplaintChannel = z.enum(['web', 'widget', 'email', 'sms', 'api', 'phone', 'chat', 'social', 'in_person']);
export type ComplaintChannel = z.infer<typeof ComplaintChannel>;

export const ComplaintSeverity = z.enum(['low', 'medium', 'high', 'critical']);
export type ComplaintSeverity = z.infer<typeof ComplaintSeverity>;

/**
 * The default root-cause taxonomy (REFERENCE.md section 6), each mapped to a SERVQUAL dimension
 * for analysis. A workspace's own taxonomy comes later; until then these are the codes.
 */
export const ROOT_CAUSE_DIMENSIONS = {
  product_quality: 'reliability',
  staff_behaviour: 'empathy',
  process_policy: 'responsiveness',
  price_billing: 'reliability',
  delivery: 'responsiveness',
  digital_tech: 'tangibles',
  communication: 'assurance',
  facilities: 'tangibles',
} as const;
export const RootCause = z.enum(Object.keys(ROOT_CAUSE_DIMENSIONS) as [keyof typeof ROOT_CAUSE_DIMENSIONS, ...(keyof typeof ROOT_CAUSE_DIMENSIONS)[]]);
export type RootCause = z.infer<typeof RootCause>;

/** A person's text: lines and tabs kept, other control characters refused. */
const personText = (max: number) => z.string().trim().min(1).max(max).regex(NO_CONTROL_BUT_LINE_BREAKS, 'no control characters');
/** A short label (category, product, team): one line. */
const label = (max: number) => z.string().trim().min(1).max(max).regex(NO_CONTROL_CHARACTERS, 'no control characters');

export const COMPLAINT_DESCRIPTION_MAX = 10_000;
const Description = personText(COMPLAINT_DESCRIPTION_MAX);
const Note = personText(4000);
const ContactName = label(300);
const ContactPhone = z.string().trim().min(3).max(40);
const ContactEmail = z.string().trim().toLowerCase().max(254).pipe(z.email());

/** An agent records a complaint received by phone, chat, social media, in person, or one an integration passes on. */
export const OpenComplaint = z.strictObject({
  channel: ComplaintChannel,
  /** the customer who complained; absent for an anonymous complainant (give contact details instead) */
  customerId: Uuid.optional(),
  contactName: ContactName.optional(),
  contactPhone: ContactPhone.optional(),
  contactEmail: ContactEmail.optional(),
  language: Locale.optional(),
  category: label(100).optional(),
  product: label(200).optional(),
  severity: ComplaintSeverity.optional(),
  impact: personText(2000).optional(),
  remedySought: personText(2000).optional(),
  description: Description,
  assigneeId: Uuid.optional(),
  team: label(100).optional(),
  relatedResponseId: Uuid.optional(),
}).meta({ id: 'OpenComplaint' });
export type OpenComplaint = z.infer<typeof OpenComplaint>;

export const ComplaintContactView = z.object({ name: z.string().nullable(), phone: z.string().nullable(), email: z.string().nullable() });

export const ComplaintView = z.object({
  id: Uuid,
  trackingCode: z.string(),
  customerId: Uuid.nullable(),
  contact: ComplaintContactView,
  language: Locale.nullable(),
  channel: ComplaintChannel,
  category: z.string().nullable(),
  product: z.string().nullable(),
  severity: ComplaintSeverity,
  impact: z.string().nullable(),
  remedySought: z.string().nullable(),
  description: z.string(),
  assigneeId: Uuid.nullable(),
  team: z.string().nullable(),
  state: ComplaintState,
  rootCause: z.string().nullable(),
  resolutionSummary: z.string().nullable(),
  relatedResponseId: Uuid.nullable(),
  receivedAt: IsoInstant,
  closedAt: IsoInstant.nullable(),
  createdAt: IsoInstant,
  updatedAt: IsoInstant,
}).meta({ id: 'Complaint' });
export type ComplaintView = z.infer<typeof ComplaintView>;

export const ComplaintEventKind = z.enum(['transition', 'response', 'note', 'customer_message']);
export const ComplaintActorType = z.enum(['agent', 'supervisor', 'customer', 'system']);

/** One line of a case's append-only log. */
export const ComplaintEventView = z.object({
  id: z.number().int(),
  at: IsoInstant,
  kind: ComplaintEventKind,
  /** a lifecycle action, `receive` for the first line, `assign` for an assignment */
  action: z.string().nullable(),
  fromState: ComplaintState.nullable(),
  toState: ComplaintState.nullable(),
  note: z.string().nullable(),
  actorType: ComplaintActorType,
  /** `user:<accountId>` or `api_key:<keyId>`; null for the customer and the system */
  actorId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
}).meta({ id: 'ComplaintEvent' });
export type ComplaintEventView = z.infer<typeof ComplaintEventView>;

export const ComplaintDetailView = ComplaintView.extend({
  events: z.array(ComplaintEventView),
  /** the actions the caller may take now (data the action needs, such as a root cause, is asked for by its form) */
  allowedActions: z.array(ComplaintAction),
}).meta({ id: 'ComplaintDetail' });
export type ComplaintDetailView = z.infer<typeof ComplaintDetailView>;

export const ComplaintPage = z.object({ items: z.array(ComplaintView), nextCursor: z.string().nullable() }).meta({ id: 'ComplaintPage' });
export type ComplaintPage = z.infer<typeof ComplaintPage>;

/**
 * Enough to look up in an index: 4 digits of a tracking code (spaces, dashes and the like
 * between them), or a word of at least 3 characters (trigrams need 3), once marks, tatweel and
 * joiners are left out as the server's folding leaves them out.
 */
function searchable(q: string): boolean {
  if (q === '') return true;
  const bare = q.replace(/[\p{M}\p{Cf}\u0640]/gu, '');
  if (/^[\p{Nd}\s\p{Pd}.()+]+$/u.test(bare) && (bare.match(/\p{Nd}/gu) ?? []).length >= 4) return true;
  return bare.split(/\s+/).some((word) => [...word].length >= 3);
}

/**
 * The queue's search box: a tracking code as typed (any digits, spaces, dashes; 4 or more digits
 * match codes starting with them), or words of the contact's name, e-mail or phone, in any case
 * (one of 3 characters at least, else `search_too_short`). One line of at most 254 characters
 * (an e-mail address); empty searches nothing.
 */
export const ComplaintSearchText = z.string().max(254).regex(NO_CONTROL_CHARACTERS_OR_EMPTY, 'no control characters').trim()
  .refine(searchable, { message: 'search_too_short', params: { code: 'search_too_short' } });

/**
 * The queue, oldest received first. `state`: one state, `open` (every state but closed; the
 * default) or `all`. `assignee`: `me`, `unassigned`, or an account id. `channel`: how the cases
 * came in. `q`: see ComplaintSearchText.
 */
export const ComplaintQuery = z.strictObject({
  state: z.union([ComplaintState, z.enum(['open', 'all'])]).default('open'),
  assignee: z.union([z.enum(['me', 'unassigned']), Uuid]).optional(),
  team: label(100).optional(),
  severity: ComplaintSeverity.optional(),
  category: label(100).optional(),
  channel: ComplaintChannel.optional(),
  q: ComplaintSearchText.optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ComplaintQuery = z.infer<typeof ComplaintQuery>;

/**
 * One step of the lifecycle. Closing (and communicating a resolution, which the customer's
 * acceptance turns into a closure) needs a root cause and a resolution summary, given here or
 * recorded by an earlier step; proposing a resolution needs the summary.
 */
export const TakeComplaintAction = z.strictObject({
  action: ComplaintAction,
  note: Note.optional(),
  /** an active code of the workspace's root-cause taxonomy (GET /api/complaints/root-causes); the defaults are RootCause's */
  rootCause: z.string().regex(/^[a-z][a-z0-9_]{1,62}$/, 'a root-cause code').optional(),
  resolutionSummary: personText(4000).optional(),
}).meta({ id: 'TakeComplaintAction' });
export type TakeComplaintAction = z.infer<typeof TakeComplaintAction>;

/**
 * A message to the complainant: logged as the case's response (it meets the first-response
 * target) and sent to them in their channel, with the tracking link.
 */
export const ReplyToComplaint = z.strictObject({ text: personText(4000) }).meta({ id: 'ReplyToComplaint' });
export type ReplyToComplaint = z.infer<typeof ReplyToComplaint>;

/** A note only staff see: nothing is sent, and it is not a response to the customer. */
export const AddComplaintNote = z.strictObject({ text: personText(4000) }).meta({ id: 'AddComplaintNote' });
export type AddComplaintNote = z.infer<typeof AddComplaintNote>;

/** null clears; absent leaves as is. */
export const AssignComplaint = z
  .strictObject({
    assigneeId: Uuid.nullable().optional(),
    team: label(100).nullable().optional(),
  })
  .refine((patch) => patch.assigneeId !== undefined || patch.team !== undefined, 'nothing to change')
  .meta({ id: 'AssignComplaint' });
export type AssignComplaint = z.infer<typeof AssignComplaint>;

const WorkspaceSlug = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/);

/** A customer files a complaint on the workspace's public form. A phone or an e-mail is needed to track it. */
export const FileComplaint = z
  .strictObject({
    workspace: WorkspaceSlug,
    name: ContactName,
    phone: ContactPhone.optional(),
    email: ContactEmail.optional(),
    category: label(100).optional(),
    description: Description,
    language: Locale.optional(),
    /** a field people never see (hidden on the form): a filing that fills it is answered as usual and not stored */
    website: z.string().max(500).optional(),
    /** the answer to a proof-of-work challenge (`<challenge>:<n>`), sent when a 429 `filing_challenge_required` asked for one */
    proof: z.string().max(200).optional(),
  })
  .superRefine((input, ctx) => {
    if (!input.phone && !input.email) ctx.addIssue({ code: 'custom', message: 'phone_or_email_required', params: { code: 'phone_or_email_required' }, path: ['phone'] });
  }, { when: (payload) => typeof payload.value === 'object' && payload.value !== null })
  .meta({ id: 'FileComplaint' });
export type FileComplaint = z.infer<typeof FileComplaint>;

export const ComplaintStatusWords = z.object({ state: ComplaintState, title: z.string(), detail: z.string() });

/** What the complainant is told on filing: the code to track the case with. */
export const ComplaintReceipt = z.object({
  /** 12 ASCII digits, the last a Damm check digit (16 for a code issued before the 12-digit shape) */
  trackingCode: z.string(),
  /** the code in groups of four (4827-9153-0640) in the reader's digits */
  trackingCodeDisplay: z.string(),
  status: ComplaintStatusWords,
}).meta({ id: 'ComplaintReceipt' });
export type ComplaintReceipt = z.infer<typeof ComplaintReceipt>;

/** What the public form asks before a filing: its device (a widget keeps it and sends it back as `X-Vafa-Device`) and a proof-of-work challenge when filings look automated. */
export const PublicFilingForm = z.object({
  device: z.string(),
  challenge: z.object({ value: z.string(), bits: z.number().int() }).nullable(),
}).meta({ id: 'PublicComplaintFilingForm' });
export type PublicFilingForm = z.infer<typeof PublicFilingForm>;

/** A refused public filing: 429 `filing_challenge_required` carries the challenge to solve. */
export const FilingRateProblem = ProblemView.extend({ challenge: z.string().optional(), bits: z.number().int().optional() }).meta({ id: 'FilingRateProblem' });

/** The tracking code (as typed: any digits, spaces, dashes) and the last 4 digits of the phone or the e-mail given when filing. */
export const TrackComplaint = z.strictObject({
  workspace: WorkspaceSlug,
  code: z.string().max(256),
  verification: z.string().trim().min(1).max(254),
  language: Locale.optional(),
}).meta({ id: 'TrackComplaint' });
export type TrackComplaint = z.infer<typeof TrackComplaint>;

export const ComplaintTrackingView = z.object({
  trackingCode: z.string(),
  trackingCodeDisplay: z.string(),
  status: ComplaintStatusWords,
  receivedAt: IsoInstant,
  updatedAt: IsoInstant,
}).meta({ id: 'ComplaintTracking' });
export type ComplaintTrackingView = z.infer<typeof ComplaintTrackingView>;
