import { z } from 'zod';
import { IsoInstant, NO_CONTROL_BUT_LINE_BREAKS, Uuid } from './common.ts';

// Complaint intake beyond the forms: e-mail and SMS threads, attachments, merged cases, and the
// workspace's intake settings. The server's complaints module owns the rules.

/** One attachment's size limit, and how many one message (an upload, an e-mail) may carry. */
export const COMPLAINT_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
export const COMPLAINT_ATTACHMENT_MAX_FILES = 5;
/** What is accepted, told by the content (magic bytes), never by the name or the declared type. */
export const COMPLAINT_ATTACHMENT_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'application/pdf', 'text/plain'] as const;
export const ComplaintAttachmentType = z.enum(COMPLAINT_ATTACHMENT_TYPES);
export type ComplaintAttachmentType = z.infer<typeof ComplaintAttachmentType>;

/** Who brought the file: an agent's upload, the customer on the tracking page, an e-mail. */
export const ComplaintAttachmentSource = z.enum(['agent', 'customer', 'email']);
export type ComplaintAttachmentSource = z.infer<typeof ComplaintAttachmentSource>;

export const ComplaintAttachmentView = z.object({
  id: Uuid,
  /** the case it was filed on; after a merge, possibly a case merged into the one asked about */
  caseId: Uuid,
  fileName: z.string(),
  contentType: ComplaintAttachmentType,
  sizeBytes: z.number().int(),
  /** SHA-256 of the content, hex */
  sha256: z.string(),
  source: ComplaintAttachmentSource,
  /** the log line it came with (a customer message, an agent's note) */
  eventId: z.number().int().nullable(),
  createdAt: IsoInstant,
}).meta({ id: 'ComplaintAttachmentView' });
export type ComplaintAttachmentView = z.infer<typeof ComplaintAttachmentView>;

export const ComplaintAttachmentList = z.object({ items: z.array(ComplaintAttachmentView) });
export type ComplaintAttachmentList = z.infer<typeof ComplaintAttachmentList>;

export const ComplaintAttachmentParams = z.strictObject({ id: Uuid, attachmentId: Uuid });
export type ComplaintAttachmentParams = z.infer<typeof ComplaintAttachmentParams>;

/** A message that came in (or went out) by e-mail or SMS on a case. */
export const ComplaintMessageView = z.object({
  id: Uuid,
  caseId: Uuid,
  channel: z.enum(['email', 'sms']),
  direction: z.enum(['inbound', 'outbound']),
  from: z.string().nullable(),
  to: z.string().nullable(),
  subject: z.string().nullable(),
  /** the plain text (an HTML-only mail is turned into text; its markup is never kept) */
  text: z.string(),
  at: IsoInstant,
  /** its log line on the case */
  eventId: z.number().int().nullable(),
}).meta({ id: 'ComplaintMessageView' });
export type ComplaintMessageView = z.infer<typeof ComplaintMessageView>;

export const MergedComplaintView = z.object({ id: Uuid, trackingCode: z.string(), mergedAt: IsoInstant });

/** Everything the customer sent on a case and on the cases merged into it. */
export const ComplaintThreadView = z.object({
  caseId: Uuid,
  /** cases merged into this one, oldest merge first */
  merged: z.array(MergedComplaintView),
  /** set when this case was itself merged into another */
  mergedInto: Uuid.nullable(),
  messages: z.array(ComplaintMessageView),
  attachments: z.array(ComplaintAttachmentView),
}).meta({ id: 'ComplaintThreadView' });
export type ComplaintThreadView = z.infer<typeof ComplaintThreadView>;

/** Merge this (duplicate) case into another open case of the same workspace. */
export const MergeComplaint = z.strictObject({
  into: Uuid,
  note: z.string().trim().min(1).max(4000).regex(NO_CONTROL_BUT_LINE_BREAKS, 'no control characters').optional(),
});
export type MergeComplaint = z.infer<typeof MergeComplaint>;

export const ComplaintIntakeSettingsView = z.object({
  /** mail to complaints+<workspace slug>@<an intake domain> opens or threads cases */
  emailEnabled: z.boolean(),
  /** inbound SMS that answer no survey open or thread cases */
  smsEnabled: z.boolean(),
  /** a message from the same sender within this many hours joins their open case */
  threadWindowHours: z.number().int(),
  /** the addresses to publish, when the instance listens for mail (VAFA_SMTP_INTAKE_*) */
  emailAddresses: z.array(z.string()),
  /** the embeddable widget offers a complaint form on sites whose script tag has `data-complaints="<workspace slug>"` */
  widgetEnabled: z.boolean(),
  /** the script tag to put on a site for the complaint entry (it may carry a survey's `data-survey` too) */
  widgetTag: z.string(),
  /** a page that shows the complaint entry under a strict Content-Security-Policy */
  widgetDemoUrl: z.string(),
}).meta({ id: 'ComplaintIntakeSettingsView' });
export type ComplaintIntakeSettingsView = z.infer<typeof ComplaintIntakeSettingsView>;

export const UpdateComplaintIntakeSettings = z.strictObject({
  emailEnabled: z.boolean().optional(),
  smsEnabled: z.boolean().optional(),
  threadWindowHours: z.number().int().min(1).max(720).optional(),
  widgetEnabled: z.boolean().optional(),
});
export type UpdateComplaintIntakeSettings = z.infer<typeof UpdateComplaintIntakeSettings>;
